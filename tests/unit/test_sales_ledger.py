"""The sales ledger's rows always add up to what an order amounts to, to the cent."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

import attrs
from hypothesis import given
from hypothesis import strategies as st

from orderkit import Money
from orderkit.errors import ValidationError
from orderkit.lifecycle import Order
from orderkit.reports.aggregation import (
    LOCAL_DAY,
    LOCAL_HOUR,
    GroupSums,
    SalesQuery,
    product_facts,
    sum_rows,
)
from orderkit.reports.figures import SalesFigures
from orderkit.reports.ledger import SaleKind, SaleRow, position_of, rows_for_change
from orderkit.reports.periods import (
    Period,
    bucket_of,
    buckets_between,
    time_zone,
    zone_offsets,
)
from tests.strategies import orders

AT = datetime(2026, 11, 5, 10, 0, tzinfo=UTC)


def as_placed(order: Order) -> Order:
    """The order with nothing cancelled yet (its discount still fits: more goods, not fewer)."""
    lines = tuple(attrs.evolve(line, cancelled=0) for line in order.lines)
    return attrs.evolve(order, lines=lines, version=0)


def summed(rows: list[SaleRow]) -> dict[tuple[SaleKind, str], tuple[int, int]]:
    total: dict[tuple[SaleKind, str], tuple[int, int]] = {}
    for row in rows:
        units, amount = total.get((row.kind, row.sku), (0, 0))
        total[(row.kind, row.sku)] = (units + row.units, amount + row.amount)
    return {key: value for key, value in total.items() if value != (0, 0)}


def figures(rows: list[SaleRow], currency: str) -> SalesFigures:
    totals = sum_rows(rows, SalesQuery(), {})
    return SalesFigures.of(totals.get((None, currency), GroupSums()), currency)


@given(orders(), st.data())
def test_rows_booked_step_by_step_add_up_to_the_order_and_its_totals(
    order: Order, data: st.DataObject
) -> None:
    order = as_placed(order)
    rows = rows_for_change(order, None, AT, "b0")
    assert rows
    assert all(row.booked_at == order.placed_at.replace(microsecond=0) for row in rows)
    placed = figures(rows, order.currency)
    assert placed.total_sales == order.grand_total
    assert placed.orders == 1
    returned_net = returned_tax = 0
    for step in range(data.draw(st.integers(0, 4))):
        before = position_of(order)
        choice = data.draw(st.sampled_from(["cancel", "return", "refund"]))
        line = data.draw(st.sampled_from(order.lines))
        if choice == "cancel" and line.open_quantity and not order.anything_shipped:
            with contextlib.suppress(ValidationError):  # the discount would exceed the goods
                order.cancel_units({line.sku: data.draw(st.integers(1, line.open_quantity))})
        elif choice == "return" and line.open_quantity > line.returned:
            # Deliver what is open, then take some of it back.
            open_units = line.open_quantity
            counters = {"picked": open_units, "packed": open_units, "shipped": open_units}
            counters["delivered"] = open_units
            delivered = tuple(
                lns.counted(counters) if lns.sku == line.sku else lns for lns in order.lines
            )
            order.lines = delivered
            back = data.draw(st.integers(1, open_units - line.returned))
            order.take_back({line.sku: back})
        elif choice == "refund":
            order.refunded = order.refunded + Money.from_minor(
                data.draw(st.integers(0, 10_000)), order.currency
            )
        at = AT + timedelta(days=step + 1)
        rows += rows_for_change(order, before, at, f"b{step + 1}")
    assert summed(rows) == {k: v for k, v in position_of(order).items() if v != (0, 0)}
    now = figures(rows, order.currency)
    assert now.gross_sales - now.discounts - now.returns == now.net_sales
    assert now.net_sales + now.shipping + now.tax_charged == now.total_sales
    assert now.units == sum(ln.open_quantity - ln.returned for ln in order.lines)
    for priced in order.priced_lines:
        ln = priced.line
        if ln.returned:
            share = priced.net.allocate([ln.returned, ln.open_quantity - ln.returned])[0]
            tax = priced.tax.allocate([ln.returned, ln.open_quantity - ln.returned])[0]
            returned_net += share.minor_units
            returned_tax += tax.minor_units
    charged_back = returned_net + (0 if order.prices_include_tax else returned_tax)
    assert now.total_sales == order.grand_total - Money.from_minor(charged_back, order.currency)
    assert now.refunds == order.refunded


@given(orders(), st.sampled_from(["UTC", "Europe/Berlin", "Asia/Kolkata", "America/St_Johns"]))
def test_the_python_engine_buckets_a_row_in_the_local_day_and_hour_it_was_booked(
    order: Order, zone_name: str
) -> None:
    rows = rows_for_change(as_placed(order), None, AT, "b")
    zone = time_zone(zone_name)
    placed = order.placed_at.replace(microsecond=0).astimezone(zone)
    changes, offsets = zone_offsets(zone, placed - timedelta(days=2), placed + timedelta(days=2))
    for group, bucket, expected in (
        (LOCAL_DAY, "day", placed.date()),
        (LOCAL_HOUR, "hour", placed.replace(minute=0, second=0, tzinfo=None)),
    ):
        query = SalesQuery(group=group, changes=changes, offsets=offsets)
        ((key, currency),) = sum_rows(rows, query, product_facts([]))
        assert currency == order.currency
        assert bucket_of(int(str(key)), bucket) == expected


def test_periods_parse_compare_and_bound_in_a_time_zone() -> None:
    berlin = time_zone("Europe/Berlin")
    october = Period.parse("2026-10")
    assert str(october.previous()) == "2026-09"
    assert str(october.year_before()) == "2025-10"
    assert str(Period.parse("2024-02-29").year_before()) == "2023-02-28"
    assert str(Period.parse("2026-W01").previous()) == "2025-W52"
    assert str(Period.parse("2026-Q1").previous()) == "2025-Q4"
    start, end = october.bounds(berlin)
    assert start == datetime(2026, 9, 30, 22, tzinfo=UTC)  # summer time
    assert end == datetime(2026, 10, 31, 23, tzinfo=UTC)  # winter time
    assert len(list(buckets_between(october, "day", berlin))) == 31
    assert len(list(buckets_between(october, "hour", berlin))) == 31 * 24
    custom = Period.parse("2026-10-01/2026-10-15")
    assert str(custom.previous()) == "2026-09-17/2026-10-01"
