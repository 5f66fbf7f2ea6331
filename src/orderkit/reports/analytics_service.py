"""Operations, inventory, customer and forecast reports: the use cases behind ``shop.reports``.

:class:`~orderkit.reports.service.ReportService` hands these calls on; each
reads in one read-only unit of work and gives the work to the calculators
of :mod:`~orderkit.reports.operations`, :mod:`~orderkit.reports.inventory_health`,
:mod:`~orderkit.reports.customers` and :mod:`~orderkit.reports.forecast`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from orderkit.core.checks import require_code
from orderkit.core.context import ServiceContext
from orderkit.core.currencies import validate_currency
from orderkit.errors import ValidationError
from orderkit.fulfillment.ports import Shipment
from orderkit.inventory.ports import MovementKind, order_document
from orderkit.reports.aggregation import NET_SALES_KINDS, OrderSums, sum_customers, sum_orders
from orderkit.reports.customers import (
    CustomerOrder,
    CustomerRates,
    cohort_table,
    rates_of_customers,
    rfm_scores,
    rfm_table,
)
from orderkit.reports.figures import SalesFigures
from orderkit.reports.forecast import DemandForecast, forecast_demand
from orderkit.reports.inventory_health import InventoryHealth, inventory_health
from orderkit.reports.ledger import ORDER_LEVEL, SaleKind
from orderkit.reports.operations import OperationsKpis, PlacedOrder, operations_kpis
from orderkit.reports.periods import Period
from orderkit.reports.ports import OrderAggregation, ReportsUnitOfWork
from orderkit.reports.table import ReportTable
from orderkit.returns.ports import PerfectOrder, ReturnRequest

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

__all__ = ["AnalyticsService", "PerfectOrders"]

PerfectOrders = Callable[[list[int]], list[PerfectOrder]]
"""Works out the perfect-order flags of orders by number (the returns service does)."""

_SOLD = (SaleKind.SALE, SaleKind.CANCELLATION)


def _days(value: object, field: str, low: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= 3_660:
        raise ValidationError(field, value, f"must be a whole number of days from {low} to 3660")
    return value


class AnalyticsService:
    """The reports beyond sales figures; reached through ``shop.reports``."""

    def __init__(
        self, context: ServiceContext[ReportsUnitOfWork], perfect_orders: PerfectOrders | None
    ) -> None:
        self._context = context
        self._perfect_orders = perfect_orders

    # -- operations ----------------------------------------------------------------

    def operations(
        self, period: Period, zone: ZoneInfo, sales: Mapping[str, SalesFigures]
    ) -> OperationsKpis:
        """The operations KPIs of the orders placed in ``period``."""
        start, end = period.bounds(zone)
        with self._context.store.unit_of_work(readonly=True) as uow:
            found = _order_sums(uow, placed_from=start, placed_until=end)
            numbers = [order.order_number for order in found]
            shipments: dict[int, list[Shipment]] = {number: [] for number in numbers}
            returns: list[ReturnRequest] = []
            if numbers:  # one read of the stretch of order numbers, not one per order
                first, last = min(numbers), max(numbers)
                for shipment in uow.shipments.for_orders(first, last):
                    if shipment.order_number in shipments:
                        shipments[shipment.order_number].append(shipment)
                returns = [
                    request
                    for request in uow.returns.for_orders(first, last)
                    if request.order_number in shipments
                ]
            documents = {order_document(number): number for number in numbers}
            backordered = {
                documents[move.document]
                for move in uow.stock.movements(since=start)
                if move.kind is MovementKind.BACKORDER and move.document in documents
            }
        placed = [
            PlacedOrder(
                o.order_number,
                o.placed_at,
                o.units,
                o.cancelled,
                o.refunded > 0,
                o.order_number in backordered,
            )
            for o in found
        ]
        delivered = [
            number
            for number, found in shipments.items()
            if any(shipment.delivered_at is not None for shipment in found)
        ]
        perfect: dict[int, bool] = {}
        if self._perfect_orders is not None and delivered:
            perfect = {
                flags.order_number: flags.perfect for flags in self._perfect_orders(delivered)
            }
        return operations_kpis(str(period), placed, sales, shipments, returns, perfect)

    # -- inventory -----------------------------------------------------------------

    def inventory_health(
        self, *, days: int, dead_after_days: int, overstock_days: int
    ) -> InventoryHealth:
        """The stock's health over the last ``days`` days."""
        days = _days(days, "days")
        dead_after_days = _days(dead_after_days, "dead_after_days")
        overstock_days = _days(overstock_days, "overstock_days")
        now = self._context.clock.now()
        start = now - timedelta(days=days)
        looked_back = now - timedelta(days=max(days, dead_after_days))
        sold: dict[str, int] = {}
        net: dict[str, tuple[int, str]] = {}
        last_sale: dict[str, datetime] = {}
        with self._context.store.unit_of_work(readonly=True) as uow:
            for row in uow.sales.rows(looked_back, now):
                if row.sku == ORDER_LEVEL:
                    continue
                if row.kind is SaleKind.SALE:
                    seen = last_sale.get(row.sku)
                    if seen is None or row.booked_at > seen:
                        last_sale[row.sku] = row.booked_at
                if row.booked_at < start:
                    continue
                if row.kind in _SOLD:
                    sold[row.sku] = sold.get(row.sku, 0) + row.units
                if row.kind in NET_SALES_KINDS:
                    amount, _ = net.get(row.sku, (0, row.currency))
                    net[row.sku] = (amount + row.amount, row.currency)
            levels = uow.stock.levels()
            movements = list(uow.stock.movements(since=start))
            costs = {p.sku: p.cost for p in uow.products.list() if p.cost is not None}
        return inventory_health(
            as_of=now,
            start=start,
            levels=levels,
            movements=movements,
            sold=sold,
            net_sales=net,
            last_sale=last_sale,
            costs=costs,
            dead_after_days=dead_after_days,
            overstock_days=overstock_days,
        )

    # -- customers -----------------------------------------------------------------

    def _customer_orders(self, end: datetime | None, zone: ZoneInfo) -> list[CustomerOrder]:
        """Every order placed before ``end`` with its net sales by then, times in ``zone``."""
        with self._context.store.unit_of_work(readonly=True) as uow:
            found = _order_sums(uow, placed_until=end, booked_until=end)
        return [
            CustomerOrder(
                o.customer_id, o.order_id, o.placed_at.astimezone(zone), o.currency, o.net
            )
            for o in found
        ]

    def customer_rates(self, period: Period, zone: ZoneInfo) -> CustomerRates:
        """New, returning and repeat customers of ``period``."""
        start, end = period.bounds(zone)
        with self._context.store.unit_of_work(readonly=True) as uow:
            ledger = uow.sales
            if isinstance(ledger, OrderAggregation):
                customers = ledger.customer_sums(start=start, end=end)
            else:
                customers = sum_customers(ledger.rows(None, end), start=start, end=end)
        return rates_of_customers(customers, start)

    def rfm(self, as_of: datetime | None, currency: str, zone: ZoneInfo) -> ReportTable:
        """RFM scores and segments of every customer, in ``currency``."""
        moment = self._context.clock.now() if as_of is None else as_of
        currency = validate_currency(currency)
        orders = self._customer_orders(None, zone)
        return rfm_table(rfm_scores(orders, moment, currency), moment, currency)

    def cohorts(self, period: Period, zone: ZoneInfo) -> ReportTable:
        """Retention of the customers whose first order fell in each month of ``period``."""
        first = period.first.replace(day=1)
        end = period.end if period.end.day == 1 else _next_month(period.end)
        orders = self._customer_orders(None, zone)
        return cohort_table(orders, first, end)

    # -- forecasts -----------------------------------------------------------------

    def forecasts(
        self,
        skus: Sequence[str] | None,
        *,
        history_days: int,
        horizon: int,
        holdout: int,
        zone: ZoneInfo,
    ) -> list[DemandForecast]:
        """Daily and weekly demand of each SKU sold in the last ``history_days`` days."""
        history_days = _days(history_days, "history_days", 7)
        horizon = _days(horizon, "horizon")
        holdout = _days(holdout, "holdout", 0) if holdout else 0
        wanted = None if skus is None else {require_code(sku, "skus") for sku in skus}
        today = self._context.clock.now().astimezone(zone).date()
        first = today - timedelta(days=history_days)
        period = Period.days(first, today)  # up to yesterday: today is not over
        start, end = period.bounds(zone)
        per_day: dict[str, dict[date, int]] = {}
        with self._context.store.unit_of_work(readonly=True) as uow:
            for row in uow.sales.rows(start, end):
                if row.kind not in _SOLD or row.sku == ORDER_LEVEL:
                    continue
                if wanted is not None and row.sku not in wanted:
                    continue
                day = row.booked_at.astimezone(zone).date()
                days = per_day.setdefault(row.sku, {})
                days[day] = days.get(day, 0) + row.units
        names = sorted(per_day if wanted is None else wanted)
        return [
            forecast_demand(
                sku,
                [
                    per_day.get(sku, {}).get(first + timedelta(days=n), 0)
                    for n in range(history_days)
                ],
                horizon=horizon,
                holdout=holdout,
            )
            for sku in names
        ]


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _order_sums(
    uow: ReportsUnitOfWork,
    *,
    placed_from: datetime | None = None,
    placed_until: datetime | None = None,
    booked_until: datetime | None = None,
) -> list[OrderSums]:
    """Each order's sums: in the store if it sums them itself, else in Python over its rows."""
    ledger = uow.sales
    window = {
        "placed_from": placed_from,
        "placed_until": placed_until,
        "booked_until": booked_until,
    }
    if isinstance(ledger, OrderAggregation):
        return ledger.order_sums(**window)
    return sum_orders(ledger.rows(placed_from, booked_until), **window)
