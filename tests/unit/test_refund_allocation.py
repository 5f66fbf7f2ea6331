"""What refunds of lines are worth, and how a refund is taken from several payments."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import orderkit as ok
from orderkit.errors import InvalidAmount
from orderkit.payments import line_refund, spread_over_payments
from orderkit.payments.refunds import goods_values
from tests.builders import BERLIN


@given(
    st.integers(0, 10**7),
    st.integers(1, 50).flatmap(
        lambda units: st.tuples(st.just(units), st.lists(st.integers(1, units), max_size=20))
    ),
)
def test_units_refunded_one_batch_at_a_time_add_up_to_the_line(
    cents: int, units_and_batches: tuple[int, list[int]]
) -> None:
    units, batches = units_and_batches
    value = ok.Money.from_minor(cents, "EUR")
    refunded, paid = 0, ok.Money.zero("EUR")
    for batch in batches:
        batch = min(batch, units - refunded)
        if not batch:
            break
        share = line_refund(value, units, refunded, batch)
        assert share.amount >= 0
        refunded, paid = refunded + batch, paid + share
    if refunded < units:
        paid += line_refund(value, units, refunded, units - refunded)
    assert paid == value


@given(
    st.lists(st.integers(0, 10**6), min_size=1, max_size=5),
    st.integers(1, 10**6),
)
def test_payments_give_in_proportion_and_never_more_than_they_can(
    lefts: list[int], wanted: int
) -> None:
    refundable = {f"P{n}": ok.Money.from_minor(left, "EUR") for n, left in enumerate(lefts)}
    amount = ok.Money.from_minor(wanted, "EUR")
    if wanted > sum(lefts):
        with pytest.raises(InvalidAmount):
            spread_over_payments(amount, refundable)
        return
    shares = spread_over_payments(amount, refundable)
    assert ok.Money.sum(shares.values(), "EUR") == amount
    for payment, share in shares.items():
        assert ok.Money.zero("EUR") < share <= refundable[payment]


@given(
    st.lists(st.tuples(st.integers(1, 5000), st.integers(1, 9)), min_size=1, max_size=4),
    st.integers(0, 999),
    st.sampled_from([Decimal("0"), Decimal("0.07"), Decimal("0.19")]),
    st.booleans(),
)
def test_goods_and_shipping_add_up_to_the_grand_total(
    lines: list[tuple[int, int]], shipping: int, rate: Decimal, gross: bool
) -> None:
    order = ok.Order(
        id="o1",
        number=1,
        channel="web",
        customer_id="c1",
        currency="EUR",
        lines=tuple(
            ok.OrderLine(
                sku=f"SKU{n}",
                name="x",
                quantity=quantity,
                unit_price=ok.Money.from_minor(price, "EUR"),
                tax_rate=rate,
            )
            for n, (price, quantity) in enumerate(lines)
        ),
        ship_to=BERLIN,
        placed_at=datetime(2026, 1, 1, tzinfo=UTC),
        shipping=ok.Money.from_minor(shipping, "EUR"),
        prices_include_tax=gross,
    )
    values = goods_values(order)
    for priced in order.priced_lines:
        shipping_part = priced.total - values[priced.line.sku]
        if gross or not rate:  # shipping's tax is inside its share, or there is none
            assert shipping_part == priced.shipping
        else:  # the share plus its own tax, rounded on its own
            assert priced.shipping <= shipping_part <= priced.shipping * 2
    if not shipping:
        assert ok.Money.sum(values.values(), "EUR") == order.grand_total
