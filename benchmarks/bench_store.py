"""The storage foundation's overhead: units of work on SQLite against bare sqlite3.

Both sides use the same settings (WAL, synchronous=NORMAL) on a file in a
temporary folder and do the same work per transaction: BEGIN IMMEDIATE, bump
a counter with UPDATE ... RETURNING, append one outbox row, COMMIT.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _timing import compare, rate

import orderkit as ok
from orderkit.adapters.sqlite import SqliteStore
from orderkit.core.events import OutboxMessage

T0 = datetime(2026, 1, 1, tzinfo=UTC)
BATCH = 500


def run() -> Iterator[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as folder:
        store = SqliteStore(Path(folder) / "orderkit.db")
        bare = sqlite3.connect(Path(folder) / "orderkit.db", isolation_level=None)
        bare.execute("PRAGMA synchronous = NORMAL")
        counter = iter(range(10**9))

        def through_orderkit() -> None:
            for _ in range(BATCH):
                n = next(counter)
                with store.unit_of_work() as uow:
                    uow.sequences.next("bench")
                    uow.outbox.append(
                        OutboxMessage(
                            event_id=f"E{n}",
                            event_type="Bench",
                            aggregate_type="bench",
                            aggregate_id="B",
                            occurred_at=T0,
                            payload={"n": n},
                        )
                    )
                    uow.commit()

        def bare_sql() -> None:
            for _ in range(BATCH):
                n = next(counter)
                bare.execute("BEGIN IMMEDIATE")
                bare.execute(
                    "INSERT INTO sequences (name, value) VALUES ('bare', 1) ON CONFLICT (name) "
                    "DO UPDATE SET value = sequences.value + 1 RETURNING value"
                ).fetchone()
                bare.execute(
                    "INSERT INTO outbox (event_id, event_type, aggregate_type, aggregate_id, "
                    "occurred_at, payload) VALUES (?, 'Bench', 'bench', 'B', ?, ?)",
                    (f"E{n}", "2026-01-01T00:00:00.000000+00:00", f'{{"n":{n}}}'),
                )
                bare.execute("COMMIT")

        yield compare("store.sqlite_unit_of_work", through_orderkit, bare_sql, BATCH, rounds=3)
        bare.close()
        store.close()

    with tempfile.TemporaryDirectory() as folder:
        clock = ok.ManualClock(T0)
        shop = ok.Shop.open(f"sqlite:///{Path(folder) / 'shop.db'}", clock=clock, seed=1)
        shop.catalog.add_many(
            [
                ok.Product(sku=f"SKU-{i}", name=f"Item {i}", price=ok.Money("9.99", "EUR"))
                for i in range(50)
            ]
        )
        home = ok.Address(
            name="Ana", line1="Hauptstr. 1", city="Berlin", postal_code="10115", country="DE"
        )
        shop.customers.register("ana@example.com", "Ana", addresses=[home])
        lines = [("SKU-1", 2), ("SKU-7", 1), ("SKU-30", 3)]

        def place() -> None:
            for _ in range(200):
                shop.orders.place("ana@example.com", lines)

        yield {
            "name": "store.sqlite_place_order",
            "value": round(rate(place, 200, min_time=1.0), 1),
            "unit": "orders/s",
        }
        shop.close()
