"""``shop.reports``: sales figures and breakdowns read from the sales ledger."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

import attrs

from orderkit.core.access import reads
from orderkit.core.checks import require_aware, require_locale, require_text
from orderkit.core.context import ServiceContext
from orderkit.core.currencies import validate_currency
from orderkit.core.money import Money
from orderkit.errors import ValidationError
from orderkit.inventory.ports import StockMovement, order_document
from orderkit.lifecycle.ports import OrderQuery
from orderkit.reports.aggregation import (
    PROMISED,
    GroupSums,
    GroupValue,
    SalesQuery,
    SalesTotals,
    product_facts,
    select_rows,
    sum_rows,
)
from orderkit.reports.analytics_service import AnalyticsService, PerfectOrders
from orderkit.reports.breakdowns import (
    DIMENSIONS,
    HEADLINE,
    MEASURES,
    breakdown_table,
    dimension_name,
    grouping_of,
    measure_named,
    merge_sums,
    rank_groups,
)
from orderkit.reports.customers import CustomerRates
from orderkit.reports.dashboard import DashboardData, render_dashboard
from orderkit.reports.exchange import ExchangeRates, convert_totals
from orderkit.reports.figures import SalesFigures
from orderkit.reports.forecast import DemandForecast
from orderkit.reports.inventory_health import InventoryHealth
from orderkit.reports.ledger import SaleRow
from orderkit.reports.operations import OperationsKpis
from orderkit.reports.periods import (
    TIME_BUCKETS,
    Period,
    bucket_of,
    buckets_between,
    time_zone,
    zone_offsets,
)
from orderkit.reports.ports import ReportsUnitOfWork, SalesAggregation
from orderkit.reports.summary import SalesSummary, summarise_sales
from orderkit.reports.table import Column, ReportTable, write_ledger, write_ledger_parquet

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

__all__ = ["DIMENSIONS", "MEASURES", "ReportService"]


class ReportService:
    """``shop.reports``: figures and breakdowns of sales, read from the sales ledger.

    Every report takes a period in the shop's time zone (``time_zone``, or
    ``tz=`` on the call) and filters; amounts in different currencies are
    never added up: each currency has rows of its own.

    Args:
        context: The shop's services' context.
        time_zone: The IANA time zone reports bucket days in.
        perfect_orders: Works out perfect-order flags (the shop passes its
            returns service's); without it the perfect-order rate is ``None``.
        exchange_rates: Where ``in_currency=`` conversions take their rates.
    """

    def __init__(
        self,
        context: ServiceContext[ReportsUnitOfWork],
        *,
        time_zone: str = "UTC",
        perfect_orders: PerfectOrders | None = None,
        exchange_rates: ExchangeRates | None = None,
        order_states: Collection[str] = (),
    ) -> None:
        self._context = context
        self._zone = _zone(time_zone)
        self._order_states = frozenset(order_states)
        self._rates = exchange_rates
        self._analytics = AnalyticsService(context, perfect_orders)

    # -- the old summary ---------------------------------------------------------

    @reads("reports.read")
    def summary(self) -> SalesSummary:
        """Return the :class:`~orderkit.reports.SalesSummary` of every order placed."""
        with self._context.store.unit_of_work(readonly=True) as uow:
            return summarise_sales(uow.orders.list())

    # -- figures -----------------------------------------------------------------

    @reads("reports.read")
    def sales(
        self,
        /,
        period: str | Period | None = None,
        *,
        tz: str | None = None,
        engine: str | SalesAggregation = "auto",
        in_currency: str | None = None,
        **filters: Any,
    ) -> dict[str, SalesFigures]:
        """The sales figures of a period, by currency.

        Args:
            period: ``"2026-10"``, ``"2026-W40"``, ``"2026-10-05"``,
                ``"2026-Q4"``, ``"2026"``, ``"2026-10-01/2026-10-15"`` or a
                :class:`~orderkit.reports.periods.Period`; ``None`` for all time.
            tz: The time zone of the period's days; the shop's by default.
            engine: ``"auto"`` (the store's own, else Python), ``"python"``,
                or an engine object such as a
                :class:`~orderkit.adapters.duckdb.DuckDbLedger`.
            in_currency: Convert every amount into this currency at the rate
                of the day its order was placed, then add them up (one row
                instead of one per currency); needs the shop's exchange rates.
            **filters: ``channel``, ``country``, ``billing_country``,
                ``seller``, ``currency``, ``customer``, ``product``: a value or
                a list of values, compared with what each ledger row carries;
                ``status``: the lifecycle states the orders are in now (a
                state or a list of them); ``warehouse``: the warehouse codes
                the goods were promised from (see
                :attr:`~orderkit.reports.SalesQuery.warehouses`).

        Raises:
            ValidationError: A malformed period, time zone, engine or filter.

        Examples:
            >>> import orderkit as ok
            >>> ok.Shop.open().reports.sales("2026-10")
            {}
        """
        query = self._query(None, period, tz, filters)
        totals = self._totals(query, engine, in_currency)
        return {
            currency: SalesFigures.of(sums, currency, costed=query.goods_only)
            for (_, currency), sums in sorted(totals.items(), key=lambda item: item[0][1])
        }

    @reads("reports.read")
    def sales_table(
        self,
        /,
        period: str | Period | None = None,
        *,
        tz: str | None = None,
        engine: str | SalesAggregation = "auto",
        in_currency: str | None = None,
        **filters: Any,
    ) -> ReportTable:
        """:meth:`sales` as a table: one row of headline figures per currency.

        Examples:
            >>> import orderkit as ok
            >>> ok.Shop.open().reports.sales_table("2026-10").title
            'Sales, 2026-10'
        """
        figures = self.sales(period, tz=tz, engine=engine, in_currency=in_currency, **filters)
        columns = (
            Column("currency", "Currency"),
            *(Column(name, name.replace("_", " ").capitalize()) for name in HEADLINE),
        )
        rows = tuple(
            (currency, *(figure.measure(name) for name in HEADLINE))
            for currency, figure in figures.items()
        )
        shown = Period.parse(period) if period is not None else "all time"
        return ReportTable(f"Sales, {shown}", columns, rows)

    @reads("reports.read")
    def breakdown(
        self,
        /,
        dimension: str,
        *,
        period: str | Period | None = None,
        by: str = "net_sales",
        n: int | None = None,
        compare: str | None = None,
        tz: str | None = None,
        engine: str | SalesAggregation = "auto",
        in_currency: str | None = None,
        **filters: Any,
    ) -> ReportTable:
        """Sales figures per product, customer, country, day... of a period.

        Rows are ranked by ``by``, largest first (time buckets stay in time
        order, with zero rows for buckets without sales); each currency is
        ranked apart.

        Args:
            dimension: A name of :data:`DIMENSIONS`, ``attribute:<name>`` or
                ``product:<name>``.
            period: As for :meth:`sales`; time buckets need one.
            by: A name of :data:`MEASURES`.
            n: Keep the first ``n`` rows of each currency (``None``: all).
            compare: ``"previous"`` or ``"last_year"``: add the value of
                ``by`` in that period and the change.
            tz: The time zone; the shop's by default.
            engine: ``"auto"``, ``"python"`` or an engine object (as for :meth:`sales`).
            in_currency: As for :meth:`sales`.
            **filters: As for :meth:`sales`.

        Raises:
            ValidationError: A malformed argument, named in the error.
        """
        grouping = grouping_of(dimension)
        measure = measure_named(by)
        name = dimension_name(dimension)
        if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 1):
            raise ValidationError("n", n, "must be a whole number of rows, 1 or more")
        query = self._query(grouping, period, tz, filters)
        zone = self._zone if tz is None else _zone(tz)
        chosen = Period.parse(period) if period is not None else None
        if name in TIME_BUCKETS and chosen is None:
            raise ValidationError("period", None, f"a breakdown by {name} needs a period")
        if compare is not None and chosen is None:
            raise ValidationError("compare", compare, "a comparison needs a period")
        converting = (engine, in_currency)
        current = self._grouped(name, query, chosen, zone, converting, set())
        if name in TIME_BUCKETS and not current and not query.currencies:
            # A period without a sale shows its buckets in every currency the shop sold in.
            known = (
                {in_currency}
                if in_currency is not None
                else {currency for _, currency in self._totals(SalesQuery(), engine)}
            )
            current = self._grouped(name, query, chosen, zone, converting, known)
        before: dict[tuple[GroupValue | date | datetime, str], GroupSums] | None = None
        if compare is not None and chosen is not None:
            other = chosen.compared(compare)
            start, end = other.bounds(zone)
            earlier = attrs.evolve(query, start=start, end=end)
            seen = {currency for _, currency in current}
            before = self._grouped(name, earlier, other, zone, converting, seen)
        rows = rank_groups(name, current, measure, n, query.goods_only)
        return breakdown_table(name, rows, measure, before, chosen, compare, zone, query.goods_only)

    @reads("reports.read")
    def top(
        self,
        /,
        dimension: str,
        *,
        by: str = "net_sales",
        n: int = 10,
        period: str | Period | None = None,
        compare: str | None = None,
        tz: str | None = None,
        engine: str | SalesAggregation = "auto",
        in_currency: str | None = None,
        **filters: Any,
    ) -> ReportTable:
        """The top ``n`` of a dimension by ``by``: :meth:`breakdown` with ``n`` rows.

        Examples:
            >>> import orderkit as ok
            >>> len(ok.Shop.open().reports.top("product", by="units", n=5))
            0
        """
        return self.breakdown(
            dimension,
            period=period,
            by=by,
            n=n,
            compare=compare,
            tz=tz,
            engine=engine,
            in_currency=in_currency,
            **filters,
        )

    # -- operations, inventory, customers, forecasts ----------------------------------

    @reads("reports.read")
    def operations(self, period: str | Period, *, tz: str | None = None) -> OperationsKpis:
        """How the orders placed in ``period`` were carried out: the operations KPIs.

        Cancellation and refund rates, order-to-ship and delivery times
        (median and 90th percentile), on-time shipment and delivery against
        the promised dates, perfect orders, fill, backorder and split-shipment
        rates, and returns by product and reason; see
        :class:`~orderkit.reports.operations.OperationsKpis` for each definition.

        Raises:
            ValidationError: A malformed period or time zone.

        Examples:
            >>> import orderkit as ok
            >>> ok.Shop.open().reports.operations("2026-10").orders
            0
        """
        chosen = Period.parse(period)
        zone = self._zone if tz is None else _zone(tz)
        sales = self.sales(chosen, tz=tz)
        return self._analytics.operations(chosen, zone, sales)

    @reads("reports.read")
    def inventory_health(
        self, *, days: int = 90, dead_after_days: int = 90, overstock_days: int = 180
    ) -> InventoryHealth:
        """What the stock is worth and how it moves, per SKU, over the last ``days`` days.

        Stock value at cost, days of inventory, sell-through, turnover,
        stock-outs and how long they lasted, dead stock (nothing sold for
        ``dead_after_days``), overstock (more than ``overstock_days`` of
        cover) and ABC classes by net sales; see
        :class:`~orderkit.reports.inventory_health.SkuHealth`.

        Raises:
            ValidationError: A number of days out of range.
        """
        return self._analytics.inventory_health(
            days=days, dead_after_days=dead_after_days, overstock_days=overstock_days
        )

    @reads("reports.read")
    def customers(self, period: str | Period, *, tz: str | None = None) -> CustomerRates:
        """New, returning and repeat customers of ``period``, and their rates.

        A customer's order history is ``breakdown("order", customer=...)``
        and their lifetime value ``sales(customer=...)``.

        Raises:
            ValidationError: A malformed period or time zone.
        """
        zone = self._zone if tz is None else _zone(tz)
        return self._analytics.customer_rates(Period.parse(period), zone)

    @reads("reports.read")
    def rfm(
        self, *, currency: str, as_of: datetime | None = None, tz: str | None = None
    ) -> ReportTable:
        """Recency, frequency and monetary scores (1 to 5 by fifths) and segments per customer.

        Args:
            currency: Orders in this currency count (values are never mixed).
            as_of: The day recency is counted to; now by default.
            tz: The time zone of the days; the shop's by default.

        Raises:
            ValidationError: A malformed currency, moment or time zone.
        """
        zone = self._zone if tz is None else _zone(tz)
        if as_of is not None:
            require_aware(as_of, "as_of")
        return self._analytics.rfm(as_of, currency, zone)

    @reads("reports.read")
    def cohorts(self, period: str | Period, *, tz: str | None = None) -> ReportTable:
        """Retention of the customers whose first order fell in each month of ``period``.

        Raises:
            ValidationError: A malformed period or time zone.
        """
        zone = self._zone if tz is None else _zone(tz)
        return self._analytics.cohorts(Period.parse(period), zone)

    @reads("reports.read")
    def forecasts(
        self,
        skus: Sequence[str] | None = None,
        *,
        history_days: int = 120,
        horizon: int = 28,
        holdout: int = 14,
        tz: str | None = None,
    ) -> list[DemandForecast]:
        """Daily and weekly demand forecasts per SKU, with their error on a hold-out.

        Each SKU sold in the last ``history_days`` days (or each of ``skus``)
        gets the method that did best on the last ``holdout`` days; see
        :mod:`orderkit.reports.forecast`. Plan purchases with them:
        ``shop.purchasing.advice(demand={f.sku: f.daily_average for f in forecasts})``.

        Raises:
            ValidationError: A number of days out of range, or a malformed SKU.
        """
        zone = self._zone if tz is None else _zone(tz)
        if skus is not None and (isinstance(skus, str) or not isinstance(skus, Sequence)):
            raise ValidationError("skus", skus, "give a list of SKUs")
        return self._analytics.forecasts(
            skus, history_days=history_days, horizon=horizon, holdout=holdout, zone=zone
        )

    @reads("reports.read")
    def dashboard(
        self,
        period: str | Period | None = None,
        *,
        tz: str | None = None,
        locale: str = "en_US",
        n: int = 10,
        title: str = "Sales dashboard",
    ) -> str:
        """A self-contained HTML page of the headline figures, trends and top-N of ``period``.

        Charts are inline SVG and styles inline: the page needs no network,
        and folds into one column on a phone. Write it to a file and open it
        anywhere. The last 30 days (today included) by default.

        Raises:
            ValidationError: A malformed period, time zone or ``n``.

        Examples:
            >>> import orderkit as ok
            >>> ok.Shop.open().reports.dashboard("2026-10").startswith("<!DOCTYPE html>")
            True
        """
        zone = self._zone if tz is None else _zone(tz)
        locale = require_locale(locale)
        if period is None:
            today = self._context.clock.now().astimezone(zone).date()
            period = Period.days(today - timedelta(days=29), today + timedelta(days=1))
        chosen = Period.parse(period)
        days = self.breakdown("day", period=chosen, tz=tz)
        daily: dict[str, list[tuple[date, Money]]] = {}
        for day, currency, net in zip(
            days.column("day"), days.column("currency"), days.column("net_sales"), strict=True
        ):
            if isinstance(day, date) and isinstance(net, Money):
                daily.setdefault(str(currency), []).append((day, net))
        data = DashboardData(
            title=require_text(title, "title", 200),
            period=str(chosen),
            generated_at=self._context.clock.now(),
            sales=self.sales(chosen, tz=tz),
            operations=self.operations(chosen, tz=tz),
            inventory=self.inventory_health(),
            daily=daily,
            top_products=self.top("product", period=chosen, n=n, tz=tz),
            top_countries=self.top("country", period=chosen, n=n, tz=tz),
            channels=self.breakdown("channel", period=chosen, tz=tz),
        )
        return render_dashboard(data, locale)

    @reads("reports.read")
    def ledger(
        self, /, period: str | Period | None = None, *, tz: str | None = None, **filters: Any
    ) -> Iterator[SaleRow]:
        """Every ledger row booked in the period, oldest first, read as they are used.

        ``filters`` are those of :meth:`sales`: a row is kept when the
        sales reports would count it (a ``product`` filter keeps only rows of
        products).

        Raises:
            ValidationError: A malformed period, time zone or filter, or an
                unknown warehouse: on the call, not when the first row is read.

        Examples:
            >>> import orderkit as ok
            >>> list(ok.Shop.open().reports.ledger("2026-10", channel="web"))
            []
        """
        return self._rows(self._query(None, period, tz, filters))

    def _rows(self, query: SalesQuery) -> Iterator[SaleRow]:
        with self._context.store.unit_of_work(readonly=True) as uow:
            rows = uow.sales.rows(query.start, query.end)
            yield from select_rows(rows, query, *_order_facts(uow, query))

    @reads("reports.read")
    def export_ledger(
        self,
        /,
        target: IO[str] | IO[bytes] | str | Path,
        period: str | Period | None = None,
        *,
        tz: str | None = None,
        format: str = "csv",
        **filters: Any,
    ) -> int:
        """Write every ledger row of the period to ``target`` as it is read; return how many.

        ``"csv"`` writes a header and one line per row; ``"jsonl"`` one JSON
        object per line: amounts as decimal strings in the row's currency,
        times ISO 8601 in UTC. ``"parquet"`` (the ``parquet`` extra) writes
        to a path or a binary file, in batches of 50,000 rows. Nothing more
        than a batch is held in memory, so a million rows stream as well as
        ten. ``filters`` keep the rows :meth:`ledger` keeps.

        Raises:
            ValidationError: A malformed period, time zone, format or filter;
                nothing is written then.

        Examples:
            >>> import io
            >>> import orderkit as ok
            >>> out = io.StringIO()
            >>> ok.Shop.open().reports.export_ledger(out, "2026-10")
            0
            >>> out.getvalue().split(",")[:3]
            ['booked_at', 'order_number', 'order_id']
        """
        if format not in ("csv", "jsonl", "parquet"):
            raise ValidationError("format", format, "give 'csv', 'jsonl' or 'parquet'")
        if format == "parquet":
            if not isinstance(target, str | Path) and not hasattr(target, "write"):
                raise ValidationError("target", target, "give a file path or a binary file")
            return write_ledger_parquet(self.ledger(period, tz=tz, **filters), target)
        if isinstance(target, str | Path) or not hasattr(target, "write"):
            raise ValidationError("target", target, "give a text file or stream to write to")
        rows = self.ledger(period, tz=tz, **filters)
        return write_ledger(rows, cast("IO[str]", target), format)

    # -- helpers -----------------------------------------------------------------

    def _query(
        self,
        grouping: str | None,
        period: str | Period | None,
        tz: str | None,
        filters: Mapping[str, Any],
    ) -> SalesQuery:
        zone = self._zone if tz is None else _zone(tz)
        start = end = None
        if period is not None:
            start, end = Period.parse(period).bounds(zone)
        names = {
            "channel": "channels",
            "country": "ship_countries",
            "billing_country": "bill_countries",
            "seller": "sellers",
            "currency": "currencies",
            "customer": "customers",
            "product": "skus",
            "status": "states",
            "warehouse": "warehouses",
        }
        given: dict[str, Any] = {}
        for name, value in filters.items():
            if name not in names:
                raise ValidationError("filters", name, f"give one of {sorted(names)}")
            if value is None:
                continue
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, Sequence | set | frozenset) or not all(
                isinstance(item, str) and item for item in values
            ):
                raise ValidationError(name, value, "give a text value or a list of them")
            if name == "status" and self._order_states and set(values) - self._order_states:
                known = ", ".join(sorted(self._order_states))
                raise ValidationError(name, value, f"give states of the workflow: {known}")
            given[names[name]] = frozenset(values)
        if "warehouses" in given:  # once per call, before any report is summed
            self._check_warehouses(given["warehouses"])
        return SalesQuery(start=start, end=end, group=grouping, **given)

    def _totals(
        self, query: SalesQuery, engine: str | SalesAggregation, in_currency: str | None = None
    ) -> SalesTotals:
        """Sum the query with the engine asked for; converted into ``in_currency`` if given."""
        if not isinstance(engine, SalesAggregation) and engine not in ("auto", "python"):
            raise ValidationError(
                "engine", engine, "give 'auto', 'python' or an engine with aggregate(query)"
            )
        rates = self._rates
        if in_currency is not None:
            in_currency = validate_currency(in_currency)
            if rates is None:
                raise ValidationError(
                    "in_currency",
                    in_currency,
                    "the shop has no exchange rates: ShopSettings(exchange_rates=...)",
                )
            query = attrs.evolve(query, by_placed_day=True)
        if isinstance(engine, SalesAggregation):
            totals = engine.aggregate(query)
        else:
            totals = self._store_totals(query, engine)
        if in_currency is None or rates is None:
            return totals
        return convert_totals(totals, rates, in_currency)

    def _check_warehouses(self, codes: frozenset[str]) -> None:
        with self._context.store.unit_of_work(readonly=True) as uow:
            known = {warehouse.code for warehouse in uow.warehouses.list()}
        unknown = sorted(codes - known)
        if unknown:
            listed = ", ".join(sorted(known)) or "none yet"
            raise ValidationError("warehouse", unknown[0], f"no such warehouse; there are {listed}")

    def _store_totals(self, query: SalesQuery, engine: str) -> SalesTotals:
        """Sum the query in the store: with its own engine if it has one (``auto``), else Python."""
        with self._context.store.unit_of_work(readonly=True) as uow:
            ledger = uow.sales
            if engine == "auto" and isinstance(ledger, SalesAggregation):
                return ledger.aggregate(query)
            products = product_facts(uow.products.list()) if query.goods_only else {}
            rows = ledger.rows(query.start, query.end)
            return sum_rows(rows, query, products, *_order_facts(uow, query))

    def _grouped(
        self,
        name: str,
        query: SalesQuery,
        period: Period | None,
        zone: ZoneInfo,
        converting: tuple[str | SalesAggregation, str | None],
        currencies: set[str],
    ) -> dict[tuple[Any, str], GroupSums]:
        """Sums per group; time buckets folded locally, every bucket of each currency shown."""
        if name in TIME_BUCKETS and query.start is not None and query.end is not None:
            changes, offsets = zone_offsets(zone, query.start, query.end)
            query = attrs.evolve(query, changes=changes, offsets=offsets)
        totals = self._totals(query, *converting)
        if name not in TIME_BUCKETS:
            return dict(totals)
        folded: dict[tuple[Any, str], GroupSums] = {}
        for (local, currency), sums in totals.items():
            assert not isinstance(local, tuple)
            key = (bucket_of(int(local or 0), name), currency)
            merge_sums(folded.setdefault(key, GroupSums()), sums)
        currencies = currencies | {currency for _, currency in folded}
        currencies |= set(query.currencies or ())
        assert period is not None
        for bucket in buckets_between(period, name, zone):
            for currency in currencies:
                folded.setdefault((bucket, currency), GroupSums())
        return folded


def _order_facts(
    uow: ReportsUnitOfWork, query: SalesQuery
) -> tuple[dict[str, str] | None, set[tuple[int, str]]]:
    """What the query's state and warehouse filters need of the store, read only if asked.

    The states of the orders in the states asked for, and the ``(order
    number, SKU)`` pairs the stock ledger shows promised from the warehouses.
    """
    states = None
    if query.states is not None:
        found = uow.orders.find(
            OrderQuery(states=tuple(sorted(query.states))),
            limit=max(uow.orders.count(), 1),
        )
        states = {order.id: order.state for order in found}
    promised: set[tuple[int, str]] = set()
    for code in query.warehouses or ():
        for movement in uow.stock.movements(warehouse=code):
            number = _order_number(movement)
            if number is not None and movement.kind in PROMISED:
                promised.add((number, movement.sku))
    return states, promised


def _order_number(movement: StockMovement) -> int | None:
    """The number of the order a stock movement was for, if it was for one."""
    document = movement.document or ""
    prefix = order_document(0)[:-1]
    digits = document[len(prefix) :]
    return int(digits) if document.startswith(prefix) and digits.isdigit() else None


def _zone(name: object) -> ZoneInfo:
    return time_zone(name, "tz")
