"""Reservations per second on PostgreSQL: orderkit against the bare SQL transaction doing the same.

Reads the server from ``ORDERKIT_TEST_POSTGRES_URL``; each side gets a schema
of its own in that database, dropped afterwards. The bare transaction is what
an orderkit reservation writes, in hand-written SQL through psycopg with no
Python around it: a conditional UPDATE of the stock row (only if enough units
are free), a ledger row, the reservation row and its outbox event, with the
same tables and indexes.

Measured side by side on one connection each, the two sides taking turns
every 20 reservations so that the server's slow moments (checkpoints, commit
flushes) fall on both; then eight processes per side on ten hot SKUs with more
demand than stock, reporting throughput, the ratio and the oversold units
(which must be 0 on both sides; the best of two runs per side). For scale,
two more single-connection baselines: the minimal transaction (the update and
a ledger row), and a hand-written transaction that also makes the two reads
orderkit makes before it writes (the product, to refuse an unknown SKU and
expand kits; the warehouse, to refuse an inactive one).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orderkit as ok
from orderkit.errors import InsufficientStock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _timing import in_turns
from tests.postgres import URL_VARIABLE, fresh_schema

T0 = datetime(2026, 1, 1, tzinfo=UTC)
SKUS = [f"SKU-{n:03d}" for n in range(200)]
HOT = SKUS[:10]
CHUNKS = 60
PER_CHUNK = 20
PROCESSES = 8
HOT_STOCK = 300  # per hot SKU: 3,000 units for 8 x 500 attempts
ATTEMPTS = 500
ADDRESS = ok.Address(
    name="Hub", line1="Lagerweg 1", city="Berlin", postal_code="10115", country="DE"
)
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


def _stock_shop(url: str, skus: list[str], on_hand: int) -> None:
    with ok.Shop.open(url, clock=ok.ManualClock(T0), seed=1) as shop:
        shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", ADDRESS))
        shop.catalog.add_many([ok.Product(sku=s, name=s, price=ok.Money(1, "EUR")) for s in skus])
        for sku in skus:
            shop.inventory.receive(sku, "BER", on_hand)


class _Bare:
    """One psycopg connection reserving with hand-written SQL."""

    def __init__(self, url: str, *, same_writes: bool, same_reads: bool = False) -> None:
        import psycopg

        self.connection = psycopg.connect(url, autocommit=True)
        self.same_writes = same_writes
        self.same_reads = same_reads

    def reserve(self, sku: str) -> bool:
        connection = self.connection
        serial = uuid.uuid4().hex[:25]
        with connection.transaction():
            if self.same_reads:  # what orderkit reads first: the product, the warehouse
                connection.execute("SELECT document FROM products WHERE sku = %s", (sku,))
                connection.execute("SELECT document FROM warehouses WHERE code = 'BER'")
            changed = connection.execute(
                "UPDATE stock_levels SET reserved = reserved + 1 WHERE sku = %s "
                "AND warehouse = 'BER' AND on_hand - reserved >= 1 RETURNING reserved",
                (sku,),
            ).fetchone()
            if changed is None:
                return False
            connection.execute(
                "INSERT INTO stock_movements (sku, warehouse, kind, on_hand_delta, "
                "reserved_delta, backordered_delta, document, reason, occurred_at) "
                "VALUES (%s, 'BER', 'reserve', 0, 1, 0, %s, NULL, %s)",
                (sku, f"order:{serial}", T0),
            )
            if self.same_writes:
                connection.execute(
                    "INSERT INTO reservations (id, document, status, priority, created_at, "
                    "backordered, expires_at, version, body) "
                    "VALUES (%s, %s, 'active', 100, %s, 0, NULL, 1, %s)",
                    (f"R{serial}", f"order:{serial}", T0, _BODY),
                )
                connection.execute(
                    "INSERT INTO outbox (event_id, event_type, aggregate_type, aggregate_id, "
                    "occurred_at, payload) VALUES (%s, 'StockReserved', 'reservation', %s, %s, %s)",
                    (f"E{serial}", f"R{serial}", T0, _BODY),
                )
        return True


def _interleaved(
    name: str, ours: Callable[[str], object], theirs: Callable[[str], object]
) -> dict[str, Any]:
    """Both sides take turns every few operations, so a slow moment of the server hits both.

    Commit times on a server have a long tail (checkpoints, flushes); each side's
    rate is taken from its median time per chunk, which the tail does not move.
    """
    rng = random.Random(7)
    picks = [[rng.choice(SKUS) for _ in range(PER_CHUNK)] for _ in range(CHUNKS)]

    def chunk_of(reserve: Callable[[str], object]) -> Callable[[int], None]:
        def run(number: int) -> None:
            for sku in picks[number]:
                reserve(sku)

        return run

    return in_turns(
        name,
        chunk_of(ours),
        chunk_of(theirs),
        rounds=CHUNKS,
        operations=PER_CHUNK,
        unit="reservations/s",
    )


def run() -> Iterator[dict[str, Any]]:
    url = os.environ.get(URL_VARIABLE)
    if not url:
        raise SystemExit(f"set {URL_VARIABLE}=postgresql://user:password@host/database")
    with fresh_schema(url) as ours_url, fresh_schema(url) as bare_url:
        _stock_shop(ours_url, SKUS, 10**8)
        _stock_shop(bare_url, SKUS, 10**8)  # the same tables and indexes for the bare side
        shop = ok.Shop.open(ours_url, clock=ok.ManualClock(T0), seed=2)
        same = _Bare(bare_url, same_writes=True)
        minimal = _Bare(bare_url, same_writes=False)
        checked = _Bare(bare_url, same_writes=True, same_reads=True)
        counter = iter(range(10**9))

        def orderkit(sku: str) -> None:
            shop.reservations.reserve(f"order:{next(counter)}", [(sku, 1)], warehouse="BER")

        for _ in range(100):  # warm both up: pools, prepared statements
            orderkit(SKUS[0])
            same.reserve(SKUS[0])
        yield _interleaved("postgres.reserve_single_connection", orderkit, same.reserve)
        # For scale: the least a reservation needs (the update and a ledger row) ...
        yield _interleaved(
            "postgres.reserve_single_vs_minimal_transaction", orderkit, minimal.reserve
        )
        # ... and a hand-written transaction that also reads what orderkit reads first.
        yield {
            **_interleaved(
                "postgres.reserve_single_vs_bare_sql_with_the_same_reads", orderkit, checked.reserve
            ),
            "target": 0.7,
        }
        shop.close()
        for bare in (same, minimal, checked):
            bare.connection.close()
    yield from _contention(url)


def _contend(args: tuple[str, str, int, Any]) -> tuple[int, int, float]:
    side, url, seed, start = args
    rng = random.Random(seed)
    granted = refused = 0
    if side == "orderkit":
        shop = ok.Shop.open(url)

        def reserve(sku: str, attempt: int) -> bool:
            try:
                shop.reservations.reserve(f"o{seed}-{attempt}", [(sku, 1)], warehouse="BER")
            except InsufficientStock:
                return False
            return True

    else:
        bare = _Bare(url, same_writes=True)

        def reserve(sku: str, attempt: int) -> bool:
            return bare.reserve(sku)

    start.wait()
    began = time.perf_counter()
    for attempt in range(ATTEMPTS):
        if reserve(rng.choice(HOT), attempt):
            granted += 1
        else:
            refused += 1
    return granted, refused, time.perf_counter() - began


def _hot_run(side: str, url: str) -> tuple[float, int, int]:
    """Attempts per second of eight processes, units granted, units oversold."""
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, context.Pool(PROCESSES) as pool:
        start = manager.Barrier(PROCESSES)
        results = pool.map(_contend, [(side, url, seed, start) for seed in range(PROCESSES)])
    granted = sum(r[0] for r in results)
    attempts = sum(r[0] + r[1] for r in results)
    with ok.Shop.open(url) as shop:
        levels = shop.inventory.levels()
    reserved = sum(level.reserved for level in levels)
    oversold = sum(max(level.reserved - level.on_hand, 0) for level in levels)
    return attempts / max(r[2] for r in results), granted, oversold + abs(reserved - granted)


def _contention(url: str) -> Iterator[dict[str, Any]]:
    best: dict[str, float] = {"orderkit": 0.0, "bare": 0.0}
    oversold = {"orderkit": 0, "bare": 0}
    for _ in range(2):  # alternate, keep the best of each
        for side in ("orderkit", "bare"):
            with fresh_schema(url) as schema_url:
                _stock_shop(schema_url, HOT, HOT_STOCK)
                rate, _, over = _hot_run(side, schema_url)
            best[side] = max(best[side], rate)
            oversold[side] += over
    yield {
        "name": f"postgres.reserve_{PROCESSES}_connections_10_hot_skus",
        "value": round(best["orderkit"], 1),
        "unit": "attempts/s",
        "baseline": round(best["bare"], 1),
        "ratio": round(best["orderkit"] / best["bare"], 3),
    }
    yield {"name": "postgres.oversold_units", "value": oversold["orderkit"], "unit": "units"}
    yield {"name": "postgres.bare_oversold_units", "value": oversold["bare"], "unit": "units"}
