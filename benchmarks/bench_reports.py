"""Reports over a large sales ledger, against the same questions asked by hand.

A synthetic ledger of ``ORDERKIT_BENCH_REPORT_LINES`` order lines (1,000,000
unless set; about 2.5 ledger rows per line: sales, discounts, tax, shipping,
orders and some returns) over one year is written once per database through
orderkit's own ledger, so both sides read the same rows with the same indexes.

Measured:

- ``reports.sqlite.<report>`` / ``reports.postgres.<report>``: a breakdown
  through ``shop.reports`` (SQL push-down) against a hand-written ``GROUP BY``
  answering the same question on the same database; the ratio is orderkit's
  time over the hand-written one (target at most 1.5);
- ``reports.python.top_products``: the pure-Python engine against a
  hand-written dict loop over the same rows in memory (target at most 2);
- ``reports.sqlite.growth``: the top-products push-down's time per ledger row
  at a tenth of the lines and at all of them (at most 1.5: linear or better);
- ``reports.duckdb.<report>``: the same breakdowns through the DuckDB engine
  (a copy of the SQLite ledger in DuckDB) against the hand-written ``GROUP BY``
  in bare DuckDB over the same tables (target at most 2);
  ``reports.duckdb_vs_sqlite.<report>``: the DuckDB engine's time over the
  SQLite push-down's, and ``reports.duckdb.copy``: copying the ledger;
- ``reports.ledger_cost_on_place``: placing orders with the ledger booked,
  against the same shop placing without it (orders/s ratio).
"""

from __future__ import annotations

import os
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs

import orderkit as ok
from orderkit.adapters.duckdb import DuckDbLedger
from orderkit.reports import SaleKind, SaleRow, SalesQuery, sum_rows
from orderkit.reports.aggregation import product_facts

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

START = datetime(2025, 1, 1, tzinfo=UTC)
SKUS = [f"SKU-{n:04d}" for n in range(2000)]
BRANDS = [f"Brand {n}" for n in range(40)]
COUNTRIES = ["DE", "FR", "AT", "NL", "IT", "ES", "PL", "BE"]
CHANNELS = ["web", "marketplace", "pos", "phone"]


def _products() -> list[ok.Product]:
    rng = random.Random(7)
    return [
        ok.Product(
            sku=sku,
            name=sku,
            price=ok.Money(f"{rng.randint(300, 9000) / 100:.2f}", "EUR"),
            brand=BRANDS[n % len(BRANDS)],
            category=f"Category {n % 12}",
            cost=ok.Money(f"{rng.randint(100, 2500) / 100:.2f}", "EUR"),
        )
        for n, sku in enumerate(SKUS)
    ]


def _bookings(lines: int, seed: int = 1) -> Iterator[list[SaleRow]]:
    """Orders of one to five lines over 2025, each with its rows; one in twenty has a return."""
    rng = random.Random(seed)
    prices = {p.sku: p.price.minor_units for p in _products()}
    written = number = 0
    span = 365 * 86_400
    while written < lines:
        number += 1
        order_id = f"O{number:09d}"
        at = START + timedelta(seconds=int(span * written / lines) + rng.randint(0, 59))
        facts = {
            "order_id": order_id,
            "order_number": number,
            "currency": "EUR",
            "booked_at": at,
            "placed_at": at,
            "channel": rng.choice(CHANNELS),
            "customer_id": f"C{rng.randint(1, 50_000):06d}",
            "ship_country": rng.choice(COUNTRIES),
            "bill_country": "DE",
            "batch": order_id,
        }
        rows = [SaleRow(sku="", kind=SaleKind.ORDER, units=1, amount=0, **facts)]
        rows.append(SaleRow(sku="", kind=SaleKind.SHIPPING, units=0, amount=490, **facts))
        for sku in rng.sample(SKUS, rng.randint(1, 5)):
            units = rng.randint(1, 3)
            gross = prices[sku] * units
            rows.append(SaleRow(sku=sku, kind=SaleKind.SALE, units=units, amount=gross, **facts))
            rows.append(
                SaleRow(sku=sku, kind=SaleKind.TAX, units=0, amount=gross * 19 // 100, **facts)
            )
            if rng.random() < 0.2:
                rows.append(
                    SaleRow(sku=sku, kind=SaleKind.DISCOUNT, units=0, amount=-gross // 10, **facts)
                )
            if rng.random() < 0.05:
                later = {**facts, "booked_at": at + timedelta(days=9), "batch": order_id + "r"}
                rows.append(
                    SaleRow(sku=sku, kind=SaleKind.RETURN, units=-1, amount=-prices[sku], **later)
                )
            written += 1
        yield rows


def _fill(shop: ok.Shop, lines: int) -> int:
    shop.catalog.add_many(_products())
    batch: list[SaleRow] = []
    count = 0
    for rows in _bookings(lines):
        batch += rows
        if len(batch) >= 20_000:
            count += _append(shop, batch)
            batch = []
    return count + _append(shop, batch)


def _append(shop: ok.Shop, rows: list[SaleRow]) -> int:
    with shop.store.unit_of_work() as uow:
        uow.sales.append(rows)
        uow.commit()
    return len(rows)


# -- the questions, asked by hand -----------------------------------------------------------
# Each computes what the report shows: gross, discounts, returns, net, shipping,
# taxes, total sales, units and orders per group (and the cost for products).


def _case(kinds: str, column: str = "amount_minor", prefix: str = "") -> str:
    return f"SUM(CASE WHEN {prefix}kind IN ({kinds}) THEN {prefix}{column} ELSE 0 END)"


def _figures(prefix: str = "", orders: str = "") -> str:
    goods = "'sale', 'discount', 'return', 'cancellation'"
    return ", ".join(
        [
            _case("'sale'", prefix=prefix),
            "-" + _case("'discount'", prefix=prefix),
            "-" + _case("'return', 'cancellation'", prefix=prefix),
            _case(goods, prefix=prefix) + " AS net",
            _case("'shipping'", prefix=prefix),
            _case("'tax', 'tax_included'", prefix=prefix),
            _case(goods + ", 'shipping', 'tax'", prefix=prefix),
            _case("'sale', 'return', 'cancellation'", "units", prefix),
            orders or _case("'order'", "units", prefix),
        ]
    )


_WHERE = "WHERE booked_at >= :start AND booked_at < :end"
_DISTINCT = "COUNT(DISTINCT CASE WHEN {p}kind = 'sale' THEN {p}order_id END)"

HAND_WRITTEN: dict[str, str] = {
    "top_products": (
        f"SELECT l.sku, l.currency, {_figures('l.', _DISTINCT.format(p='l.'))}, "
        "SUM(CASE WHEN l.kind IN ('sale', 'return', 'cancellation') THEN l.units * p.cost_minor "
        "ELSE 0 END) FROM sales_ledger l LEFT JOIN products p ON p.sku = l.sku "
        "WHERE l.booked_at >= :start AND l.booked_at < :end AND l.sku <> '' "
        "GROUP BY l.sku, l.currency ORDER BY net DESC LIMIT 10"
    ),
    "top_brands": (
        f"SELECT p.brand, l.currency, {_figures('l.', _DISTINCT.format(p='l.'))}, "
        "SUM(CASE WHEN l.kind IN ('sale', 'return', 'cancellation') THEN l.units * p.cost_minor "
        "ELSE 0 END) FROM sales_ledger l LEFT JOIN products p ON p.sku = l.sku "
        "WHERE l.booked_at >= :start AND l.booked_at < :end AND l.sku <> '' "
        "GROUP BY p.brand, l.currency ORDER BY net DESC"
    ),
    "countries": (
        f"SELECT ship_country, currency, {_figures()} FROM sales_ledger {_WHERE} "
        "GROUP BY ship_country, currency ORDER BY net DESC"
    ),
    "channels": (
        f"SELECT channel, currency, {_figures()} FROM sales_ledger {_WHERE} "
        "GROUP BY channel, currency ORDER BY net DESC"
    ),
    "days": (
        f"SELECT booked_at / 86400, currency, {_figures()} FROM sales_ledger {_WHERE} "
        "GROUP BY 1, currency ORDER BY 1"
    ),
    "totals": f"SELECT currency, {_figures()} FROM sales_ledger {_WHERE} GROUP BY currency",
    # New, returning and repeat customers of the year: each customer's first
    # order ever and orders in the year, from the order rows.
    "customers": (
        "SELECT SUM(CASE WHEN n > 0 THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN n > 0 AND first < :start THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN n >= 2 THEN 1 ELSE 0 END), SUM(n) FROM ("
        "SELECT customer_id, MIN(placed_at) AS first, "
        "SUM(CASE WHEN placed_at >= :start THEN 1 ELSE 0 END) AS n FROM sales_ledger "
        "WHERE kind = 'order' AND booked_at < :end GROUP BY customer_id) AS c"
    ),
}

Engine = Any  # "auto" or an engine object

ORDERKIT: dict[str, Callable[[ok.Shop, Engine], object]] = {
    "top_products": lambda shop, e: shop.reports.top("product", period="2025", n=10, engine=e),
    "top_brands": lambda shop, e: shop.reports.breakdown("brand", period="2025", engine=e),
    "countries": lambda shop, e: shop.reports.breakdown("country", period="2025", engine=e),
    "channels": lambda shop, e: shop.reports.breakdown("channel", period="2025", engine=e),
    "days": lambda shop, e: shop.reports.breakdown("day", period="2025", engine=e),
    "totals": lambda shop, e: shop.reports.sales("2025", engine=e),
    "customers": lambda shop, e: shop.reports.customers("2025"),
}


STORE_ONLY = {"customers"}
"""Reports that run on the store whatever the engine (the DuckDB engine serves sales reports)."""


def _best(work: Callable[[], object], rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def _side_by_side(
    prefix: str,
    shop: ok.Shop,
    hand: Callable[[str], object],
    engine: Engine = "auto",
    target: float = 1.5,
) -> Iterator[dict[str, Any]]:
    for name, report in ORDERKIT.items():
        if engine != "auto" and name in STORE_ONLY:
            continue
        query = HAND_WRITTEN[name]
        ours = theirs = float("inf")
        for _ in range(3):  # in turns, so a slow moment falls on both
            ours = min(ours, _best(lambda report=report: report(shop, engine), 1))  # type: ignore[misc]
            theirs = min(theirs, _best(lambda query=query: hand(query), 1))  # type: ignore[misc]
        yield {
            "name": f"{prefix}.{name}",
            "value": round(ours * 1000, 1),
            "unit": "ms",
            "baseline": round(theirs * 1000, 1),
            "ratio": round(ours / theirs, 3),
            "target": target,
        }


_YEAR = {"start": int(START.timestamp()), "end": int(START.replace(year=2026).timestamp())}


def _on_sqlite(folder: Path, lines: int) -> Iterator[dict[str, Any]]:
    path = folder / "reports.db"
    shop = ok.Shop.open(f"sqlite:///{path}")
    rows = _fill(shop, lines)
    print(f"reports: {lines:,} lines, {rows:,} ledger rows on SQLite", file=sys.stderr)
    db = sqlite3.connect(path)

    def hand(query: str) -> object:
        return db.execute(query, _YEAR).fetchall()

    pushed = list(_side_by_side("reports.sqlite", shop, hand))
    yield from pushed
    yield from _duckdb(shop, rows, {line["name"].rsplit(".", 1)[1]: line for line in pushed})
    yield from _growth(folder, lines, shop, rows)
    yield _python_engine(shop)
    db.close()
    shop.close()


def _duckdb(
    shop: ok.Shop, rows: int, sqlite_lines: dict[str, dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    """The DuckDB engine over a copy of the SQLite ledger, against bare DuckDB and SQLite."""
    start = time.perf_counter()
    duck = DuckDbLedger.of_store(shop.store)
    copied = time.perf_counter() - start
    yield {
        "name": "reports.duckdb.copy",
        "value": round(copied, 2),
        "unit": f"s to copy {rows:,} ledger rows from SQLite",
    }
    connection = duck.connection

    def hand(query: str) -> object:
        # DuckDB's / divides to a fraction; // is the integer division SQLite's / does.
        sql = query.replace(" / 86400", " // 86400")
        sql = sql.replace(":start", "$start").replace(":end", "$end")
        return connection.execute(sql, _YEAR).fetchall()

    for line in _side_by_side("reports.duckdb", shop, hand, engine=duck, target=2.0):
        yield line
        name = line["name"].rsplit(".", 1)[1]
        sqlite_ms = sqlite_lines[name]["value"]
        yield {
            "name": f"reports.duckdb_vs_sqlite.{name}",
            "value": line["value"],
            "unit": "ms",
            "baseline": sqlite_ms,
            "ratio": round(line["value"] / sqlite_ms, 3),
        }
    duck.close()


def _growth(folder: Path, lines: int, large: ok.Shop, large_rows: int) -> Iterator[dict[str, Any]]:
    small = ok.Shop.open(f"sqlite:///{folder / 'small.db'}")
    small_rows = _fill(small, lines // 10)
    report = ORDERKIT["top_products"]
    per_row_small = _best(lambda: report(small, "auto")) / small_rows
    per_row_large = _best(lambda: report(large, "auto")) / large_rows
    small.close()
    yield {
        "name": "reports.sqlite.growth",
        "value": round(per_row_large * 1e9, 1),
        "unit": "ns per ledger row at all lines",
        "baseline": round(per_row_small * 1e9, 1),
        "ratio": round(per_row_large / per_row_small, 3),
        "target": 1.5,
    }


def _python_engine(shop: ok.Shop) -> dict[str, Any]:
    """The pure-Python engine and a dict loop over the same rows (a quarter's, in memory)."""
    start, end = START, START + timedelta(days=91)
    rows = list(shop.reports.ledger("2025-Q1"))
    products = product_facts(shop.catalog.list())
    query = SalesQuery(start=start, end=end, group="sku")
    goods = {SaleKind.SALE, SaleKind.RETURN, SaleKind.CANCELLATION}
    costs = {sku: facts.cost for sku, facts in products.items()}

    def by_hand() -> object:
        """The same sums: units and amounts per kind, orders and cost per SKU."""
        amounts: dict[tuple[str, str, SaleKind], int] = {}
        units: dict[tuple[str, str, SaleKind], int] = {}
        orders: dict[tuple[str, str], set[str]] = {}
        cost: dict[tuple[str, str], int] = {}
        for row in rows:
            if row.sku == "" or not start <= row.booked_at < end:
                continue
            key = (row.sku, row.currency, row.kind)
            amounts[key] = amounts.get(key, 0) + row.amount
            units[key] = units.get(key, 0) + row.units
            if row.kind is SaleKind.SALE:
                orders.setdefault(key[:2], set()).add(row.order_id)
            if row.kind in goods:
                cost[key[:2]] = cost.get(key[:2], 0) + row.units * (costs.get(row.sku) or 0)
        return amounts, units, orders, cost

    def engine() -> object:
        return sum_rows(rows, query, products)

    ours = theirs = float("inf")
    for _ in range(3):
        ours = min(ours, _best(engine, 1))
        theirs = min(theirs, _best(by_hand, 1))
    return {
        "name": "reports.python.top_products",
        "value": round(ours * 1000, 1),
        "unit": f"ms for {len(rows):,} rows",
        "baseline": round(theirs * 1000, 1),
        "ratio": round(ours / theirs, 3),
        "target": 2.0,
    }


def _on_postgres(url: str, lines: int) -> Iterator[dict[str, Any]]:
    import psycopg
    from tests.postgres import fresh_schema

    with fresh_schema(url) as schema_url:
        shop = ok.Shop.open(schema_url)
        rows = _fill(shop, lines)
        print(f"reports: {rows:,} ledger rows on PostgreSQL", file=sys.stderr)
        with psycopg.connect(schema_url, autocommit=True) as db:
            db.execute("ANALYZE")

            def hand(query: str) -> object:
                sql = query.replace(":start", "%(start)s").replace(":end", "%(end)s")
                return db.execute(sql, _YEAR).fetchall()

            yield from _side_by_side("reports.postgres", shop, hand)
        shop.close()


def _ledger_cost() -> dict[str, Any]:
    """Placing orders with the ledger booked, against the same shop without booking."""
    from bench_cycle import open_shop  # the cycle benchmark's shop: 50 products

    from orderkit.adapters.gateways.sandbox_cards import TestCardGateway

    with tempfile.TemporaryDirectory() as folder:
        booked = open_shop(f"sqlite:///{folder}/with.db", TestCardGateway())
        plain = open_shop(f"sqlite:///{folder}/without.db", TestCardGateway())
        # The shop as it would be without the booking wrapper: its raw store.
        plain.context = attrs.evolve(plain.context, store=plain.store)
        plain._compose(plain.context)

        def place(shop: ok.Shop, count: int) -> Callable[[], object]:
            return lambda: [
                shop.orders.place("a@example.com", [("SKU-001", 1), ("SKU-002", 2)])
                for _ in range(count)
            ]

        ours = theirs = 0.0
        for _ in range(5):
            ours = max(ours, 200 / _best(place(booked, 200), 1))
            theirs = max(theirs, 200 / _best(place(plain, 200), 1))
        booked.close()
        plain.close()
    return {
        "name": "reports.ledger_cost_on_place",
        "value": round(ours, 1),
        "unit": "orders/s with the ledger",
        "baseline": round(theirs, 1),
        "ratio": round(ours / theirs, 3),
    }


def run() -> Iterator[dict[str, Any]]:
    lines = int(os.environ.get("ORDERKIT_BENCH_REPORT_LINES", "1000000"))
    with tempfile.TemporaryDirectory() as folder:
        yield from _on_sqlite(Path(folder), lines)
    url = os.environ.get("ORDERKIT_TEST_POSTGRES_URL")
    if url:
        yield from _on_postgres(url, lines)
    else:
        print("reports.postgres skipped: ORDERKIT_TEST_POSTGRES_URL is not set", file=sys.stderr)
    yield _ledger_cost()
