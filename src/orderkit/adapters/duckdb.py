"""The DuckDB engine: a copy of the sales ledger in DuckDB, summed there (the ``duckdb`` extra).

For analysts with millions of ledger rows. :class:`DuckDbLedger` copies the
ledger, the products, the orders' states and the stock movements that
promise orders' units out of any store (or a ledger exported to Parquet)
into a DuckDB database, keeps the copy current with :meth:`DuckDbLedger.refresh`,
and answers reports with the same ``GROUP BY`` the SQL stores run
(:mod:`orderkit.adapters.sql.sales_select`): pass it as a report's ``engine``.

The copy is read, never written back: the store stays the ledger of record.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, runtime_checkable

from orderkit.adapters.sql.sales_select import (
    LedgerDialect,
    add_sku_costs,
    fold_totals,
    json_path,
    row_values,
    sales_select,
)
from orderkit.catalog.ports import Product
from orderkit.errors import ConfigurationError, ValidationError
from orderkit.inventory.ports import StockMovement
from orderkit.lifecycle.order import Order
from orderkit.reports.aggregation import PROMISED, SalesQuery, SalesTotals
from orderkit.reports.ledger import SaleRow
from orderkit.storage import Store

__all__ = ["DuckDbLedger"]

_LEDGER_COLUMNS = (
    ("id", "BIGINT"),
    ("order_id", "VARCHAR"),
    ("order_number", "BIGINT"),
    ("sku", "VARCHAR"),
    ("kind", "VARCHAR"),
    ("units", "BIGINT"),
    ("amount_minor", "BIGINT"),
    ("currency", "VARCHAR"),
    ("booked_at", "BIGINT"),
    ("placed_at", "BIGINT"),
    ("channel", "VARCHAR"),
    ("customer_id", "VARCHAR"),
    ("ship_country", "VARCHAR"),
    ("bill_country", "VARCHAR"),
    ("seller", "VARCHAR"),
    ("attributes", "VARCHAR"),
    ("batch", "VARCHAR"),
)
_PRODUCT_COLUMNS = (
    ("sku", "VARCHAR"),
    ("brand", "VARCHAR"),
    ("category", "VARCHAR"),
    ("document", "VARCHAR"),
    ("cost_minor", "BIGINT"),
    ("cost_currency", "VARCHAR"),
)
_ORDER_COLUMNS = (("id", "VARCHAR"), ("state", "VARCHAR"))
_MOVEMENT_COLUMNS = (
    ("document", "VARCHAR"),
    ("sku", "VARCHAR"),
    ("warehouse", "VARCHAR"),
    ("kind", "VARCHAR"),
)
_TABLES = {
    "sales_ledger": _LEDGER_COLUMNS,
    "products": _PRODUCT_COLUMNS,
    "orders": _ORDER_COLUMNS,
    "stock_movements": _MOVEMENT_COLUMNS,
}
_BATCH = 50_000


@runtime_checkable
class _NumberedLedger(Protocol):
    """A ledger that numbers its rows (the SQL stores): copied a batch of new rows at a time."""

    def numbered_rows(self, after: int, size: int = _BATCH) -> Iterator[list[tuple[Any, ...]]]: ...

    def order_states(self, size: int = _BATCH) -> Iterator[list[tuple[Any, ...]]]: ...

    def promised_movements(self, size: int = _BATCH) -> Iterator[list[tuple[Any, ...]]]: ...

    def count_through(self, last: int) -> int: ...


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        raise ConfigurationError(
            "engine", "duckdb", "install it: pip install 'orderkit[duckdb]'"
        ) from None


def _json_text(column: str, inside: str, params: dict[str, Any], name: str) -> str:
    params["group_path"] = json_path(inside, name)
    return f"json_extract_string({column}, $group_path)"


_DIALECT = LedgerDialect(" // ", _json_text, "$")


def _row_tuple(number: int, row: SaleRow) -> tuple[Any, ...]:
    return (number, *row_values(row, json.dumps))


def _promised(movements: Iterable[StockMovement]) -> Iterator[tuple[Any, ...]]:
    """The movements that promise an order's units, as the copy keeps them."""
    for movement in movements:
        document = movement.document or ""
        if movement.kind in PROMISED and document.startswith("order:"):
            yield (document, movement.sku, movement.warehouse, movement.kind.value)


def _product_tuple(product: Product) -> tuple[Any, ...]:
    cost = product.cost
    return (
        product.sku,
        product.brand,
        product.category,
        json.dumps({"attributes": dict(product.attributes)}),
        None if cost is None else cost.minor_units,
        None if cost is None else cost.currency,
    )


class DuckDbLedger:
    """The sales ledger copied into DuckDB; a report engine (``engine=``) that sums it there.

    Build one with :meth:`of_store` or :meth:`of_parquet`; it gives the same
    totals as the store's own engine, to the cent. Use it as a context
    manager, or :meth:`close` it.

    Example::

        ledger = DuckDbLedger.of_store(shop.store)
        shop.reports.top("product", period="2026-10", engine=ledger)
        ledger.refresh()  # after more orders: copies only the new rows
    """

    def __init__(self, database: str | Path = ":memory:") -> None:
        """An empty copy in ``database``: a DuckDB file, or in memory by default.

        Raises:
            ConfigurationError: DuckDB or pyarrow is not installed.
        """
        self._duckdb = _module("duckdb")
        self._pyarrow = _module("pyarrow")
        self._connection = self._duckdb.connect(str(database))
        self._store: Store | None = None
        self._parquet: Path | None = None
        self._products: tuple[Product, ...] = ()
        self._orders: tuple[Order, ...] | None = None
        self._movements: tuple[StockMovement, ...] | None = None
        for table, columns in _TABLES.items():
            listed = ", ".join(f"{name} {kind}" for name, kind in columns)
            self._connection.execute(f"CREATE TABLE IF NOT EXISTS {table} ({listed})")

    @classmethod
    def of_store(cls, store: Store, database: str | Path = ":memory:") -> DuckDbLedger:
        """A copy of ``store``'s ledger and products (any store; ``shop.store`` for a shop).

        Raises:
            ConfigurationError: DuckDB or pyarrow is not installed.
        """
        ledger = cls(database)
        ledger._store = store
        ledger.refresh()
        return ledger

    @classmethod
    def of_parquet(
        cls,
        path: str | Path,
        products: Iterable[Product] = (),
        database: str | Path = ":memory:",
        *,
        orders: Iterable[Order] | None = None,
        movements: Iterable[StockMovement] | None = None,
    ) -> DuckDbLedger:
        """A copy of a ledger exported to Parquet (``shop.reports.export_ledger``).

        ``products`` give the brands, categories, attributes and costs that
        product reports group and cost by, ``orders`` the states the
        ``status`` filter reads, and stock ``movements`` the warehouses the
        ``warehouse`` filter reads; the export carries none of them. Without
        ``orders`` (``movements``) the copy refuses the ``status``
        (``warehouse``) filter.

        Raises:
            ConfigurationError: DuckDB or pyarrow is not installed, or there
                is no file at ``path``.
        """
        found = Path(path)
        if not found.is_file():
            raise ConfigurationError("path", str(path), "no Parquet file there")
        ledger = cls(database)
        ledger._parquet = found
        ledger._products = tuple(products)
        ledger._orders = None if orders is None else tuple(orders)
        ledger._movements = None if movements is None else tuple(movements)
        ledger.refresh()
        return ledger

    @property
    def connection(self) -> Any:
        """The DuckDB connection, for queries of your own.

        Its tables: ``sales_ledger`` (the ledger's columns, times in seconds
        since the epoch), ``products``, ``orders`` (``id``, ``state``) and
        ``stock_movements`` (those promising orders' units).
        """
        return self._connection

    def refresh(self) -> int:
        """Bring the copy up to date with its source; return how many rows it copied.

        From a SQL store only the rows added since the last refresh are
        copied (all of them again if the store's ledger no longer starts with
        the rows copied before). Any other store, or a Parquet file, is
        copied whole again. Products, the orders' states and the stock
        movements that promise orders' units are always copied again. The
        copy changes in one DuckDB transaction: a refresh that fails leaves
        it as it was.
        """
        self._connection.execute("BEGIN TRANSACTION")
        try:
            copied = self._copy()
        except BaseException:
            self._connection.execute("ROLLBACK")
            raise
        self._connection.execute("COMMIT")
        return copied

    def _copy(self) -> int:
        if self._parquet is not None:
            self._replace("products", map(_product_tuple, self._products))
            self._replace("orders", ((o.id, o.state) for o in self._orders or ()))
            self._replace("stock_movements", _promised(self._movements or ()))
            return self._copy_parquet(self._parquet)
        assert self._store is not None
        with self._store.unit_of_work(readonly=True) as uow:
            self._replace("products", map(_product_tuple, uow.products.list()))
            ledger = uow.sales
            if isinstance(ledger, _NumberedLedger):
                self._replace("orders", chain.from_iterable(ledger.order_states()))
                movements = chain.from_iterable(ledger.promised_movements())
                self._replace("stock_movements", movements)
                return self._copy_numbered(ledger)
            self._replace("orders", ((o.id, o.state) for o in uow.orders.list()))
            self._replace("stock_movements", _promised(uow.stock.movements()))
            self._connection.execute("DELETE FROM sales_ledger")
            numbered = (_row_tuple(n, row) for n, row in enumerate(ledger.rows(), start=1))
            return self._insert_batches("sales_ledger", _LEDGER_COLUMNS, numbered)

    def aggregate(self, query: SalesQuery) -> SalesTotals:
        """Sum the rows ``query`` selects with one ``GROUP BY`` in DuckDB.

        Raises:
            ValidationError: The query filters by state (warehouse), and the
                copy was made from a Parquet file without ``orders``
                (``movements``).
        """
        if self._parquet is not None:
            for name, wanted, given, argument in (
                ("status", query.states, self._orders, "orders"),
                ("warehouse", query.warehouses, self._movements, "movements"),
            ):
                if wanted is not None and given is None:
                    raise ValidationError(
                        name,
                        sorted(wanted),
                        f"this copy of a Parquet export cannot tell: "
                        f"pass {argument}= to DuckDbLedger.of_parquet",
                    )
        sql, params = sales_select(query, _DIALECT)
        totals = fold_totals(self._connection.execute(sql, params).fetchall(), query)
        if query.goods_only and query.group == "sku":
            found = self._connection.execute(
                "SELECT sku, cost_minor, cost_currency FROM products WHERE cost_minor IS NOT NULL"
            ).fetchall()
            add_sku_costs(totals, {sku: (int(cost), currency) for sku, cost, currency in found})
        return totals

    def close(self) -> None:
        """Close the DuckDB connection."""
        self._connection.close()

    def __enter__(self) -> DuckDbLedger:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        source = self._parquet or self._store
        return f"DuckDbLedger({source!r})"

    def _copy_numbered(self, ledger: _NumberedLedger) -> int:
        [(last, count)] = self._connection.execute(
            "SELECT COALESCE(MAX(id), 0), COUNT(*) FROM sales_ledger"
        ).fetchall()
        if ledger.count_through(int(last)) != int(count):
            # Rows numbered before the last copied one appeared (a transaction
            # that committed late) or went away (another database): copy all.
            self._connection.execute("DELETE FROM sales_ledger")
            last = 0
        copied = 0
        for batch in ledger.numbered_rows(int(last)):
            copied += self._insert_batches("sales_ledger", _LEDGER_COLUMNS, batch)
        return copied

    def _copy_parquet(self, path: Path) -> int:
        self._connection.execute("DELETE FROM sales_ledger")
        self._connection.execute(
            "INSERT INTO sales_ledger SELECT row_number() OVER (), order_id, order_number, "
            "sku, kind, units, amount_minor, currency, CAST(epoch(booked_at) AS BIGINT), "
            "CAST(epoch(placed_at) AS BIGINT), channel, customer_id, ship_country, "
            "bill_country, seller, attributes, '' FROM read_parquet($path)",
            {"path": str(path)},
        )
        [(count,)] = self._connection.execute("SELECT COUNT(*) FROM sales_ledger").fetchall()
        return int(count)

    def _replace(self, table: str, rows: Iterable[tuple[Any, ...]]) -> None:
        self._connection.execute(f"DELETE FROM {table}")
        self._insert_batches(table, _TABLES[table], rows)

    def _insert_batches(
        self,
        table: str,
        columns: tuple[tuple[str, str], ...],
        rows: Iterable[tuple[Any, ...]],
    ) -> int:
        """Insert ``rows`` through Arrow tables of at most :data:`_BATCH` rows; return how many."""
        arrow = self._pyarrow
        kinds = {"BIGINT": arrow.int64(), "VARCHAR": arrow.string()}
        types = [(name, kinds[kind]) for name, kind in columns]
        count = 0
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= _BATCH:
                count += self._insert(table, types, batch)
                batch = []
        if batch:
            count += self._insert(table, types, batch)
        return count

    def _insert(
        self, table: str, types: list[tuple[str, Any]], batch: list[tuple[Any, ...]]
    ) -> int:
        # Typed arrays: pyarrow need not guess each column's type from its values.
        arrays = [
            self._pyarrow.array(values, type=kind)
            for values, (_, kind) in zip(zip(*batch, strict=True), types, strict=True)
        ]
        arrow = self._pyarrow.table(arrays, names=[name for name, _ in types])
        self._connection.register("incoming", arrow)
        try:
            self._connection.execute(f"INSERT INTO {table} SELECT * FROM incoming")
        finally:
            self._connection.unregister("incoming")
        return len(batch)
