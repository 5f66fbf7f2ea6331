"""Operations KPIs: how well the orders of a period were carried out, defined once.

Each rate is a fraction with four decimal places, ``None`` when there is
nothing to divide by. Durations are in hours. The orders of a period are
those placed in it; what happened to them is counted whenever it happened,
up to the moment the report is made.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal

import attrs

from orderkit.fulfillment.ports import Shipment, ShipmentState
from orderkit.reports.figures import SalesFigures, ratio
from orderkit.reports.table import Column, ReportTable
from orderkit.returns.ports import ReturnRequest, ReturnState

__all__ = ["Durations", "OperationsKpis", "PlacedOrder", "durations", "operations_kpis"]


@attrs.frozen(slots=True)
class PlacedOrder:
    """What the KPIs need of an order placed in the period, read from the sales ledger.

    Attributes:
        number: The order number.
        placed_at: When it was placed.
        units: Units ordered.
        cancelled: Units cancelled so far.
        refunded: Whether money was paid back.
        backordered: Whether any unit waited for stock.
    """

    number: int
    placed_at: datetime
    units: int
    cancelled: int
    refunded: bool
    backordered: bool = False


@attrs.frozen(slots=True)
class Durations:
    """How long something took, over many cases.

    Attributes:
        count: How many cases.
        median_hours: The median, in hours (two decimals); ``None`` with no case.
        p90_hours: The 90th percentile (nearest rank), in hours; ``None`` with no case.
    """

    count: int
    median_hours: Decimal | None
    p90_hours: Decimal | None


def _hours(seconds: float) -> Decimal:
    return Decimal(str(round(seconds / 3600, 2)))


def durations(seconds: Sequence[float]) -> Durations:
    """The median and 90th percentile of durations given in seconds.

    The median of an even count is the mean of the middle two; the 90th
    percentile is the nearest rank (the smallest value at least 90 % of the
    cases do not exceed).

    Examples:
        >>> durations([3600, 7200, 10800]).median_hours
        Decimal('2.0')
        >>> durations([]).median_hours is None
        True
    """
    if not seconds:
        return Durations(0, None, None)
    ordered = sorted(seconds)
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    rank = max(1, math.ceil(0.9 * len(ordered)))
    return Durations(len(ordered), _hours(median), _hours(ordered[rank - 1]))


@attrs.frozen(kw_only=True)
class OperationsKpis:
    """How the orders placed in a period went.

    Attributes:
        period: The period, as text.
        orders: Orders placed.
        sales: The sales figures by currency (net sales, average order value,
            units per order: see :class:`~orderkit.reports.figures.SalesFigures`).
        cancellation_rate: Orders cancelled whole / orders.
        refund_rate: Orders with money paid back / orders.
        order_to_ship: From placement to the first shipment leaving, per order shipped.
        delivery_time: From leaving to delivery, per shipment delivered.
        on_time_shipment_rate: Shipments that left by their ship-by time /
            shipments shipped that had one.
        on_time_delivery_rate: Shipments delivered by their deliver-by time /
            shipments delivered that had one.
        perfect_order_rate: Perfect orders / orders delivered (complete, on
            time, undamaged, no return, no claim).
        fill_rate: Orders whose first shipment carried every unit not
            cancelled / orders shipped.
        backorder_rate: Orders with a unit that waited for stock / orders.
        split_shipment_rate: Orders shipped in more than one shipment / orders shipped.
        return_rate: Units asked back / units delivered, for these orders.
        returns_by_product: ``(sku, units asked back, units delivered, rate)``,
            most returned first.
        returns_by_reason: ``(reason, units asked back)``, most first.
    """

    period: str
    orders: int
    sales: Mapping[str, SalesFigures]
    cancellation_rate: Decimal | None
    refund_rate: Decimal | None
    order_to_ship: Durations
    delivery_time: Durations
    on_time_shipment_rate: Decimal | None
    on_time_delivery_rate: Decimal | None
    perfect_order_rate: Decimal | None
    fill_rate: Decimal | None
    backorder_rate: Decimal | None
    split_shipment_rate: Decimal | None
    return_rate: Decimal | None
    returns_by_product: tuple[tuple[str, int, int, Decimal | None], ...]
    returns_by_reason: tuple[tuple[str, int], ...]

    def to_table(self) -> ReportTable:
        """The KPIs as a two-column table (rates as fractions, durations in hours)."""
        rows: list[tuple[str, object]] = [("orders", self.orders)]
        for currency, figures in self.sales.items():
            rows.append((f"net_sales_{currency}", figures.net_sales))
            rows.append((f"average_order_value_{currency}", figures.average_order_value))
            rows.append((f"units_per_order_{currency}", _count(figures.units_per_order)))
        rows += [
            ("cancellation_rate", self.cancellation_rate),
            ("refund_rate", self.refund_rate),
            ("order_to_ship_median_hours", _count(self.order_to_ship.median_hours)),
            ("order_to_ship_p90_hours", _count(self.order_to_ship.p90_hours)),
            ("delivery_median_hours", _count(self.delivery_time.median_hours)),
            ("delivery_p90_hours", _count(self.delivery_time.p90_hours)),
            ("on_time_shipment_rate", self.on_time_shipment_rate),
            ("on_time_delivery_rate", self.on_time_delivery_rate),
            ("perfect_order_rate", self.perfect_order_rate),
            ("fill_rate", self.fill_rate),
            ("backorder_rate", self.backorder_rate),
            ("split_shipment_rate", self.split_shipment_rate),
            ("return_rate", self.return_rate),
        ]
        return ReportTable(
            f"Operations, {self.period}",
            (Column("kpi", "KPI"), Column("value", "Value")),
            tuple(rows),  # type: ignore[arg-type]
            ("Rates are fractions (shown as percentages); durations are hours.",),
        )


def _count(value: Decimal | None) -> str | None:
    """A number that is no rate, as text, so a table does not show it as a percentage."""
    return None if value is None else str(value)


def operations_kpis(
    period: str,
    orders: Sequence[PlacedOrder],
    sales: Mapping[str, SalesFigures],
    shipments: Mapping[int, Sequence[Shipment]],
    returns: Iterable[ReturnRequest],
    perfect: Mapping[int, bool],
) -> OperationsKpis:
    """Work the KPIs out of the period's orders and what happened to them.

    Args:
        period: The period, as text.
        orders: The orders placed in the period.
        sales: The period's sales figures by currency.
        shipments: The shipments of those orders, by order number.
        returns: The returns of those orders.
        perfect: Whether each delivered order was perfect, by order number.
    """
    count = len(orders)
    cancelled_whole = sum(1 for order in orders if order.cancelled >= order.units)
    refunded = sum(1 for order in orders if order.refunded)
    backordered = sum(1 for order in orders if order.backordered)
    placed_at = {order.number: order.placed_at for order in orders}
    wanted = {order.number: order.units - order.cancelled for order in orders}
    to_ship: list[float] = []
    transit: list[float] = []
    shipped_on_time = shipped_with_promise = 0
    delivered_on_time = delivered_with_promise = 0
    orders_shipped = complete_first = split = 0
    delivered_units: dict[str, int] = {}
    for number, found in shipments.items():
        gone = [s for s in found if s.shipped_at is not None]
        if not gone or number not in placed_at:
            continue
        orders_shipped += 1
        first = min(gone, key=lambda shipment: shipment.shipped_at or shipment.created_at)
        assert first.shipped_at is not None
        to_ship.append((first.shipped_at - placed_at[number]).total_seconds())
        if sum(line.quantity for line in first.lines) >= wanted[number]:
            complete_first += 1
        if len(gone) > 1:
            split += 1
        for shipment in gone:
            assert shipment.shipped_at is not None
            if shipment.ship_by is not None:
                shipped_with_promise += 1
                shipped_on_time += shipment.shipped_at <= shipment.ship_by
            if shipment.state is ShipmentState.DELIVERED and shipment.delivered_at is not None:
                transit.append((shipment.delivered_at - shipment.shipped_at).total_seconds())
                if shipment.deliver_by is not None:
                    delivered_with_promise += 1
                    delivered_on_time += shipment.delivered_at <= shipment.deliver_by
                for line in shipment.lines:
                    delivered_units[line.sku] = delivered_units.get(line.sku, 0) + line.quantity
    asked: dict[str, int] = {}
    reasons: dict[str, int] = {}
    for request in returns:
        if request.order_number not in placed_at or request.state in (
            ReturnState.REJECTED,
            ReturnState.CANCELLED,
        ):
            continue
        for asked_line in request.lines:
            sku, units = asked_line.sku, asked_line.quantity
            asked[sku] = asked.get(sku, 0) + units
            reasons[asked_line.reason] = reasons.get(asked_line.reason, 0) + units
    by_product = sorted(
        (
            (sku, units, delivered_units.get(sku, 0), ratio(units, delivered_units.get(sku, 0)))
            for sku, units in asked.items()
        ),
        key=lambda row: (-row[1], row[0]),
    )
    delivered_orders = [number for number in perfect if number in placed_at]
    return OperationsKpis(
        period=period,
        orders=count,
        sales=dict(sales),
        cancellation_rate=ratio(cancelled_whole, count),
        refund_rate=ratio(refunded, count),
        order_to_ship=durations(to_ship),
        delivery_time=durations(transit),
        on_time_shipment_rate=ratio(shipped_on_time, shipped_with_promise),
        on_time_delivery_rate=ratio(delivered_on_time, delivered_with_promise),
        perfect_order_rate=ratio(
            sum(1 for number in delivered_orders if perfect[number]), len(delivered_orders)
        ),
        fill_rate=ratio(complete_first, orders_shipped),
        backorder_rate=ratio(backordered, count),
        split_shipment_rate=ratio(split, orders_shipped),
        return_rate=ratio(sum(asked.values()), sum(delivered_units.values())),
        returns_by_product=tuple(by_product),
        returns_by_reason=tuple(sorted(reasons.items(), key=lambda item: (-item[1], item[0]))),
    )
