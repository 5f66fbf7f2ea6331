"""The sales ledger in the ``sales_ledger`` table, summed in the database (the push-down)."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import attrs
import cattrs

from orderkit.adapters.sql.base import SqlRepository
from orderkit.adapters.sql.sales_select import (
    LedgerDialect,
    add_sku_costs,
    fold_totals,
    json_path,
    row_values,
    sales_select,
)
from orderkit.adapters.sql.session import SqlSession
from orderkit.catalog.products import Product
from orderkit.core.money import Money
from orderkit.lifecycle.order import Order
from orderkit.reports.aggregation import (
    NET_SALES_KINDS,
    PROMISED,
    CustomerSums,
    OrderSums,
    SalesQuery,
    SalesTotals,
)
from orderkit.reports.ledger import (
    Position,
    SaleKind,
    SaleRow,
    position_of,
    rows_for_change,
)

__all__ = ["SqlSalesLedger", "book_existing_orders"]

_COLUMNS = (
    "order_id, order_number, sku, kind, units, amount_minor, currency, booked_at, placed_at, "
    "channel, customer_id, ship_country, bill_country, seller, attributes, batch"
)
_FIELDS = (
    "order_id",
    "order_number",
    "sku",
    "kind",
    "units",
    "amount",
    "currency",
    "booked_at",
    "placed_at",
    "channel",
    "customer_id",
    "ship_country",
    "bill_country",
    "seller",
    "attributes",
    "batch",
)


@functools.cache
def _insert(count: int) -> str:
    """One ``INSERT`` of ``count`` rows: a booking's rows reach the database in one statement."""
    values = ", ".join(
        "(" + ", ".join(f":{name}{index}" for name in _FIELDS) + ")" for index in range(count)
    )
    return f"INSERT INTO sales_ledger ({_COLUMNS}) VALUES {values}"


_CHUNK = 60
"""Rows per ``INSERT``: 900 parameters, under SQLite's oldest limit (999)."""


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


def _where(*bounds: tuple[str, str, datetime | None]) -> tuple[str, dict[str, Any]]:
    """A ``WHERE`` of each ``(condition, parameter, moment)`` whose moment is given."""
    given = [(c, name, moment) for c, name, moment in bounds if moment is not None]
    params = {name: _epoch(moment) for _, name, moment in given}
    return (" WHERE " + " AND ".join(c for c, _, _ in given) if given else ""), params


class SqlSalesLedger(SqlRepository):
    """Ledger rows in ``sales_ledger``; see :class:`orderkit.reports.ports.SalesLedger`.

    :meth:`aggregate` sums them with one ``GROUP BY`` in the database.
    """

    def append(self, rows: Sequence[SaleRow]) -> None:
        """Insert ``rows``."""
        encode = self._dialect.encode_json
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start : start + _CHUNK]
            params: dict[str, Any] = {}
            for index, row in enumerate(chunk):
                values = row_values(row, encode)
                params.update(
                    (f"{name}{index}", value) for name, value in zip(_FIELDS, values, strict=True)
                )
            self._session.write(_insert(len(chunk)), params)

    def position(self, order_id: str) -> Position | None:
        """The sum of the order's rows by kind and SKU, or ``None``."""
        found = self._session.rows(
            "SELECT kind, sku, SUM(units), SUM(amount_minor) FROM sales_ledger "
            "WHERE order_id = :order_id GROUP BY kind, sku",
            {"order_id": order_id},
        )
        if not found:
            return None
        return {
            (SaleKind(kind), sku): (int(units), int(amount)) for kind, sku, units, amount in found
        }

    def rows(self, start: datetime | None = None, end: datetime | None = None) -> Iterator[SaleRow]:
        """The rows booked in ``[start, end)``, oldest first."""
        where, params = self._period(start, end)
        decode = self._dialect.decode_json
        query = f"SELECT {_COLUMNS} FROM sales_ledger l{where} ORDER BY l.booked_at, l.id"
        for row in self._batches(query, params):
            yield SaleRow(
                order_id=row[0],
                order_number=int(row[1]),
                sku=row[2],
                kind=SaleKind(row[3]),
                units=int(row[4]),
                amount=int(row[5]),
                currency=row[6],
                booked_at=datetime.fromtimestamp(int(row[7]), UTC),
                placed_at=datetime.fromtimestamp(int(row[8]), UTC),
                channel=row[9],
                customer_id=row[10],
                ship_country=row[11],
                bill_country=row[12],
                seller=row[13],
                attributes=decode(row[14]),
                batch=row[15],
            )

    def numbered_rows(self, after: int, size: int = 50_000) -> Iterator[list[tuple[Any, ...]]]:
        """The rows numbered after ``after``, as stored, in batches of ``size``, in number order.

        Each is ``(number, *columns)`` with ``booked_at`` and ``placed_at`` in
        seconds since the epoch and the attributes as JSON text: what a copy
        of the ledger elsewhere (the DuckDB engine) reads, without building
        :class:`SaleRow` objects.
        """
        cursor = self._session.execute(
            f"SELECT id, {_COLUMNS.replace('attributes', 'CAST(attributes AS TEXT)')} "
            "FROM sales_ledger WHERE id > :after ORDER BY id",
            {"after": after},
        )
        while batch := cursor.fetchmany(size):
            yield batch

    def order_states(self, size: int = 50_000) -> Iterator[list[tuple[Any, ...]]]:
        """Every order's ``(id, state)``, in batches of ``size``: what a copy filters states by."""
        cursor = self._session.execute("SELECT id, state FROM orders")
        while batch := cursor.fetchmany(size):
            yield batch

    def promised_movements(self, size: int = 50_000) -> Iterator[list[tuple[Any, ...]]]:
        """The movements promising orders' units, ``(document, sku, warehouse, kind)``, in batches.

        What a copy of the ledger filters warehouses by.
        """
        kinds = ", ".join(f"'{kind}'" for kind in PROMISED)
        cursor = self._session.execute(
            "SELECT document, sku, warehouse, kind FROM stock_movements "
            f"WHERE kind IN ({kinds}) AND document LIKE 'order:%'"
        )
        while batch := cursor.fetchmany(size):
            yield batch

    def count_through(self, last: int) -> int:
        """How many rows are numbered ``last`` or lower."""
        found = self._session.one(
            "SELECT COUNT(*) FROM sales_ledger WHERE id <= :last", {"last": last}
        )
        return int(found[0])

    @staticmethod
    def _period(start: datetime | None, end: datetime | None) -> tuple[str, dict[str, Any]]:
        return _where(("l.booked_at >= :start", "start", start), ("l.booked_at < :end", "end", end))

    def order_sums(
        self,
        *,
        placed_from: datetime | None = None,
        placed_until: datetime | None = None,
        booked_until: datetime | None = None,
    ) -> list[OrderSums]:
        """Each order's sums with one ``GROUP BY`` in the database; see ``sum_orders``."""
        where, params = _where(
            # An order's rows are booked when it is placed or later: the index narrows.
            (
                "l.booked_at >= :placed_from AND l.placed_at >= :placed_from",
                "placed_from",
                placed_from,
            ),
            ("l.placed_at < :placed_until", "placed_until", placed_until),
            ("l.booked_at < :booked_until", "booked_until", booked_until),
        )
        goods = ", ".join(f"'{kind.value}'" for kind in NET_SALES_KINDS)
        found = self._batches(
            "SELECT l.order_id, l.order_number, l.customer_id, l.currency, l.placed_at, "
            "SUM(CASE WHEN l.kind = 'sale' THEN l.units ELSE 0 END), "
            "-SUM(CASE WHEN l.kind = 'cancellation' THEN l.units ELSE 0 END), "
            f"SUM(CASE WHEN l.kind IN ({goods}) THEN l.amount_minor ELSE 0 END), "
            "-SUM(CASE WHEN l.kind = 'refund' THEN l.amount_minor ELSE 0 END) "
            f"FROM sales_ledger l{where} "
            "GROUP BY l.order_id, l.order_number, l.customer_id, l.currency, l.placed_at "
            "HAVING SUM(CASE WHEN l.kind = 'order' THEN 1 ELSE 0 END) > 0 "
            "ORDER BY l.order_number",
            params,
        )
        return [
            OrderSums(
                row[0],
                int(row[1]),
                row[2],
                row[3],
                datetime.fromtimestamp(int(row[4]), UTC),
                *(int(value) for value in row[5:]),
            )
            for row in found
        ]

    def customer_sums(self, *, start: datetime, end: datetime) -> list[CustomerSums]:
        """Each customer's first order and orders in ``[start, end)``, grouped in the database."""
        found = self._batches(
            "SELECT l.customer_id, MIN(l.placed_at), "
            "SUM(CASE WHEN l.placed_at >= :start THEN 1 ELSE 0 END) FROM sales_ledger l "
            "WHERE l.kind = 'order' AND l.booked_at < :end "
            "GROUP BY l.customer_id",
            {"start": _epoch(start), "end": _epoch(end)},
        )
        return [
            CustomerSums(customer, datetime.fromtimestamp(int(first), UTC), int(orders))
            for customer, first, orders in found
        ]

    def _json_text(self, column: str, inside: str, params: dict[str, Any], name: str) -> str:
        """A text field of a JSON column (in the object ``inside``, if given); the name is bound."""
        if self._dialect.name == "postgresql":
            params["group_name"] = name
            step = f" -> '{inside}'" if inside else ""
            return f"({column}{step} ->> :group_name)"
        params["group_path"] = json_path(inside, name)
        return f"json_extract({column}, :group_path)"

    def aggregate(self, query: SalesQuery) -> SalesTotals:
        """Sum the rows ``query`` selects with one ``GROUP BY`` in the database."""
        sql, params = sales_select(query, LedgerDialect(" / ", self._json_text))
        totals = fold_totals(self._session.rows(sql, params), query)
        if query.goods_only and query.group == "sku":
            costs = {
                sku: (int(cost), currency)
                for sku, cost, currency in self._session.rows(
                    "SELECT sku, cost_minor, cost_currency FROM products "
                    "WHERE cost_minor IS NOT NULL"
                )
            }
            add_sku_costs(totals, costs)
        return totals


def _product_cost(product: Product) -> tuple[int | None, str | None]:
    if product.cost is None:
        return None, None
    return product.cost.minor_units, product.cost.currency


def book_existing_orders(session: SqlSession, converter: cattrs.Converter) -> None:
    """The data step of the sales-ledger migration: book every stored order, and product costs.

    Each order's sales, discounts, tax and shipping are dated when it was
    placed; what it has cancelled, returned or refunded so far is dated at
    its last recorded change (the ledger cannot know more for orders kept
    before it existed).
    """
    ledger = SqlSalesLedger(session, converter)
    for sku, document in session.rows("SELECT sku, document FROM products"):
        product = converter.structure(session.dialect.decode_json(document), Product)
        cost, currency = _product_cost(product)
        if cost is not None:
            session.write(
                "UPDATE products SET cost_minor = :cost, cost_currency = :currency "
                "WHERE sku = :sku",
                {"cost": cost, "currency": currency, "sku": sku},
            )
    cursor = session.execute("SELECT document FROM orders ORDER BY number")
    while batch := cursor.fetchmany(500):
        for (document,) in batch:
            order = converter.structure(session.dialect.decode_json(document), Order)
            _book_existing(ledger, order)


def _book_existing(ledger: SqlSalesLedger, order: Order) -> None:
    """Book a stored order as placed, then what happened to it since at its last change."""
    batch = f"migration-{order.id}"
    placed = _as_placed(order)
    rows = rows_for_change(placed, None, order.placed_at, batch)
    last = max((entry.at for entry in order.history), default=order.placed_at)
    rows += rows_for_change(order, position_of(placed), last, batch)
    ledger.append(rows)


def _as_placed(order: Order) -> Order:
    """The order with nothing cancelled, returned or refunded yet."""
    lines = tuple(
        attrs.evolve(
            line, cancelled=0, returned=0, delivered=0, shipped=0, packed=0, picked=0, reserved=0
        )
        for line in order.lines
    )
    return attrs.evolve(order, lines=lines, refunded=Money.zero(order.currency))
