"""Hypothesis strategies for orderkit's values, shared by every property test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from hypothesis import strategies as st

from orderkit.catalog.products import Dimensions, Product
from orderkit.core.addresses import Address, Coordinates
from orderkit.core.countries import COUNTRY_CODES
from orderkit.core.currencies import CURRENCY_EXPONENTS
from orderkit.core.money import Money
from orderkit.customers.customer import Customer
from orderkit.lifecycle.order import Order, OrderLine
from orderkit.lifecycle.tax import TaxRounding

currencies = st.sampled_from(sorted(CURRENCY_EXPONENTS))
countries = st.sampled_from(sorted(COUNTRY_CODES))
codes = st.from_regex(r"[A-Z0-9][A-Z0-9._-]{0,15}", fullmatch=True)
texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30
).filter(lambda s: s.strip() != "")


@st.composite
def money(
    draw: st.DrawFn,
    currency: st.SearchStrategy[str] = currencies,
    min_units: int = -(10**12),
    max_units: int = 10**12,
) -> Money:
    code = draw(currency)
    units = draw(st.integers(min_value=min_units, max_value=max_units))
    return Money.from_minor(units, code)


def prices(currency: str) -> st.SearchStrategy[Money]:
    return money(st.just(currency), min_units=0, max_units=10**9)


ratios = st.lists(
    st.one_of(
        st.integers(min_value=0, max_value=10**6),
        st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False),
    ),
    min_size=1,
    max_size=12,
).filter(lambda values: sum(Decimal(v) for v in values) > 0)

# Hypothesis takes naive bounds and attaches the drawn timezone itself.
aware_datetimes = st.datetimes(
    min_value=datetime(2000, 1, 1),  # noqa: DTZ001
    max_value=datetime(2100, 1, 1),  # noqa: DTZ001
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5))]),
)

coordinates = st.builds(
    Coordinates,
    latitude=st.floats(min_value=-90, max_value=90, allow_nan=False),
    longitude=st.floats(min_value=-180, max_value=180, allow_nan=False),
)


def _postal_code_for(country: str) -> st.SearchStrategy[str | None]:
    """A postal code the country takes: any for a country without a known format."""
    from orderkit.core.postal_codes import POSTAL_CODE_FORMATS

    if country in POSTAL_CODE_FORMATS:
        return st.none() | st.from_regex(POSTAL_CODE_FORMATS[country][0], fullmatch=True)
    return st.none() | st.from_regex(r"[0-9A-Z]{3,8}", fullmatch=True)


addresses = countries.flatmap(
    lambda country: st.builds(
        Address,
        name=texts,
        line1=texts,
        city=texts,
        postal_code=_postal_code_for(country),
        country=st.just(country),
        line2=st.none() | texts,
        region=st.none() | texts,
        phone=st.none(),
        coordinates=st.none() | coordinates,
    )
)

dimensions = st.builds(
    Dimensions,
    st.integers(min_value=1, max_value=3000),
    st.integers(min_value=1, max_value=3000),
    st.integers(min_value=1, max_value=3000),
)


@st.composite
def products(draw: st.DrawFn) -> Product:
    currency = draw(currencies)
    price = draw(prices(currency))
    return Product(
        sku=draw(codes),
        name=draw(texts),
        price=price,
        brand=draw(st.none() | texts),
        category=draw(st.none() | texts),
        cost=draw(st.none() | prices(currency)),
        weight_g=draw(st.none() | st.integers(min_value=0, max_value=10**6)),
        dimensions=draw(st.none() | dimensions),
        attributes=draw(st.dictionaries(texts, texts, max_size=3)),
    )


customers = st.builds(
    Customer,
    id=codes,
    email=st.from_regex(r"[a-z0-9.]{1,10}@[a-z]{1,10}\.[a-z]{2,4}", fullmatch=True),
    name=texts,
    registered_at=aware_datetimes,
    addresses=st.lists(addresses, max_size=2).map(tuple),
    locale=st.sampled_from(["en", "de_DE", "fr_FR", "ja_JP", "pt_BR"]),
)


tax_rates = st.sampled_from(["0", "0.05", "0.07", "0.0725", "0.19", "0.2", "0.25"]).map(Decimal)


@st.composite
def order_lines(draw: st.DrawFn, currency: str, sku: str) -> OrderLine:
    """A line with a random discount, tax rate and cancelled units."""
    quantity = draw(st.integers(min_value=1, max_value=50))
    unit_price = draw(prices(currency))
    gross = unit_price.minor_units * quantity
    discount = draw(st.integers(min_value=0, max_value=gross))
    return OrderLine(
        sku=sku,
        name=draw(texts),
        quantity=quantity,
        unit_price=unit_price,
        discount=Money.from_minor(discount, currency),
        tax_rate=draw(tax_rates),
        cancelled=draw(st.integers(min_value=0, max_value=quantity)),
    )


@st.composite
def orders(draw: st.DrawFn) -> Order:
    """Orders with discounts, shipping, tax either way, cancelled units, tags and attributes."""
    currency = draw(currencies)
    skus = draw(st.lists(codes, min_size=1, max_size=5, unique=True))
    lines = [draw(order_lines(currency, sku)) for sku in skus]
    goods = sum((ln.gross - ln.line_discount).minor_units for ln in lines)
    order_discount = draw(st.integers(min_value=0, max_value=goods))
    return Order(
        id=draw(codes),
        number=draw(st.integers(min_value=1, max_value=10**9)),
        channel=draw(st.sampled_from(["web", "marketplace", "pos", "phone"])),
        customer_id=draw(codes),
        currency=currency,
        lines=tuple(lines),
        ship_to=draw(addresses),
        placed_at=draw(aware_datetimes),
        order_discount=Money.from_minor(order_discount, currency),
        shipping=draw(prices(currency)),
        prices_include_tax=draw(st.booleans()),
        tax_rounding=draw(st.sampled_from(TaxRounding)),
        tags=draw(st.lists(st.sampled_from(["vip", "gift", "b2b", "rush"]), max_size=3)),
        attributes=draw(st.dictionaries(st.sampled_from(["referrer", "landing"]), texts)),
        state=draw(st.sampled_from(["placed", "confirmed"])),
        version=draw(st.integers(min_value=0, max_value=100)),
    )
