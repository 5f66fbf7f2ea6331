"""Quantities, clocks, ids, countries, addresses, products, customers."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orderkit.catalog.products import Dimensions, Product
from orderkit.core.addresses import Address, Coordinates
from orderkit.core.clock import ManualClock, SystemClock
from orderkit.core.countries import COUNTRY_CODES, country_name, validate_country
from orderkit.core.ids import IdGenerator
from orderkit.core.money import Money
from orderkit.core.quantity import MAX_QUANTITY, validate_quantity
from orderkit.customers.customer import Customer, normalise_email
from orderkit.errors import (
    CurrencyMismatch,
    InvalidCountry,
    InvalidQuantity,
    InvalidTime,
    ValidationError,
)
from tests.builders import NEW_YEAR as T0


@pytest.mark.parametrize("good", [1, 7, MAX_QUANTITY])
def test_positive_ints_are_quantities(good: int) -> None:
    assert validate_quantity(good) == good


@pytest.mark.parametrize("bad", [0, -1, True, False, 2.0, 1.5, "3", None, MAX_QUANTITY + 1])
def test_anything_else_is_refused_naming_the_field(bad: object) -> None:
    with pytest.raises(InvalidQuantity) as error:
        validate_quantity(bad, "lines[0].quantity")
    assert error.value.field == "lines[0].quantity"
    assert error.value.value == bad


def test_system_clock_is_aware_utc() -> None:
    now = SystemClock().now()
    assert now.tzinfo is UTC


def test_manual_clock_moves_only_forward() -> None:
    clock = ManualClock(T0)
    assert clock.advance(timedelta(hours=1)) == T0 + timedelta(hours=1)
    with pytest.raises(ValidationError):
        clock.advance(timedelta(seconds=-1))
    with pytest.raises(InvalidTime):
        clock.set(T0)
    clock.set(T0 + timedelta(days=1))
    assert clock.now() == T0 + timedelta(days=1)


def test_manual_clock_refuses_naive_times() -> None:
    with pytest.raises(InvalidTime) as error:
        ManualClock(datetime(2026, 1, 1))  # noqa: DTZ001
    assert error.value.field == "start"


def test_ids_are_unique_and_sort_in_creation_order_within_one_millisecond() -> None:
    ids = IdGenerator(ManualClock(T0), random.Random(3))
    made = [ids.new() for _ in range(2000)]
    assert len(set(made)) == len(made)
    assert made == sorted(made)
    assert all(len(i) == 26 for i in made)


def test_ids_sort_by_time_and_survive_a_clock_stepping_back() -> None:
    clock = ManualClock(T0)
    ids = IdGenerator(clock, random.Random(1))
    first = ids.new()
    clock.advance(timedelta(milliseconds=5))
    second = ids.new()

    class SteppingBack:
        def now(self) -> datetime:
            return T0 - timedelta(hours=1)

    ids._clock = SteppingBack()
    third = ids.new()
    assert first < second < third


def test_seeded_ids_repeat() -> None:
    def make() -> list[str]:
        ids = IdGenerator(ManualClock(T0), random.Random(9))
        return [ids.new() for _ in range(5)]

    assert make() == make()


def test_country_codes_are_the_249_iso_codes_and_babel_names_them() -> None:
    assert len(COUNTRY_CODES) == 249
    assert {"DE", "US", "JP", "AQ"} <= COUNTRY_CODES
    assert not {"EU", "XK", "ZZ", "UK"} & COUNTRY_CODES
    for code in COUNTRY_CODES:
        assert country_name(code)
    assert country_name("DE", "de") == "Deutschland"
    assert country_name("JP", "ja") == "日本"


@pytest.mark.parametrize("bad", ["de", "UK", "DEU", "", None, 276])
def test_bad_countries_are_refused(bad: object) -> None:
    with pytest.raises(InvalidCountry):
        validate_country(bad)


def test_address_validates_and_strips() -> None:
    address = Address(name=" Ana ", line1="Main 1", city="Berlin", postal_code="", country="DE")
    assert address.name == "Ana"
    assert address.postal_code is None
    with pytest.raises(InvalidCountry):
        Address(name="Ana", line1="x", city="y", postal_code="1", country="Germany")
    with pytest.raises(ValidationError) as error:
        Address(name="  ", line1="x", city="y", postal_code="1", country="DE")
    assert error.value.field == "name"
    with pytest.raises(ValidationError):
        Address(name="a", line1="x", city="y", postal_code="1", country="DE", coordinates=(1, 2))  # type: ignore[arg-type]


@pytest.mark.parametrize(("lat", "lon"), [(91, 0), (0, -181), (True, 0), ("1", 0)])
def test_coordinates_are_range_checked(lat: object, lon: object) -> None:
    with pytest.raises(ValidationError):
        Coordinates(lat, lon)  # type: ignore[arg-type]


def test_product_rules() -> None:
    price = Money("10.00", "EUR")
    product = Product(sku="A-1", name="Thing", price=price, cost=Money("4.00", "EUR"))
    assert product.margin == Money("6.00", "EUR")
    assert product.currency == "EUR"
    with pytest.raises(CurrencyMismatch):
        Product(sku="A-1", name="Thing", price=price, cost=Money("4.00", "USD"))
    with pytest.raises(ValidationError) as error:
        Product(sku="has space", name="Thing", price=price)
    assert error.value.field == "sku"
    with pytest.raises(ValidationError):
        Product(sku="A-1", name="Thing", price=Money("-1", "EUR"))
    with pytest.raises(ValidationError):
        Product(sku="A-1", name="Thing", price="10.00")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Product(sku="A-1", name="Thing", price=price, attributes={"size": 3})  # type: ignore[dict-item]
    with pytest.raises(ValidationError):
        Product(sku="A-1", name="Thing", price=price, weight_g=1.5)  # type: ignore[arg-type]


def test_product_attributes_cannot_be_changed_through_the_product() -> None:
    source = {"colour": "red"}
    product = Product(sku="A-1", name="Thing", price=Money(1, "EUR"), attributes=source)
    source["colour"] = "blue"
    assert product.attributes["colour"] == "red"
    with pytest.raises(TypeError):
        product.attributes["colour"] = "green"  # type: ignore[index]
    hash(product)


def test_dimensions() -> None:
    assert Dimensions(10, 10, 10).volume_cm3 == 1
    assert Dimensions(11, 10, 10).volume_cm3 == 2  # rounds up
    with pytest.raises(ValidationError):
        Dimensions(0, 1, 1)


def test_customer_rules() -> None:
    customer = Customer(id="C1", email="Ana@Example.COM", name="Ana", registered_at=T0)
    assert customer.email == "ana@example.com"
    assert customer.country is None
    with pytest.raises(ValidationError):
        Customer(id="C1", email="not-an-email", name="Ana", registered_at=T0)
    with pytest.raises(InvalidTime):
        Customer(id="C1", email="a@b.cd", name="Ana", registered_at=datetime(2026, 1, 1))  # noqa: DTZ001
    with pytest.raises(ValidationError) as error:
        Customer(id="C1", email="a@b.cd", name="Ana", registered_at=T0, locale="xx_YY_ZZ")
    assert error.value.field == "locale"


@given(st.emails())
def test_normalised_emails_are_lower_case(email: str) -> None:
    try:
        normalised = normalise_email(email)
    except ValidationError:
        return
    assert normalised == normalised.lower().strip()
