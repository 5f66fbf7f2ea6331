"""The ``GROUP BY`` that sums the sales ledger, for any SQL engine that holds it.

SQLite, PostgreSQL and DuckDB answer a :class:`~orderkit.reports.aggregation.SalesQuery`
with the same statement over a ``sales_ledger`` table (and ``products``, for
product groupings and costs; ``orders`` and ``stock_movements`` for the
state and warehouse filters).
:class:`LedgerDialect` says what differs: how integers divide, how a text
field is read out of a JSON column, and how a bound parameter is written.
:func:`fold_totals` turns the rows the statement returns into
:data:`~orderkit.reports.aggregation.SalesTotals`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from orderkit.reports.aggregation import (
    ATTRIBUTE,
    GOODS_KINDS,
    PRODUCT_ATTRIBUTE,
    PROMISED,
    TIME_GROUPS,
    GroupSums,
    GroupValue,
    SalesQuery,
    SalesTotals,
)
from orderkit.reports.ledger import ORDER_LEVEL, SaleKind, SaleRow

__all__ = [
    "LedgerDialect",
    "add_sku_costs",
    "fold_totals",
    "json_path",
    "row_values",
    "sales_select",
]

JsonText = Callable[[str, str, dict[str, Any], str], str]
"""``(column, inside, params, name) -> expression``: a text field of a JSON column."""


def row_values(row: SaleRow, encode_json: Callable[[Any], Any]) -> tuple[Any, ...]:
    """What a ``sales_ledger`` row stores of ``row``, column by column (after its ``id``).

    Times are whole seconds since the epoch; the attributes go through
    ``encode_json``.
    """
    return (
        row.order_id,
        row.order_number,
        row.sku,
        row.kind.value,
        row.units,
        row.amount,
        row.currency,
        int(row.booked_at.timestamp()),
        int(row.placed_at.timestamp()),
        row.channel,
        row.customer_id,
        row.ship_country,
        row.bill_country,
        row.seller,
        encode_json(dict(row.attributes)),
        row.batch,
    )


def json_path(inside: str, name: str) -> str:
    """The JSON path of the field ``name`` (of the object ``inside``, if given): ``$."name"``."""
    return "$." + (f"{inside}." if inside else "") + '"' + name.replace('"', '\\"') + '"'


@attrs.frozen
class LedgerDialect:
    """What the summing statement writes differently per engine.

    Attributes:
        divide: The operator that divides integers to an integer.
        json_text: Reads the text field ``name`` of a JSON column (of its
            object ``inside``, if given), binding what it needs in ``params``.
        mark: What precedes a parameter's name (``:`` or ``$``).
    """

    divide: str
    json_text: JsonText
    mark: str = ":"


_ROW_GROUPS = {
    "order": "l.order_number",
    "customer": "l.customer_id",
    "ship_country": "l.ship_country",
    "bill_country": "l.bill_country",
    "channel": "l.channel",
    "seller": "l.seller",
    "currency": "l.currency",
    "sku": "l.sku",
    "brand": "p.brand",
    "category": "p.category",
}

_FILTER_COLUMNS = {
    "channel": "l.channel",
    "ship_country": "l.ship_country",
    "bill_country": "l.bill_country",
    "seller": "l.seller",
    "currency": "l.currency",
    "customer_id": "l.customer_id",
    "sku": "l.sku",
}

_GOODS = ", ".join(f"'{kind.value}'" for kind in GOODS_KINDS)


def _period(query: SalesQuery, params: dict[str, Any], mark: str) -> list[str]:
    clauses = []
    if query.start is not None:
        clauses.append(f"l.booked_at >= {mark}start")
        params["start"] = int(query.start.timestamp())
    if query.end is not None:
        clauses.append(f"l.booked_at < {mark}end")
        params["end"] = int(query.end.timestamp())
    return clauses


def _local_time(query: SalesQuery, params: dict[str, Any], mark: str) -> str:
    """``booked_at`` on the local wall clock: plus the offset in force at that instant."""
    params["offset0"] = query.offsets[0]
    if not query.changes:
        return f"(l.booked_at + {mark}offset0)"
    cases = []
    for index, change in enumerate(query.changes):
        params[f"change{index}"] = change
        params[f"offset{index + 1}"] = query.offsets[index + 1]
        cases.append(f"WHEN l.booked_at < {mark}change{index} THEN {mark}offset{index}")
    last = f"{mark}offset{len(query.changes)}"
    return f"(l.booked_at + CASE {' '.join(cases)} ELSE {last} END)"


def _group_column(query: SalesQuery, dialect: LedgerDialect, params: dict[str, Any]) -> str:
    group = query.group
    if group is None:
        return "l.currency"  # grouped by currency alone: no constant column to sort
    if group.startswith(ATTRIBUTE):
        return dialect.json_text("l.attributes", "", params, group[len(ATTRIBUTE) :])
    if group.startswith(PRODUCT_ATTRIBUTE):
        name = group[len(PRODUCT_ATTRIBUTE) :]
        return dialect.json_text("p.document", "attributes", params, name)
    if group in TIME_GROUPS:
        local = _local_time(query, params, dialect.mark)
        return f"{local}{dialect.divide}{TIME_GROUPS[group]}"
    return _ROW_GROUPS[group]


def _promised(warehouses: frozenset[str], params: dict[str, Any], mark: str) -> str:
    """The rows of sales promised from ``warehouses``, as the stock ledger records them."""
    names = [f"warehouse{n}" for n in range(len(warehouses))]
    params.update(zip(names, sorted(warehouses), strict=True))
    listed = ", ".join(mark + n for n in names)
    kinds = ", ".join(f"'{kind}'" for kind in PROMISED)
    movements = f"FROM stock_movements m WHERE m.warehouse IN ({listed}) AND m.kind IN ({kinds})"
    document = "'order:' || CAST(l.order_number AS TEXT)"
    return (
        f"(({document}, l.sku) IN (SELECT m.document, m.sku {movements}) "
        f"OR (l.sku = '{ORDER_LEVEL}' AND {document} IN (SELECT m.document {movements})))"
    )


def sales_select(query: SalesQuery, dialect: LedgerDialect) -> tuple[str, dict[str, Any]]:
    """The statement that sums the rows ``query`` selects, and its parameters.

    Each result row is ``[group,] currency, kind, units, amount, orders,
    cost, uncosted units[, placed day]``: the group only when the query has
    one, the placed day only with ``by_placed_day``.
    """
    mark = dialect.mark
    params: dict[str, Any] = {}
    clauses = _period(query, params, mark)
    group_sql = _group_column(query, dialect, params)
    goods_only = query.goods_only
    if goods_only:
        clauses.append(f"l.sku <> '{ORDER_LEVEL}'")
    for index, (name, values) in enumerate(sorted(query.filters.items())):
        names = [f"f{index}_{n}" for n in range(len(values))]
        params.update(zip(names, sorted(values), strict=True))
        clauses.append(f"{_FILTER_COLUMNS[name]} IN ({', '.join(mark + n for n in names)})")
    if query.states is not None:
        names = [f"state{n}" for n in range(len(query.states))]
        params.update(zip(names, sorted(query.states), strict=True))
        listed = ", ".join(mark + n for n in names)
        clauses.append(f"l.order_id IN (SELECT o.id FROM orders o WHERE o.state IN ({listed}))")
    if query.warehouses is not None:
        clauses.append(_promised(query.warehouses, params, mark))
    condition = " WHERE " + " AND ".join(clauses) if clauses else ""
    # Grouped by SKU, each group's units give its cost: the products are
    # read apart (add_sku_costs), without joining them to every row.
    per_sku = query.group == "sku"
    counted = "0, 0, 0"
    if goods_only:
        counted = "COUNT(DISTINCT CASE WHEN l.kind = 'sale' THEN l.order_id END), 0, 0"
    if goods_only and not per_sku:
        counted = (
            "COUNT(DISTINCT CASE WHEN l.kind = 'sale' THEN l.order_id END), "
            f"SUM(CASE WHEN l.kind IN ({_GOODS}) AND p.cost_currency = l.currency "
            "THEN l.units * p.cost_minor ELSE 0 END), "
            f"SUM(CASE WHEN l.kind IN ({_GOODS}) AND (p.cost_minor IS NULL "
            "OR p.cost_currency <> l.currency) THEN l.units ELSE 0 END)"
        )
    source = "sales_ledger l"
    if (goods_only and not per_sku) or query.by_product:
        source += " LEFT JOIN products p ON p.sku = l.sku"
    grouped = query.group is not None
    keyed = f"{group_sql}, l.currency, l.kind" if grouped else "l.currency, l.kind"
    # The order's day comes last, so the other columns keep their places.
    day = f", l.placed_at{dialect.divide}86400" if query.by_placed_day else ""
    select = f"SELECT {keyed}, SUM(l.units), SUM(l.amount_minor), {counted}{day} FROM {source}"
    keys = 3 if grouped else 2
    columns = ", ".join(str(n) for n in range(1, keys + 1))
    if query.by_placed_day:
        columns += f", {keys + 6}"
    return f"{select}{condition} GROUP BY {columns}", params


def fold_totals(found: Iterable[Sequence[Any]], query: SalesQuery) -> SalesTotals:
    """The totals from the rows of :func:`sales_select`'s statement.

    Grouped by SKU, the cost of goods is still to add: :func:`add_sku_costs`.
    """
    group = query.group
    goods_only = query.goods_only
    numeric = group == "order" or group in TIME_GROUPS
    totals: SalesTotals = {}
    for row in found:
        if group is None:
            row = (None, *row)
        value, currency, kind_text, units, amount, orders, cost, uncosted = row[:8]
        if numeric:
            value = int(value)
        key: tuple[GroupValue, str] = (
            (value, int(row[8])) if query.by_placed_day else value,
            currency,
        )
        sums = totals.get(key)
        if sums is None:
            sums = totals[key] = GroupSums()
        kind = SaleKind(kind_text)
        sums.add(kind, int(units), int(amount))
        if not goods_only:
            if kind is SaleKind.ORDER:
                sums.orders += int(units)
            continue
        if kind is SaleKind.SALE:
            sums.orders = int(orders)
        sums.cost += int(cost)
        sums.uncosted_units += int(uncosted)
    return totals


def add_sku_costs(totals: SalesTotals, costs: Mapping[str, tuple[int, str]]) -> None:
    """Add each SKU group's cost of goods: its units at ``costs`` (``sku -> (cost, currency)``)."""
    for (group, currency), sums in totals.items():
        sku = group[0] if isinstance(group, tuple) else group
        units = sum(sums.unit(kind) for kind in GOODS_KINDS)
        known = costs.get(str(sku))
        if known is not None and known[1] == currency:
            sums.cost += units * known[0]
        else:
            sums.uncosted_units += units
