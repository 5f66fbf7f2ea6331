from datetime import UTC, datetime

import pytest
from hypothesis import given

from orderkit.errors import CurrencyMismatch, InvalidQuantity, InvalidTime, ValidationError
from orderkit.lifecycle.order import Order, OrderLine
from orderkit.money import Money
from tests import strategies as s
from tests.conftest import berlin

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def make(**changes: object) -> Order:
    fields: dict[str, object] = {
        "id": "O1",
        "number": 1,
        "channel": "web",
        "customer_id": "C1",
        "currency": "EUR",
        "lines": [OrderLine("A-1", "A", 2, Money("9.95", "EUR"))],
        "ship_to": berlin(),
        "placed_at": T0,
    }
    fields.update(changes)
    return Order(**fields)  # type: ignore[arg-type]


def test_totals() -> None:
    order = make(
        lines=[
            OrderLine("A-1", "A", 2, Money("9.95", "EUR")),
            OrderLine("B-1", "B", 1, Money("0.10", "EUR")),
        ],
        shipping=Money("4.90", "EUR"),
    )
    assert order.subtotal == Money("20.00", "EUR")
    assert order.grand_total == Money("24.90", "EUR")
    assert order.item_count == 3
    assert make().shipping == Money.zero("EUR")


@pytest.mark.parametrize(
    ("changes", "error", "field"),
    [
        ({"lines": []}, ValidationError, "lines"),
        ({"lines": [("A-1", 2)]}, ValidationError, "lines"),
        ({"number": 0}, ValidationError, "number"),
        ({"number": True}, ValidationError, "number"),
        ({"channel": "web shop"}, ValidationError, "channel"),
        ({"placed_at": datetime(2026, 1, 1)}, InvalidTime, "placed_at"),  # noqa: DTZ001
        ({"shipping": Money("1", "USD")}, CurrencyMismatch, "shipping"),
        ({"shipping": Money("-1", "EUR")}, ValidationError, "shipping"),
        ({"currency": "USD"}, CurrencyMismatch, "lines"),
    ],
)
def test_bad_orders_are_refused_naming_the_field(
    changes: dict[str, object], error: type[Exception], field: str
) -> None:
    with pytest.raises(error) as raised:
        make(**changes)
    assert raised.value.field == field  # type: ignore[attr-defined]


def test_lines_refuse_bad_quantities_and_prices() -> None:
    with pytest.raises(InvalidQuantity):
        OrderLine("A-1", "A", 0, Money(1, "EUR"))
    with pytest.raises(ValidationError):
        OrderLine("A-1", "A", 1, Money(-1, "EUR"))


@given(s.orders())
def test_totals_always_reconcile(order: Order) -> None:
    line_sum = sum(line.unit_price.minor_units * line.quantity for line in order.lines)
    assert order.subtotal.minor_units == line_sum
    assert order.grand_total == order.subtotal + order.shipping
