"""JSON round trips for every public value, through the orderkit converter."""

import json
from datetime import UTC, datetime
from decimal import Decimal

import attrs
import cattrs
import pytest
from hypothesis import given

from orderkit.capabilities import EventCodec, make_converter
from orderkit.catalog.events import ProductAdded
from orderkit.catalog.products import Product
from orderkit.core.addresses import Address
from orderkit.core.events import DomainEvent
from orderkit.core.money import Money
from orderkit.customers.customer import Customer
from orderkit.errors import InvalidAmount, ValidationError
from orderkit.lifecycle.events import OrderPlaced
from orderkit.lifecycle.order import Order
from tests import strategies as s
from tests.builders import NEW_YEAR as T0
from tests.builders import berlin


def _json_round_trip(value: object, kind: type) -> object:
    converter = make_converter()
    text = json.dumps(converter.unstructure(value))
    return converter.structure(json.loads(text), kind)


@given(s.money())
def test_money_round_trips(money: Money) -> None:
    assert _json_round_trip(money, Money) == money


@given(s.addresses)
def test_addresses_round_trip(address: Address) -> None:
    assert _json_round_trip(address, Address) == address


@given(s.products())
def test_products_round_trip(product: Product) -> None:
    assert _json_round_trip(product, Product) == product


@given(s.customers)
def test_customers_round_trip(customer: Customer) -> None:
    assert _json_round_trip(customer, Customer) == customer


@given(s.orders())
def test_orders_round_trip(order: Order) -> None:
    loaded = _json_round_trip(order, Order)
    assert loaded == order
    assert isinstance(loaded, Order)
    assert loaded.grand_total == order.grand_total


def test_money_is_unstructured_as_strings_never_floats() -> None:
    converter = make_converter()
    assert converter.unstructure(Money("19.90", "EUR")) == {"amount": "19.90", "currency": "EUR"}
    assert converter.unstructure(Decimal("1.5")) == "1.5"


def test_structuring_validates_like_the_constructor() -> None:
    converter = make_converter()
    with pytest.raises(InvalidAmount):
        converter.structure({"amount": 19.9, "currency": "EUR"}, Money)
    with pytest.raises(ValidationError):
        converter.structure({"amount": "1", "currency": "EUR", "extra": 1}, Money)
    product = {"sku": "A-1", "name": "x", "price": {"amount": "1.999", "currency": "EUR"}}
    with pytest.raises(InvalidAmount):
        converter.structure(product, Product)


def test_stored_amounts_read_before_are_shared_and_wrong_ones_still_refused() -> None:
    converter = make_converter()
    first = converter.structure({"amount": "19.90", "currency": "EUR"}, Money)
    assert converter.structure({"currency": "EUR", "amount": "19.90"}, Money) is first
    assert converter.structure({"amount": "1", "currency": "EUR"}, Money) == Money(1, "EUR")
    for wrong in ({"amount": True, "currency": "EUR"}, {"amount": "19.90", "currency": "XXX"}):
        with pytest.raises((InvalidAmount, ValidationError)):
            converter.structure(wrong, Money)
    with pytest.raises(ValidationError):
        converter.structure({"amount": "19.90", "money": "EUR"}, Money)


@pytest.mark.parametrize(
    ("field", "value"), [("weight_g", 1.5), ("weight_g", "12"), ("weight_g", True), ("name", 12)]
)
def test_structuring_never_coerces_types(field: str, value: object) -> None:
    document = {"sku": "A-1", "name": "x", "price": {"amount": "1", "currency": "EUR"}}
    with pytest.raises(ValidationError):
        make_converter().structure(document | {field: value}, Product)


def test_naive_datetimes_are_refused_both_ways() -> None:
    converter = make_converter()
    with pytest.raises(ValidationError):
        converter.unstructure(datetime(2026, 1, 1))  # noqa: DTZ001
    with pytest.raises(ValidationError):
        converter.structure("2026-01-01T00:00:00", datetime)
    assert converter.structure("2026-01-01T00:00:00+00:00", datetime) == T0


def test_the_global_converter_is_untouched() -> None:
    make_converter()
    assert cattrs.global_converter.unstructure(Decimal("1.5")) == Decimal("1.5")


def test_event_codec_round_trips_builtin_events() -> None:
    codec = EventCodec()
    event = OrderPlaced(
        event_id="E1",
        occurred_at=T0,
        aggregate_id="O1",
        number=7,
        customer_id="C1",
        channel="web",
        grand_total=Money("10.00", "EUR"),
    )
    message = codec.encode(event)
    assert (message.event_type, message.aggregate_type, message.aggregate_id) == (
        "OrderPlaced",
        "order",
        "O1",
    )
    assert json.loads(json.dumps(dict(message.payload)))["grand_total"]["amount"] == "10.00"
    assert codec.decode(message) == event


@attrs.frozen(slots=True, kw_only=True)
class GiftWrapped(DomainEvent):
    paper: str


def test_host_events_need_registering_with_the_codec() -> None:
    event = GiftWrapped(event_id="E2", occurred_at=T0, aggregate_id="O1", paper="red")
    with pytest.raises(ValidationError):
        EventCodec().encode(event)
    codec = EventCodec([GiftWrapped, ProductAdded])
    assert codec.decode(codec.encode(event)) == event


def test_codec_refuses_name_clashes_and_non_events() -> None:
    clash = type("OrderPlaced", (GiftWrapped,), {"__slots__": ()})
    with pytest.raises(ValidationError):
        EventCodec([OrderPlaced, clash])
    with pytest.raises(ValidationError):
        EventCodec([dict])  # type: ignore[list-item]


def test_unknown_event_types_and_bad_payloads_are_reported() -> None:
    codec = EventCodec()
    message = codec.encode(
        ProductAdded(event_id="E1", occurred_at=T0, aggregate_id="A-1", price=Money(1, "EUR"))
    )
    with pytest.raises(ValidationError):
        codec.decode(attrs.evolve(message, event_type="Nope"))
    with pytest.raises(ValidationError) as error:
        codec.decode(attrs.evolve(message, payload={"event_id": "E1"}))
    assert error.value.field == "payload"


def _every_other_public_value() -> list[object]:
    from orderkit.catalog.products import Dimensions
    from orderkit.core.events import OutboxMessage
    from orderkit.fulfillment.parcels import Parcel
    from orderkit.inventory.stock import StockLevel
    from orderkit.inventory.warehouses import Warehouse
    from orderkit.payments.methods import PaymentMethod
    from orderkit.reports.summary import summarise_sales

    return [
        StockLevel("A-1", "BER", on_hand=5, reserved=2),
        Warehouse("BER", "Berlin", berlin(), priority=1, serves=["DE", "AT"]),
        Parcel(Dimensions(300, 200, 100), weight_g=900),
        PaymentMethod.CASH_ON_DELIVERY,
        OutboxMessage(
            event_id="E1",
            event_type="OrderPlaced",
            aggregate_type="order",
            aggregate_id="O1",
            occurred_at=T0,
            payload={"a": "1"},
            position=3,
        ),
        summarise_sales([]),
        *_inventory_values(),
    ]


def _inventory_values() -> list[object]:
    from datetime import timedelta
    from decimal import Decimal

    from orderkit.inventory import (
        BackorderMode,
        PurchaseOrder,
        PurchaseOrderLine,
        Reservation,
        ReservationLine,
        StockMovement,
        StockPolicy,
        StockReserved,
    )

    reservation = Reservation(
        id="R1",
        document="order:1",
        created_at=T0,
        expires_at=T0 + timedelta(hours=1),
        lines=[ReservationLine("A", "BER", 2, 1)],
        priority=3,
    )
    purchase = PurchaseOrder(
        id="P1",
        supplier="Acme",
        warehouse="BER",
        created_at=T0,
        lines=[PurchaseOrderLine("A", 10, 4)],
    )
    return [
        reservation,
        purchase,
        StockPolicy(
            sku="A",
            backorders=BackorderMode.PREORDER,
            backorder_limit=5,
            preorder_until=T0,
            service_level=Decimal("0.99"),
            min_quantity=1,
            max_quantity=9,
            pack_size=3,
            supplier="Acme",
        ),
        StockMovement.of("backorder", "A", "BER", 2, occurred_at=T0, document="order:1"),
        StockReserved(
            event_id="E1",
            occurred_at=T0,
            aggregate_id="R1",
            document="order:1",
            lines=(("A", "BER", 2),),
            backordered=1,
        ),
    ]


@pytest.mark.parametrize("value", _every_other_public_value(), ids=lambda v: type(v).__name__)
def test_every_other_public_value_round_trips_through_json(value: object) -> None:
    converter = make_converter()
    data = converter.unstructure(value)
    text = json.dumps(data)
    assert converter.structure(json.loads(text), type(value)) == value


def test_a_malformed_history_entry_is_refused_before_it_is_stored() -> None:
    from orderkit.lifecycle.workflow import HistoryEntry

    converter = make_converter()
    good = HistoryEntry(
        "placed", "confirmed", "confirm", "ana", None, datetime(2026, 1, 1, tzinfo=UTC)
    )
    assert converter.structure(converter.unstructure(good), HistoryEntry) == good
    with pytest.raises(ValidationError):
        converter.unstructure(good._replace(actor=None))
    with pytest.raises(ValidationError):
        converter.unstructure(good._replace(reason=3))
