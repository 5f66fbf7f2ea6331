"""One rule for each kind of input, the same on every store, named when refused."""

from collections.abc import Iterator
from datetime import timedelta

import pytest

import orderkit as ok
from orderkit.errors import (
    CustomerNotFound,
    InvalidAmount,
    InvalidQuantity,
    InvalidTime,
    OrderNotFound,
    PaymentNotFound,
    ValidationError,
)
from tests.builders import BERLIN, T0, snapshot


@pytest.fixture
def shop(store_url: str | None) -> Iterator[ok.Shop]:
    with ok.Shop.open(store_url, clock=ok.ManualClock(T0), seed=9) as opened:
        opened.catalog.add(ok.Product(sku="TEE", name="T-shirt", price=ok.Money("10.00", "EUR")))
        opened.customers.register("ana@example.com", "Ana", addresses=[BERLIN])
        opened.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN))
        opened.inventory.receive("TEE", "BER", 5)
        yield opened


@pytest.mark.parametrize(
    "written", ["\uff11\uff10", "\u0661\u0660", " 1.00 ", "1,00", "1.0.0", "", "ten"]
)
def test_money_is_written_in_ascii_digits_only(written: str) -> None:
    with pytest.raises(InvalidAmount) as refused:
        ok.Money(written, "EUR")
    assert (refused.value.field, refused.value.value) == ("amount", written)


@pytest.mark.parametrize("written", ["10", "-1.50", ".5", "1e2", "+3"])
def test_money_takes_plain_ascii_numbers(written: str) -> None:
    assert ok.Money(written, "EUR").currency == "EUR"


@pytest.mark.parametrize("text", ["a\x00b", "bell\x07", "esc\x1b[0m", "del\x7f", "\ud800"])
def test_control_characters_are_refused_in_every_stored_text(shop: ok.Shop, text: str) -> None:
    order = shop.orders.place("ana@example.com", [("TEE", 1)])
    before = snapshot(shop)
    with pytest.raises(ValidationError) as refused:
        shop.orders.cancel(order.id, reason=text)
    assert refused.value.field == "reason"
    with pytest.raises(ValidationError):
        ok.Product(sku="MUG", name=text, price=ok.Money("1.00", "EUR"))
    assert snapshot(shop) == before


def test_line_breaks_and_tabs_are_kept_in_free_text(shop: ok.Shop) -> None:
    order = shop.orders.place("ana@example.com", [("TEE", 1)])
    cancelled = shop.orders.cancel(order.id, reason="first line\n\tsecond line")
    assert cancelled.history[-1].reason == "first line\n\tsecond line"


def test_numbers_beyond_64_bits_are_refused_by_name(shop: ok.Shop) -> None:
    before = snapshot(shop)
    with pytest.raises(OrderNotFound):
        shop.orders.get(10**30)
    with pytest.raises(ValidationError) as refused:
        shop.reservations.reserve("cart:1", [("TEE", 1)], priority=10**30)
    assert refused.value.field == "priority"
    with pytest.raises(ValidationError) as refused:
        shop.orders.find(cursor=10**30)
    assert refused.value.field == "cursor"
    with pytest.raises(ValidationError) as refused:
        shop.events.pending(limit=10**30)
    assert refused.value.field == "limit"
    assert snapshot(shop) == before


def test_every_stock_quantity_has_the_same_bound(shop: ok.Shop) -> None:
    before = snapshot(shop)
    with pytest.raises(InvalidQuantity):
        shop.inventory.receive("TEE", "BER", 10**12)
    with pytest.raises(InvalidQuantity):
        shop.inventory.adjust("TEE", "BER", 10**12, reason="found a warehouse")
    with pytest.raises(InvalidQuantity):
        shop.inventory.count("TEE", "BER", 10**12)
    assert shop.inventory.level("TEE", "BER").on_hand == 5
    assert snapshot(shop) == before


@pytest.mark.parametrize("document", ["", "   ", None])
def test_a_restock_names_its_return(shop: ok.Shop, document: object) -> None:
    with pytest.raises(ValidationError) as refused:
        shop.inventory.restock("TEE", "BER", 1, document=document)  # type: ignore[arg-type]
    assert refused.value.field == "document"
    assert shop.inventory.level("TEE", "BER").on_hand == 5


def test_shapes_are_checked_before_anything_is_read(shop: ok.Shop) -> None:
    order = shop.orders.place("ana@example.com", [("TEE", 1)])
    before = snapshot(shop)
    with pytest.raises(ValidationError) as refused:
        shop.orders.edit(order.id, quantities=[("TEE", 2)])  # type: ignore[arg-type]
    assert refused.value.field == "quantities"
    with pytest.raises(ValidationError) as refused:
        shop.reservations.reserve("cart:1", None)  # type: ignore[arg-type]
    assert refused.value.field == "lines"
    with pytest.raises(ValidationError) as refused:
        shop.catalog.get(["TEE"])  # type: ignore[arg-type]
    assert refused.value.field == "sku"
    assert snapshot(shop) == before


def test_store_credit_is_issued_to_known_customers_and_for_the_future(shop: ok.Shop) -> None:
    with pytest.raises(CustomerNotFound):
        shop.store_credit.issue("GIFT-1", ok.Money("5.00", "EUR"), key="k", customer_id="nobody")
    with pytest.raises(InvalidTime) as refused:
        shop.store_credit.issue(
            "GIFT-1", ok.Money("5.00", "EUR"), key="k", expires_at=T0 - timedelta(days=1)
        )
    assert refused.value.field == "expires_at"
    with pytest.raises(ok.errors.CreditAccountNotFound):
        shop.store_credit.get("GIFT-1")


def test_not_found_says_what_the_key_is() -> None:
    assert str(PaymentNotFound("P-1")) == "no payment with id 'P-1'"
    assert str(OrderNotFound(1042)) == "no order with number 1042"
    assert str(ok.errors.ProductNotFound("MUG")) == "no product with SKU 'MUG'"
    assert str(CustomerNotFound("ana@example.com")) == "no customer with email 'ana@example.com'"


@pytest.mark.parametrize(
    ("country", "written", "kept"),
    [("DE", "10115", "10115"), ("GB", "sw1a  1aa", "SW1A 1AA"), ("NL", "1012 js", "1012 JS")],
)
def test_postal_codes_are_checked_where_the_format_is_known(
    country: str, written: str, kept: str
) -> None:
    address = ok.Address(name="A", line1="x", city="y", country=country, postal_code=written)
    assert address.postal_code == kept


def test_a_postal_code_that_does_not_fit_its_country_is_refused_by_name() -> None:
    with pytest.raises(ValidationError) as refused:
        ok.Address(name="A", line1="x", city="y", country="DE", postal_code="ABC")
    assert (refused.value.field, refused.value.value) == ("postal_code", "ABC")


def test_countries_without_postal_codes_need_none() -> None:
    assert ok.Address(name="A", line1="x", city="Dubai", country="AE").postal_code is None
    assert ok.Address(name="A", line1="x", city="Dublin", country="IE", postal_code="D01 F5P2")


def test_an_address_stored_before_the_formats_still_loads() -> None:
    converter = ok.make_converter()
    document = converter.unstructure(ok.Address(name="A", line1="x", city="y", country="DE"))
    loaded = converter.structure({**document, "postal_code": "1000"}, ok.Address)
    assert loaded.postal_code == "1000"


@pytest.mark.parametrize(
    ("name", "code"),
    [("Germany", "DE"), ("USA", "US"), ("united kingdom", "GB"), ("DEU", "DE"), ("Holland", "NL")],
)
def test_country_names_lead_to_their_codes(name: str, code: str) -> None:
    assert ok.country_code(name) == code


def test_an_unknown_country_name_is_refused() -> None:
    with pytest.raises(ok.errors.InvalidCountry):
        ok.country_code("Atlantis")


def test_an_email_written_another_way_finds_the_same_customer(shop: ok.Shop) -> None:
    wide = "\uff21\uff2e\uff21@EXAMPLE.com"  # full-width ANA
    assert shop.customers.get(wide).email == "ana@example.com"
    with pytest.raises(ok.errors.AlreadyExists):
        shop.customers.register(" ANA@example.COM ", "Ana again")


def test_an_email_with_a_look_alike_letter_is_refused_not_taken_for_someone_new(
    shop: ok.Shop,
) -> None:
    before = snapshot(shop)
    with pytest.raises(ValidationError) as refused:
        shop.customers.register("\u0430na@example.com", "Not Ana")  # a Cyrillic a
    assert refused.value.field == "email"
    assert "look alike" in str(refused.value)
    assert snapshot(shop) == before
