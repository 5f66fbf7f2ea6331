"""The first pieces of inventory, payments, fulfilment and reports."""

from datetime import UTC, datetime

import pytest

from orderkit.catalog.products import Dimensions
from orderkit.core.money import Money
from orderkit.errors import InvalidCountry, ValidationError
from orderkit.fulfillment.parcels import Parcel
from orderkit.inventory.warehouses import Warehouse
from orderkit.lifecycle.order import Order, OrderLine
from orderkit.payments.idempotency import request_fingerprint
from orderkit.payments.methods import PaymentMethod
from orderkit.reports.summary import summarise_sales
from tests.builders import berlin


def test_warehouse_serves_countries() -> None:
    hub = Warehouse("BER", "Berlin", berlin(), serves=["DE", "AT"])
    assert hub.ships_to("DE")
    assert not hub.ships_to("FR")
    assert Warehouse("ALL", "Global", berlin()).ships_to("JP")
    assert not Warehouse("OFF", "Closed", berlin(), active=False).ships_to("DE")
    with pytest.raises(InvalidCountry):
        Warehouse("BER", "Berlin", berlin(), serves=["Germany"])
    with pytest.raises(ValidationError):
        Warehouse("BER", "Berlin", berlin(), serves="DE")


def test_parcel_chargeable_weight() -> None:
    light_big = Parcel(Dimensions(400, 300, 200), weight_g=1500)
    assert light_big.dimensional_weight_g() == 4800
    assert light_big.dimensional_weight_g(6000) == 4000
    assert light_big.chargeable_weight_g() == 4800
    heavy_small = Parcel(Dimensions(100, 100, 100), weight_g=3000)
    assert heavy_small.chargeable_weight_g() == 3000
    with pytest.raises(ValidationError):
        heavy_small.dimensional_weight_g(0)


def test_payment_methods() -> None:
    assert PaymentMethod.BANK_TRANSFER.settles_later
    assert not PaymentMethod("card").settles_later
    with pytest.raises(ValueError, match="crypto"):
        PaymentMethod("crypto")


def test_fingerprints_ignore_key_order_and_see_every_value() -> None:
    base = request_fingerprint("capture", {"amount": Money("5", "EUR"), "order": "A1"})
    assert base == request_fingerprint("capture", {"order": "A1", "amount": Money("5.00", "EUR")})
    assert base != request_fingerprint("capture", {"order": "A1", "amount": Money("5.01", "EUR")})
    assert base != request_fingerprint("refund", {"order": "A1", "amount": Money("5", "EUR")})
    with pytest.raises(ValidationError):
        request_fingerprint("capture", {"amount": 5.0})


def test_sales_summary() -> None:
    def order(number: int, currency: str, amount: str, channel: str, country: str) -> Order:
        address = berlin()
        if country != "DE":
            address = type(address)(name="X", line1="1", city="Y", country=country)
        return Order(
            id=f"O{number}",
            number=number,
            channel=channel,
            customer_id="C1",
            currency=currency,
            lines=[OrderLine("A-1", "A", 1, Money(amount, currency))],
            ship_to=address,
            placed_at=datetime(2026, 1, 1, tzinfo=UTC),
        )

    cancelled = order(4, "EUR", "99.00", "phone", "DE")
    cancelled.cancel_units()
    summary = summarise_sales(
        [
            order(1, "EUR", "10.00", "web", "DE"),
            order(2, "EUR", "5.01", "web", "FR"),
            order(3, "JPY", "500", "pos", "JP"),
            cancelled,  # sold nothing: not counted, not averaged
        ]
    )
    assert summary.orders == 3
    assert summary.units == 3
    assert summary.revenue == (Money("15.01", "EUR"), Money(500, "JPY"))
    assert summary.average_order_value("EUR") == Money("7.51", "EUR")  # 7.505 rounds half up
    assert summary.average_order_value("USD") is None
    assert summary.orders_by_channel == (("web", 2), ("pos", 1))
    assert summary.orders_by_country == (("DE", 1), ("FR", 1), ("JP", 1))
    text = summary.render("de_DE")
    assert "15,01\xa0€" in text
    assert "Deutschland" in text
