"""Reservations per second through orderkit against the bare SQL transaction doing the same.

The bare side is the least a correct reservation needs on SQLite: BEGIN
IMMEDIATE, a conditional UPDATE of the stock row (reserved + q only if
on_hand - reserved >= q), an INSERT into a movement ledger, COMMIT. Both sides
run side by side in one process on files in one folder with the same settings
(WAL, synchronous=NORMAL). Also measured: the batch API against the bare SQL
doing many reservations in one transaction, orderkit against bare SQL that
also writes the reservation row and its outbox event (what orderkit records;
target at least 0.5) in simple tables of its own and in orderkit's own tables
with their indexes and constraints, and four processes contending for ten hot
SKUs (throughput and the oversell count, which must be 0).

The comparisons with a target take turns in rounds of 50 and report each
side's median round, as the cycle benchmark does, so the WAL checkpoints that
fall on both sides count as they do in use; the same comparison by best round
(which leaves those rounds out) is printed beside it.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import random
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _timing import compare, in_turns

import orderkit as ok
from orderkit.errors import InsufficientStock

T0 = datetime(2026, 1, 1, tzinfo=UTC)
SKUS = [f"SKU-{n:03d}" for n in range(200)]
HOT = SKUS[:10]
BATCH = 200
ROUNDS = 40
PER_ROUND = 50


def _shop(path: Path) -> ok.Shop:
    shop = ok.Shop.open(f"sqlite:///{path}", clock=ok.ManualClock(T0), seed=1)
    shop.inventory.add_warehouse(
        ok.Warehouse(
            "BER",
            "Berlin",
            ok.Address(
                name="Hub", line1="Lagerweg 1", city="Berlin", postal_code="10115", country="DE"
            ),
        )
    )
    shop.catalog.add_many([ok.Product(sku=s, name=s, price=ok.Money(1, "EUR")) for s in SKUS])
    for sku in SKUS:
        shop.inventory.receive(sku, "BER", 10**8)
    return shop


def _bare(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute(
        "CREATE TABLE stock (sku TEXT, warehouse TEXT, on_hand INTEGER, reserved INTEGER, "
        "PRIMARY KEY (sku, warehouse))"
    )
    db.execute(
        "CREATE TABLE ledger (id INTEGER PRIMARY KEY, sku TEXT, warehouse TEXT, "
        "quantity INTEGER, document TEXT, at TEXT)"
    )
    db.executemany("INSERT INTO stock VALUES (?, 'BER', ?, 0)", [(s, 10**8) for s in SKUS])
    return db


def _same_writes(path: Path) -> sqlite3.Connection:
    """Bare SQL that also writes what an orderkit reservation records: the row, the event."""
    db = _bare(path)
    db.execute(
        "CREATE TABLE reservations (id TEXT PRIMARY KEY, document TEXT, status TEXT, "
        "priority INTEGER, created_at TEXT, backordered INTEGER, expires_at TEXT, "
        "version INTEGER, body TEXT)"
    )
    db.execute("CREATE INDEX reservations_document ON reservations (document)")
    db.execute("CREATE INDEX ledger_level ON ledger (sku, warehouse)")
    db.execute(
        "CREATE TABLE outbox (position INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT UNIQUE, "
        "event_type TEXT, aggregate_type TEXT, aggregate_id TEXT, occurred_at TEXT, "
        "payload TEXT, published_at TEXT)"
    )
    db.execute("CREATE INDEX outbox_pending ON outbox (position) WHERE published_at IS NULL")
    return db


_BODY = json.dumps(
    {
        "id": "0" * 26,
        "document": "order:0",
        "created_at": "2026-01-01T00:00:00+00:00",
        "lines": [{"sku": "SKU-000", "warehouse": "BER", "quantity": 1, "backordered": 0}],
        "expires_at": None,
        "priority": 100,
        "status": "active",
        "version": 1,
    }
)


def _same_writes_reserve(db: sqlite3.Connection, sku: str, serial: int) -> None:
    _bare_reserve(db, sku, f"order:{serial}")
    db.execute(
        "INSERT INTO reservations VALUES (?, ?, 'active', 100, ?, 0, NULL, 1, ?)",
        (f"R{serial:025d}", f"order:{serial}", "2026-01-01T00:00:00.000000+00:00", _BODY),
    )
    db.execute(
        "INSERT INTO outbox (event_id, event_type, aggregate_type, aggregate_id, occurred_at, "
        "payload) VALUES (?, 'StockReserved', 'reservation', ?, ?, ?)",
        (f"E{serial:025d}", f"R{serial:025d}", "2026-01-01T00:00:00.000000+00:00", _BODY),
    )


def _orderkit_schema(path: Path) -> sqlite3.Connection:
    """Bare SQL on orderkit's own tables and indexes (made, and stocked, by orderkit)."""
    _shop(path).close()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    return db


def _same_schema_reserve(db: sqlite3.Connection, sku: str, serial: int) -> None:
    """What an orderkit reservation writes, row for row, in orderkit's tables."""
    at = "2026-01-01T00:00:00.000000+00:00"
    changed = db.execute(
        "UPDATE stock_levels SET reserved = reserved + 1 WHERE sku = ? AND warehouse = 'BER' "
        "AND reserved + 1 <= on_hand",
        (sku,),
    ).rowcount
    if changed != 1:
        raise RuntimeError("out of stock")
    db.execute(
        "INSERT INTO stock_movements (sku, warehouse, kind, on_hand_delta, reserved_delta, "
        "backordered_delta, document, reason, occurred_at) "
        "VALUES (?, 'BER', 'reserve', 0, 1, 0, ?, NULL, ?)",
        (sku, f"order:{serial}", at),
    )
    db.execute(
        "INSERT INTO reservations (id, document, status, priority, created_at, backordered, "
        "expires_at, version, body) VALUES (?, ?, 'active', 100, ?, 0, NULL, 1, ?)",
        (f"R{serial:025d}", f"order:{serial}", at, _BODY),
    )
    db.execute(
        "INSERT INTO outbox (event_id, event_type, aggregate_type, aggregate_id, occurred_at, "
        "payload) VALUES (?, 'StockReserved', 'reservation', ?, ?, ?)",
        (f"E{serial:025d}", f"R{serial:025d}", at, _BODY),
    )


def _bare_reserve(db: sqlite3.Connection, sku: str, document: str) -> None:
    changed = db.execute(
        "UPDATE stock SET reserved = reserved + 1 WHERE sku = ? AND warehouse = 'BER' "
        "AND on_hand - reserved >= 1",
        (sku,),
    ).rowcount
    if changed != 1:
        raise RuntimeError("out of stock")
    db.execute(
        "INSERT INTO ledger (sku, warehouse, quantity, document, at) VALUES (?, 'BER', 1, ?, ?)",
        (sku, document, "2026-01-01T00:00:00.000000+00:00"),
    )


def run() -> Iterator[dict[str, Any]]:
    rng = random.Random(7)
    picks = [rng.choice(SKUS) for _ in range(BATCH)]
    with tempfile.TemporaryDirectory() as folder:
        shop = _shop(Path(folder) / "orderkit.db")
        db = _bare(Path(folder) / "bare.db")

        def orderkit_single() -> None:
            for index, sku in enumerate(picks):
                shop.reservations.reserve(f"order:{index}", [(sku, 1)], warehouse="BER")

        def bare_single() -> None:
            for index, sku in enumerate(picks):
                db.execute("BEGIN IMMEDIATE")
                _bare_reserve(db, sku, f"order:{index}")
                db.execute("COMMIT")

        requests = [
            ok.ReservationRequest(f"order:{i}", [(sku, 1)], warehouse="BER")
            for i, sku in enumerate(picks)
        ]

        def orderkit_batch() -> None:
            shop.reservations.reserve_many(requests)

        def bare_batch() -> None:
            db.execute("BEGIN IMMEDIATE")
            for index, sku in enumerate(picks):
                _bare_reserve(db, sku, f"order:{index}")
            db.execute("COMMIT")

        same = _same_writes(Path(folder) / "same.db")
        serials = itertools.count()

        def same_writes_single() -> None:
            for sku in picks:
                same.execute("BEGIN IMMEDIATE")
                _same_writes_reserve(same, sku, next(serials))
                same.execute("COMMIT")

        schema = _orderkit_schema(Path(folder) / "schema.db")

        single = compare("inventory.reserve_single", orderkit_single, bare_single, BATCH)
        # The comparisons with a target take turns in rounds, each side's rate
        # from its median round (as the cycle benchmark does): a slow moment of
        # the disk falls on both, and a few slow rounds do not move the result.
        rounds = [[rng.choice(SKUS) for _ in range(PER_ROUND)] for _ in range(ROUNDS)]

        def orderkit_round(number: int) -> None:
            for index, sku in enumerate(rounds[number]):
                shop.reservations.reserve(f"round:{number}:{index}", [(sku, 1)], warehouse="BER")

        def bare_round(db: sqlite3.Connection, writes: Any) -> Any:
            def run(number: int) -> None:
                for sku in rounds[number]:
                    db.execute("BEGIN IMMEDIATE")
                    writes(db, sku, next(serials))
                    db.execute("COMMIT")

            return run

        # The same rows in orderkit's own tables, with its indexes and constraints.
        same_schema = in_turns(
            "inventory.reserve_single_vs_bare_sql_same_writes_same_tables",
            orderkit_round,
            bare_round(schema, _same_schema_reserve),
            rounds=ROUNDS,
            operations=PER_ROUND,
            unit="reservations/s",
        )
        # The same comparison by the older method, best round of each side: it
        # leaves out the rounds a WAL checkpoint fell in, which cost both sides alike.
        best_of_rounds = compare(
            "inventory.reserve_single_vs_bare_sql_with_the_same_writes_best_rounds",
            orderkit_single,
            same_writes_single,
            BATCH,
        )
        # The same rows in simple tables of the bare side's own.
        like_for_like = in_turns(
            "inventory.reserve_single_vs_bare_sql_with_the_same_writes",
            orderkit_round,
            bare_round(same, _same_writes_reserve),
            rounds=ROUNDS,
            operations=PER_ROUND,
            unit="reservations/s",
        )
        # The ceiling for anything that records what orderkit records: the
        # same writes in bare SQL, with no Python at all, against the minimum.
        ceiling = compare(
            "inventory.ceiling_bare_sql_with_the_same_writes_vs_minimum",
            same_writes_single,
            bare_single,
            BATCH,
        )
        batch = compare("inventory.reserve_batch", orderkit_batch, bare_batch, BATCH)
        yield {**single, "unit": "reservations/s"}
        yield {**batch, "unit": "reservations/s"}
        yield {**like_for_like, "target": 0.5}
        yield {**best_of_rounds, "unit": "reservations/s"}
        yield {**same_schema, "target": 0.5}
        yield {**ceiling, "unit": "reservations/s"}
        shop.close()
        db.close()
        same.close()
        schema.close()
    yield from _contention()


def _contend(args: tuple[str, int, Any]) -> tuple[int, int, float]:
    path, seed, start = args
    rng = random.Random(seed)
    granted = refused = 0
    with ok.Shop.open(f"sqlite:///{path}") as shop:
        start.wait()
        began = time.perf_counter()
        for attempt in range(400):
            try:
                shop.reservations.reserve(f"o{seed}-{attempt}", [(rng.choice(HOT), 1)])
            except InsufficientStock:
                refused += 1
            else:
                granted += 1
        return granted, refused, time.perf_counter() - began


def _contention() -> Iterator[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "hot.db"
        with ok.Shop.open(f"sqlite:///{path}") as shop:
            shop.inventory.add_warehouse(
                ok.Warehouse(
                    "BER",
                    "Berlin",
                    ok.Address(
                        name="Hub",
                        line1="Lagerweg 1",
                        city="Berlin",
                        postal_code="10115",
                        country="DE",
                    ),
                )
            )
            shop.catalog.add_many(
                [ok.Product(sku=s, name=s, price=ok.Money(1, "EUR")) for s in HOT]
            )
            for sku in HOT:
                shop.inventory.receive(sku, "BER", 100)  # 1000 units for 1600 attempts
        context = multiprocessing.get_context("spawn")
        with context.Manager() as manager, context.Pool(4) as pool:
            start = manager.Barrier(4)
            results = pool.map(_contend, [(str(path), seed, start) for seed in range(4)])
        granted = sum(r[0] for r in results)
        elapsed = max(r[2] for r in results)
        with ok.Shop.open(f"sqlite:///{path}") as shop:
            levels = shop.inventory.levels()
            oversold = sum(max(level.reserved - level.on_hand, 0) for level in levels)
            reserved = sum(level.reserved for level in levels)
        yield {
            "name": "inventory.contention_4_processes_10_hot_skus",
            "value": round((granted + sum(r[1] for r in results)) / elapsed, 1),
            "unit": "attempts/s",
        }
        yield {
            "name": "inventory.contention_oversold_units",
            "value": oversold + abs(reserved - granted),
            "unit": "units",
        }
