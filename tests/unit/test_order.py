from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import given

from orderkit.core.money import Money
from orderkit.errors import CurrencyMismatch, InvalidQuantity, InvalidTime, ValidationError
from orderkit.lifecycle.order import Order, OrderLine
from orderkit.lifecycle.status import FulfilmentStatus, PaymentStatus
from orderkit.lifecycle.tax import TaxRounding
from tests import strategies as s
from tests.builders import NEW_YEAR as T0
from tests.builders import berlin


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
    priced = order.priced_lines
    currency = order.currency
    assert Money.sum((p.total for p in priced), currency) == order.grand_total
    expected = order.subtotal - order.discount_total + order.shipping_total
    if not order.prices_include_tax:
        expected += order.tax_total
    assert order.grand_total == expected
    anything_open = order.item_count > 0
    spread_discount = Money.sum((p.order_discount for p in priced), currency)
    spread_shipping = Money.sum((p.shipping for p in priced), currency)
    assert spread_discount == (order.order_discount if anything_open else Money.zero(currency))
    assert spread_shipping == (order.shipping if anything_open else Money.zero(currency))
    for line in priced:
        assert line.order_discount.amount >= 0
        assert line.shipping.amount >= 0
        assert line.tax.amount >= 0
        assert line.net.amount >= 0
    line_sum = sum(line.unit_price.minor_units * line.open_quantity for line in order.lines)
    assert order.subtotal.minor_units == line_sum


@given(s.orders())
def test_counting_units_keeps_the_prices_and_shows_the_new_counts(order: Order) -> None:
    """Priced lines carried over a counter change equal a fresh pricing of the new lines."""
    before = order.priced_lines
    if not order.item_count:
        return
    order.hold({line.sku: line.open_quantity for line in order.lines})
    assert [line.reserved for line in order.lines] == [line.open_quantity for line in order.lines]
    order.record("picked")
    order.hold({})
    assert not any(line.reserved for line in order.lines)
    carried = order.priced_lines
    assert [p.line for p in carried] == list(order.lines)
    assert [p.line.picked for p in carried] == [line.open_quantity for line in order.lines]
    order._priced = None  # price from scratch
    assert order.priced_lines == carried
    assert [p.total for p in carried] == [p.total for p in before]


def test_holding_more_than_the_open_units_or_an_unknown_sku_changes_nothing() -> None:
    order = make()
    before = order.lines
    with pytest.raises(InvalidQuantity):
        order.hold({"A-1": 3})
    with pytest.raises(ValidationError):
        order.hold({"NOPE": 1})
    with pytest.raises(ValidationError):
        order.hold(None)  # type: ignore[arg-type]
    assert order.lines is before


@given(s.orders())
def test_tax_is_rounded_as_the_order_says(order: Order) -> None:
    exact = []
    for p in order.priced_lines:
        taxable = (p.net + p.shipping).amount
        rate = p.line.tax_rate
        exact.append(taxable * rate / (1 + rate) if order.prices_include_tax else taxable * rate)
    currency = order.currency
    if order.tax_rounding is TaxRounding.PER_LINE:
        assert [p.tax for p in order.priced_lines] == [Money.rounded(e, currency) for e in exact]
    else:
        assert order.tax_total == Money.rounded(sum(exact), currency)
        for p, e in zip(order.priced_lines, exact, strict=True):
            assert abs(p.tax.amount - e) < Decimal(1).scaleb(-p.tax.exponent)


def test_per_line_and_per_order_rounding_differ() -> None:
    lines = [OrderLine(sku, sku, 1, Money("0.10", "EUR"), tax_rate="0.07") for sku in "ABC"]
    per_line = make(lines=lines, tax_rounding="per_line")
    per_order = make(lines=lines, tax_rounding="per_order")
    assert per_line.tax_total == Money("0.03", "EUR")  # 3 x round(0.007)
    assert per_order.tax_total == Money("0.02", "EUR")  # round(0.021)
    assert [p.tax.amount for p in per_order.priced_lines] == [
        Decimal("0.01"),
        Decimal("0.01"),
        Decimal("0"),
    ]


def test_prices_with_tax_included_carry_the_tax_inside() -> None:
    order = make(
        lines=[OrderLine("A-1", "A", 1, Money("11.90", "EUR"), tax_rate="0.19")],
        prices_include_tax=True,
    )
    assert order.tax_total == Money("1.90", "EUR")
    assert order.grand_total == Money("11.90", "EUR")
    net = make(lines=[OrderLine("A-1", "A", 1, Money("10.00", "EUR"), tax_rate="0.19")])
    assert (net.tax_total, net.grand_total) == (Money("1.90", "EUR"), Money("11.90", "EUR"))


def test_order_discount_and_shipping_are_spread_by_largest_remainder() -> None:
    order = make(
        lines=[
            OrderLine("A-1", "A", 1, Money("10.00", "EUR")),
            OrderLine("B-1", "B", 1, Money("10.00", "EUR")),
            OrderLine("C-1", "C", 1, Money("10.00", "EUR")),
        ],
        order_discount=Money("1.00", "EUR"),
        shipping=Money("5.00", "EUR"),
    )
    shares = [(p.order_discount.amount, p.shipping.amount) for p in order.priced_lines]
    # Shipping follows what is left after the discount: 9.66, 9.67, 9.67.
    assert shares == [
        (Decimal("0.34"), Decimal("1.66")),
        (Decimal("0.33"), Decimal("1.67")),
        (Decimal("0.33"), Decimal("1.67")),
    ]
    assert order.grand_total == Money("34.00", "EUR")


def test_shipping_is_taxed_at_the_rates_of_the_goods() -> None:
    order = make(
        lines=[
            OrderLine("BOOK", "Book", 1, Money("10.00", "EUR"), tax_rate="0.07"),
            OrderLine("TEE", "Tee", 1, Money("10.00", "EUR"), tax_rate="0.19"),
        ],
        shipping=Money("4.00", "EUR"),
    )
    book, tee = order.priced_lines
    assert (book.tax.amount, tee.tax.amount) == (Decimal("0.84"), Decimal("2.28"))


def test_a_line_discount_above_its_gross_is_refused() -> None:
    with pytest.raises(ValidationError) as raised:
        OrderLine("A-1", "A", 1, Money("5.00", "EUR"), discount=Money("5.01", "EUR"))
    assert raised.value.field == "discount"


def test_an_order_discount_above_the_goods_is_refused() -> None:
    with pytest.raises(ValidationError) as raised:
        make(order_discount=Money("19.91", "EUR"))
    assert raised.value.field == "order_discount"


def test_cancelling_units_reprices_and_scales_the_line_discount() -> None:
    order = make(
        lines=[OrderLine("A-1", "A", 4, Money("10.00", "EUR"), discount=Money("1.00", "EUR"))],
        shipping=Money("4.90", "EUR"),
    )
    order.cancel_units({"A-1": 1})
    (line,) = order.lines
    assert (line.open_quantity, line.line_discount) == (3, Money("0.75", "EUR"))
    assert order.grand_total == Money("34.15", "EUR")
    order.cancel_units()
    assert order.grand_total == Money.zero("EUR")
    assert order.shipping_total == Money.zero("EUR")


def test_cancelling_after_shipping_is_refused_and_changes_nothing() -> None:
    order = make()
    order.record("shipped", {"A-1": 1})
    before = order.lines
    with pytest.raises(ValidationError):
        order.cancel_units({"A-1": 1})
    assert order.lines == before


def test_counters_keep_their_order() -> None:
    order = make(lines=[OrderLine("A-1", "A", 3, Money("1.00", "EUR"))])
    order.record("packed", {"A-1": 2})  # packed units were picked too
    assert (order.lines[0].picked, order.lines[0].packed) == (2, 2)
    with pytest.raises(InvalidQuantity):
        order.record("packed", {"A-1": 1})  # counters only grow
    with pytest.raises(InvalidQuantity):
        order.record("picked", {"A-1": 4})  # more than the line has open
    with pytest.raises(InvalidQuantity):
        OrderLine("A-1", "A", 3, Money("1.00", "EUR"), picked=1, packed=2)
    order.record("shipped")  # every open unit
    (line,) = order.lines
    assert (line.picked, line.packed, line.shipped) == (3, 3, 3)
    assert order.fulfilment_status is FulfilmentStatus.SHIPPED


def test_a_free_order_is_paid_but_a_cancelled_one_is_not() -> None:
    free = make(order_discount=Money("19.90", "EUR"))
    assert (free.grand_total, free.payment_status) == (Money.zero("EUR"), PaymentStatus.PAID)
    cancelled = make()
    cancelled.cancel_units()
    assert cancelled.payment_status is PaymentStatus.UNPAID


def test_payment_status_follows_the_amounts() -> None:
    order = make()
    assert order.payment_status is PaymentStatus.UNPAID
    order.authorised = order.grand_total
    assert order.payment_status is PaymentStatus.AUTHORISED
    order.captured = Money("10.00", "EUR")
    assert order.payment_status is PaymentStatus.PARTIALLY_PAID
    order.captured = order.grand_total
    assert order.payment_status is PaymentStatus.PAID
    order.refunded = Money("1.00", "EUR")
    assert order.payment_status is PaymentStatus.PARTIALLY_REFUNDED
    order.refunded = order.captured
    assert order.payment_status is PaymentStatus.REFUNDED


def test_tags_are_normalised_and_attributes_are_strings() -> None:
    order = make(tags=["VIP", "gift", "vip"], attributes={"referrer": "newsletter"})
    assert order.tags == ("gift", "vip")
    with pytest.raises(ValidationError):
        make(attributes={"referrer": 3})
    with pytest.raises(ValidationError):
        make(tags=["not a tag"])


def test_one_line_per_sku() -> None:
    with pytest.raises(ValidationError):
        make(
            lines=[
                OrderLine("A-1", "A", 1, Money("1", "EUR")),
                OrderLine("A-1", "A", 2, Money("1", "EUR")),
            ]
        )


def test_counting_a_line_checks_the_counters_and_keeps_everything_else() -> None:
    line = OrderLine("A-1", "A", 3, Money("9.95", "EUR"), discount=Money("1.00", "EUR"))
    picked = line.counted({"picked": 2, "packed": 1})
    assert (picked.picked, picked.packed, picked.shipped) == (2, 1, 0)
    assert picked == OrderLine(
        "A-1", "A", 3, Money("9.95", "EUR"), discount=Money("1.00", "EUR"), picked=2, packed=1
    )
    with pytest.raises(InvalidQuantity):
        line.counted({"packed": 1})  # more packed than picked
    with pytest.raises(InvalidQuantity):
        line.counted({"picked": -1})
    with pytest.raises(InvalidQuantity):
        line.counted({"picked": True})
    with pytest.raises(ValidationError):
        line.counted({"cancelled": 1})  # cancelling re-prices: Order.cancel_units
    with pytest.raises(ValidationError):
        line.counted([("picked", 1)])  # type: ignore[arg-type]
    assert line.picked == 0
