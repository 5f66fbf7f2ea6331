"""The whole order cycle through orderkit against the same transactions written by hand.

One order of three lines goes place → confirm → authorise → capture →
start_picking → pack → ship → deliver through orderkit's public API, and
through :mod:`_hand_written_cycle` (the same ten transactions in plain
``sqlite3`` or psycopg, writing the same rows to the same tables and
indexes). The two sides take turns in chunks of orders in one run; each
side's rate is its median chunk, so a slow moment of the disk or the server
falls on both.

Measured:

- ``cycle.sqlite``: on SQLite files (WAL, ``synchronous=NORMAL``), the ratio
  (target at least 0.33: within 3x of the hand-written transactions);
- ``cycle.postgres``: the same against psycopg on PostgreSQL, when
  ``ORDERKIT_TEST_POSTGRES_URL`` names a server;
- ``cycle.memory_vs_sqlite``: the in-memory store against the SQLite store
  (at least 1: the store for notebooks must not be the slow one);
- ``cycle.memory_ms_per_order_at_N``: the memory store's cost per order as it
  grows to ``ORDERKIT_BENCH_MEMORY_ORDERS`` orders (100,000 unless set); it
  must stay flat;
- ``cycle.sqlite_statements``: statements per cycle, orderkit's and the
  hand-written side's;
- ``cycle.orders_get_cold``: ``orders.get(number)`` on a store opened
  afresh (nothing cached) against the same query plus ``json.loads`` in plain
  ``sqlite3``; ``cycle.orders_get_warm``: the same once the store has read them;
- ``cycle.orders_find_page_cold``: twenty pages of one day's orders (newest
  first, 20 a page) on a store opened afresh, against the hand-written query
  reading each page's documents.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from _hand_written_cycle import POSTGRES, SQLITE, T0, HandWrittenShop
from _timing import in_turns

import orderkit as ok
from orderkit.adapters.gateways.sandbox_cards import TestCardGateway

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SKUS = [f"SKU-{n:03d}" for n in range(50)]
CHUNK = 25
CHUNKS = 12
ADDRESS = ok.Address(name="A", line1="Str 1", city="Berlin", postal_code="10115", country="DE")


def _lines(serial: int) -> list[tuple[str, int]]:
    return [(SKUS[serial % 50], 1), (SKUS[(serial + 1) % 50], 2), (SKUS[(serial + 2) % 50], 1)]


def open_shop(url: str, gateway: TestCardGateway) -> ok.Shop:
    """A shop with 50 products in stock in one warehouse and one customer."""
    shop = ok.Shop.open(url, clock=ok.ManualClock(T0), seed=1, gateways=[gateway])
    shop.inventory.add_warehouse(
        ok.Warehouse(
            "BER",
            "Berlin",
            ok.Address(
                name="Hub", line1="Lagerweg 1", city="Berlin", postal_code="10115", country="DE"
            ),
        )
    )
    shop.catalog.add_many([ok.Product(sku=s, name=s, price=ok.Money("9.99", "EUR")) for s in SKUS])
    for sku in SKUS:
        shop.inventory.receive(sku, "BER", 10**8)
    shop.customers.register("a@example.com", "A", addresses=[ADDRESS])
    return shop


def orderkit_cycle(shop: ok.Shop, serial: int) -> None:
    """One order from placement to delivery through the public API."""
    order = shop.orders.place("a@example.com", _lines(serial))
    order = shop.orders.confirm(order.number)
    payment = shop.payments.authorise(
        order.id, order.grand_total, "4242424242424242", key=f"auth-{serial}"
    )
    shop.payments.capture(payment.id, key=f"capture-{serial}")
    for command in ("start_picking", "pack", "ship", "deliver"):
        shop.orders.apply(order.number, command)


def interleaved(
    name: str, ours: Callable[[int], object], theirs: Callable[[int], object]
) -> dict[str, Any]:
    """Both sides take turns a chunk of orders at a time; each rate is from the median chunk."""

    def chunk_of(cycle: Callable[[int], object]) -> Callable[[int], None]:
        def run(number: int) -> None:
            for serial in range(number * CHUNK, (number + 1) * CHUNK):
                cycle(serial)

        return run

    return in_turns(
        name, chunk_of(ours), chunk_of(theirs), rounds=CHUNKS, operations=CHUNK, unit="orders/s"
    )


def _sqlite(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    return db


def run() -> Iterator[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as folder:
        yield from _on_sqlite(Path(folder))
    url = os.environ.get("ORDERKIT_TEST_POSTGRES_URL")
    if url:
        yield from _on_postgres(url)
    else:
        print("cycle.postgres skipped: ORDERKIT_TEST_POSTGRES_URL is not set", file=sys.stderr)
    yield from _memory_growth(int(os.environ.get("ORDERKIT_BENCH_MEMORY_ORDERS", "100000")))


def _on_sqlite(folder: Path) -> Iterator[dict[str, Any]]:
    gateway = TestCardGateway()
    shop = open_shop(f"sqlite:///{folder / 'orderkit.db'}", gateway)
    open_shop(f"sqlite:///{folder / 'bare.db'}", TestCardGateway()).close()
    bare = HandWrittenShop(_sqlite(folder / "bare.db"), SQLITE, gateway)
    memory = open_shop("memory://", gateway)
    for serial in range(-50, 0):  # warm both up
        orderkit_cycle(shop, serial)
        bare.cycle(serial, _lines(serial))
    sqlite_vs_bare = interleaved(
        "cycle.sqlite",
        lambda serial: orderkit_cycle(shop, serial),
        lambda serial: bare.cycle(serial, _lines(serial)),
    )
    yield {**sqlite_vs_bare, "target": 0.33}
    yield {
        **interleaved(
            "cycle.memory_vs_sqlite",
            lambda serial: orderkit_cycle(memory, 10**6 + serial),
            lambda serial: orderkit_cycle(shop, 10**6 + serial),
        ),
        "target": 1.0,
    }
    yield _statements(shop, bare)
    yield from _reads(shop, folder / "orderkit.db")
    shop.close()
    memory.close()
    bare.db.close()


def _statements(shop: ok.Shop, bare: HandWrittenShop) -> dict[str, Any]:
    connection = shop.store._connection  # type: ignore[attr-defined]
    seen: list[str] = []
    connection.set_trace_callback(seen.append)
    orderkit_cycle(shop, 10**7)
    connection.set_trace_callback(None)
    before = bare.statements
    bare.cycle(10**7, _lines(0))
    return {
        "name": "cycle.sqlite_statements",
        "value": len(seen),
        "unit": "statements per order",
        "baseline": bare.statements - before,
    }


def _reads(shop: ok.Shop, path: Path) -> Iterator[dict[str, Any]]:
    db = _sqlite(path)
    numbers = [order.number for order in shop.orders.list()][-2000:]
    half = len(numbers) // 2
    ours_numbers, their_numbers = numbers[:half], numbers[half:]
    fresh: list[ok.Shop] = []

    def cold() -> None:  # a store opened afresh: nothing is cached
        fresh.append(ok.Shop.open(f"sqlite:///{path}"))

    def ours() -> None:
        for number in ours_numbers:
            fresh[-1].orders.get(number)

    def warm() -> None:
        for number in ours_numbers:
            shop.orders.get(number)

    def theirs() -> None:
        for number in their_numbers:
            json.loads(
                db.execute("SELECT document FROM orders WHERE number = ?", (number,)).fetchone()[0]
            )

    operations = min(len(ours_numbers), len(their_numbers))
    yield _rates("cycle.orders_get_cold", ours, theirs, operations, before=cold)
    warm()
    yield _rates("cycle.orders_get_warm", warm, theirs, operations)

    day = {"placed_from": T0, "placed_until": T0 + timedelta(days=1)}
    pages = 20

    def find_pages() -> None:
        cursor = None
        for _ in range(pages):
            page = fresh[-1].orders.find(limit=20, cursor=cursor, **day)
            cursor = page.next_cursor

    def hand_written_pages() -> None:
        last = None
        for _ in range(pages):
            rows = db.execute(
                "SELECT number, document FROM orders WHERE placed_at >= ? AND placed_at < ? "
                "AND number < ? ORDER BY number DESC LIMIT 20",
                (
                    T0.isoformat(timespec="microseconds"),
                    (T0 + timedelta(days=1)).isoformat(timespec="microseconds"),
                    last if last is not None else 2**62,
                ),
            ).fetchall()
            for _, document in rows:
                json.loads(document)
            last = rows[-1][0]

    yield _rates("cycle.orders_find_page_cold", find_pages, hand_written_pages, pages, before=cold)
    for opened in fresh:
        opened.close()
    db.close()


def _rates(
    name: str,
    ours: Callable[[], object],
    theirs: Callable[[], object],
    operations: int,
    *,
    before: Callable[[], object] = lambda: None,
) -> dict[str, Any]:
    """Both sides in turns, seven times; ``before`` runs untimed before each of ours."""
    return in_turns(
        name,
        lambda _: ours(),
        lambda _: theirs(),
        rounds=7,
        operations=operations,
        unit="reads/s",
        before=before,
    )


def _on_postgres(url: str) -> Iterator[dict[str, Any]]:
    import psycopg
    from tests.postgres import fresh_schema

    with fresh_schema(url) as ours_url, fresh_schema(url) as bare_url:
        gateway = TestCardGateway()
        shop = open_shop(ours_url, gateway)
        open_shop(bare_url, TestCardGateway()).close()
        connection = psycopg.connect(bare_url, autocommit=True)
        bare = HandWrittenShop(connection, POSTGRES, gateway)
        for serial in range(-50, 0):
            orderkit_cycle(shop, serial)
            bare.cycle(serial, _lines(serial))
        yield {
            **interleaved(
                "cycle.postgres",
                lambda serial: orderkit_cycle(shop, serial),
                lambda serial: bare.cycle(serial, _lines(serial)),
            ),
            "target": 0.33,
        }
        shop.close()
        connection.close()


def _memory_growth(orders: int) -> Iterator[dict[str, Any]]:
    shop = open_shop("memory://", TestCardGateway())
    marks = sorted(mark for mark in {1_000, 10_000, orders} if mark <= orders)
    done = 0
    for mark in marks:
        while done < mark - 200:
            orderkit_cycle(shop, done)
            done += 1
        began = time.perf_counter()
        while done < mark:
            orderkit_cycle(shop, done)
            done += 1
        yield {
            "name": f"cycle.memory_ms_per_order_at_{mark}",
            "value": round((time.perf_counter() - began) / 200 * 1000, 3),
            "unit": "ms/order",
        }
    shop.close()
