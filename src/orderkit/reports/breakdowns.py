"""Breakdowns: what a report can be by and ranked by, how rows are ranked, and the table.

:class:`~orderkit.reports.service.ReportService` sums the ledger; this module
names the dimensions and measures, ranks the groups per currency and lays
them out as a :class:`~orderkit.reports.table.ReportTable`, with the
comparison columns when a period is compared.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from orderkit.core.money import Money
from orderkit.errors import ValidationError
from orderkit.reports.aggregation import (
    ATTRIBUTE,
    GOODS_KINDS,
    LOCAL_DAY,
    LOCAL_HOUR,
    PRODUCT_ATTRIBUTE,
    GroupSums,
)
from orderkit.reports.figures import SalesFigures, ratio
from orderkit.reports.ledger import SaleKind
from orderkit.reports.periods import HOURLY, TIME_BUCKETS, Period
from orderkit.reports.table import Cell, Column, ReportTable

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

__all__ = [
    "DIMENSIONS",
    "HEADLINE",
    "MEASURES",
    "breakdown_table",
    "change",
    "dimension_name",
    "grouping_of",
    "measure_named",
    "merge_sums",
    "rank_groups",
    "raw_measure",
    "sort_value",
    "time_order",
]

DIMENSIONS: Mapping[str, str] = {
    "product": "sku",
    "brand": "brand",
    "category": "category",
    "customer": "customer",
    "order": "order",
    "country": "ship_country",
    "billing_country": "bill_country",
    "channel": "channel",
    "seller": "seller",
    "currency": "currency",
    "landing_page": ATTRIBUTE + "landing_page",
    "referrer": ATTRIBUTE + "referrer",
    "campaign": ATTRIBUTE + "campaign",
    **{bucket: LOCAL_HOUR if bucket in HOURLY else LOCAL_DAY for bucket in TIME_BUCKETS},
}
"""What a breakdown can be by, and the grouping each stands for.

Besides these: ``attribute:<name>`` (any order attribute) and
``product:<name>`` (any product attribute).
"""

MEASURES = (
    "net_sales",
    "gross_sales",
    "total_sales",
    "discounts",
    "returns",
    "units",
    "orders",
    "average_order_value",
    "margin",
)
"""What a breakdown can rank by."""

HEADLINE = (
    "orders",
    "gross_sales",
    "discounts",
    "returns",
    "net_sales",
    "shipping",
    "taxes",
    "total_sales",
    "refunds",
    "units",
    "average_order_value",
)
"""The figures of :meth:`ReportService.sales_table`, in its column order."""

FIGURE_COLUMNS = (
    Column("orders", "Orders"),
    Column("units", "Units"),
    Column("gross_sales", "Gross sales"),
    Column("discounts", "Discounts"),
    Column("returns", "Returns"),
    Column("net_sales", "Net sales"),
    Column("shipping", "Shipping"),
    Column("taxes", "Taxes"),
    Column("total_sales", "Total sales"),
    Column("average_order_value", "Average order value"),
)


def dimension_name(dimension: str) -> str:
    """The dimension as reports name it (``Billing-Country`` is ``billing_country``).

    An attribute's own name (``attribute:Landing-Page``) is kept as it is spelled.
    """
    prefix, colon, rest = dimension.strip().partition(":")
    prefix = prefix.lower().replace("-", "_")
    return f"{prefix}:{rest}" if colon else prefix


def grouping_of(dimension: object) -> str:
    """The engine's grouping for a dimension name (see :data:`DIMENSIONS`).

    Raises:
        ValidationError: No such dimension.
    """
    if not isinstance(dimension, str):
        raise ValidationError("dimension", dimension, f"give one of {sorted(DIMENSIONS)}")
    name = dimension_name(dimension)
    if name.startswith((ATTRIBUTE, PRODUCT_ATTRIBUTE)) and name.split(":", 1)[1]:
        return name
    if name not in DIMENSIONS:
        raise ValidationError(
            "dimension",
            dimension,
            f"give one of {sorted(DIMENSIONS)}, attribute:<name> or product:<name>",
        )
    return DIMENSIONS[name]


def measure_named(by: object) -> str:
    """The measure called ``by`` (``"net-sales"`` is ``net_sales``).

    Raises:
        ValidationError: No such measure (see :data:`MEASURES`).
    """
    name = by.strip().lower().replace("-", "_") if isinstance(by, str) else by
    if name not in MEASURES:
        raise ValidationError("by", by, f"give one of {list(MEASURES)}")
    return str(name)


def merge_sums(into: GroupSums, other: GroupSums) -> None:
    """Add ``other`` into ``into`` (time buckets made of several local days or hours)."""
    for kind, units in other.units.items():
        into.add(kind, units, 0)
    for kind, amount in other.amounts.items():
        into.add(kind, 0, amount)
    into.orders += other.orders
    into.cost += other.cost
    into.uncosted_units += other.uncosted_units


def sort_value(value: Money | Decimal | int | None) -> Decimal:
    """A figure as a number to compare; ``None`` below everything."""
    if value is None:
        return Decimal("-Infinity")
    if isinstance(value, Money):
        return value.amount
    return Decimal(value)


def rank_groups(
    name: str,
    groups: dict[tuple[Any, str], GroupSums],
    measure: str,
    n: int | None,
    costed: bool,
) -> list[tuple[Any, str, GroupSums]]:
    """Rows ranked by ``measure`` per currency (time buckets in time order), ``n`` each."""
    by_currency: dict[str, list[tuple[Any, str, GroupSums]]] = {}
    for (value, currency), sums in groups.items():
        by_currency.setdefault(currency, []).append((value, currency, sums))
    ranked: list[tuple[Any, str, GroupSums]] = []
    for currency in sorted(by_currency):
        rows = by_currency[currency]
        if name in TIME_BUCKETS:
            rows.sort(key=lambda row: time_order(row[0]))
        else:
            rows.sort(key=lambda row: (-raw_measure(row[2], measure, costed), str(row[0])))
        ranked.extend(rows if n is None else rows[:n])
    return ranked


def breakdown_table(
    name: str,
    rows: list[tuple[Any, str, GroupSums]],
    measure: str,
    before: dict[tuple[Any, str], GroupSums] | None,
    period: Period | None,
    compare: str | None,
    zone: ZoneInfo,
    goods: bool,
) -> ReportTable:
    """The ranked rows as a table: the figures, the margin with goods, the comparison."""
    columns = [
        Column(name, name.replace("_", " ").capitalize()),
        Column("currency", "Currency"),
    ]
    columns.extend(FIGURE_COLUMNS)
    if goods:
        columns.append(Column("margin", "Margin"))
    if before is not None:
        columns.extend(
            [
                Column(f"{measure}_before", f"{measure.replace('_', ' ').capitalize()} before"),
                Column("change", "Change"),
            ]
        )
    # Time buckets are compared by position: the third day with the third day before.
    earlier: dict[str, list[GroupSums]] = {}
    if before is not None and name in TIME_BUCKETS:
        for (_, currency), sums in sorted(before.items(), key=lambda item: time_order(item[0][0])):
            earlier.setdefault(currency, []).append(sums)
    positions: dict[str, int] = {}
    table_rows: list[tuple[Cell, ...]] = []
    for value, currency, sums in rows:
        figure = SalesFigures.of(sums, currency, costed=goods)
        cells: list[Cell] = [
            value,
            currency,
            figure.orders,
            figure.units,
            figure.gross_sales,
            figure.discounts,
            figure.returns,
            figure.net_sales,
            figure.shipping,
            figure.taxes,
            figure.total_sales,
            figure.average_order_value,
        ]
        if goods:
            cells.append(figure.margin)
        if before is not None:
            if name in TIME_BUCKETS:
                index = positions.get(currency, 0)
                positions[currency] = index + 1
                same = earlier.get(currency, [])
                previous = same[index] if index < len(same) else None
            else:
                previous = before.get((value, currency))
            was = (
                None
                if previous is None
                else SalesFigures.of(previous, currency, costed=goods).measure(measure)
            )
            cells.append(was)
            cells.append(change(figure.measure(measure), was))
        table_rows.append(tuple(cells))
    title = f"Sales by {name.replace('_', ' ')} ranked by {measure.replace('_', ' ')}"
    if name in TIME_BUCKETS:
        title = f"Sales by {name.replace('_', ' ')}"
    if period is not None:
        title += f", {period}"
    notes = [f"Days in {zone.key}."]
    if compare is not None and period is not None:
        notes.append(f"Compared with {period.compared(compare)}.")
    return ReportTable(title, tuple(columns), tuple(table_rows), tuple(notes))


def raw_measure(sums: GroupSums, measure: str, costed: bool) -> Decimal:
    """``measure`` of a group in minor units, as :class:`SalesFigures` defines it, for ranking.

    Groups without a value (an average without orders, a margin without a
    cost) rank last.
    """
    amount = sums.amount
    net = (
        amount(SaleKind.SALE)
        + amount(SaleKind.DISCOUNT)
        + amount(SaleKind.RETURN)
        + amount(SaleKind.CANCELLATION)
    )
    value: int | Decimal
    if measure == "net_sales":
        value = net
    elif measure == "gross_sales":
        value = amount(SaleKind.SALE)
    elif measure == "total_sales":
        value = net + amount(SaleKind.SHIPPING) + amount(SaleKind.TAX)
    elif measure == "discounts":
        value = -amount(SaleKind.DISCOUNT)
    elif measure == "returns":
        value = -amount(SaleKind.RETURN) - amount(SaleKind.CANCELLATION)
    elif measure == "units":
        value = sum(sums.unit(kind) for kind in GOODS_KINDS)
    elif measure == "orders":
        value = sums.orders
    elif measure == "average_order_value":
        if not sums.orders:
            return Decimal("-Infinity")
        value = Decimal(net) / sums.orders
    else:  # margin
        if not costed or sums.uncosted_units:
            return Decimal("-Infinity")
        value = net - sums.cost
    return Decimal(value)


def change(now: Money | Decimal | int | None, was: Money | Decimal | int | None) -> Decimal | None:
    """``(now - was) / was``, or ``None`` without both or when ``was`` is zero."""
    if now is None or was is None:
        return None
    now_value, was_value = sort_value(now), sort_value(was)
    return ratio(now_value - was_value, was_value)


def time_order(value: object) -> tuple[int, str]:
    """Where a time bucket goes: weekdays Monday first, hours in order, dates by date."""
    weekdays = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    if isinstance(value, str) and value in weekdays:
        return (weekdays.index(value), "")
    if isinstance(value, int):
        return (value, "")
    return (0, str(value))
