"""Pick lists and box choice for a busy warehouse, against the same work written by hand.

A SQLite shop holds ``ORDERKIT_BENCH_PICK_ORDERS`` (10,000 unless set) open
orders in one warehouse, each with a shipment waiting to be picked; 200 SKUs
have bins, sizes and weights.

- ``fulfilment.pick_lists_cold`` and ``_warm``: ``shop.fulfilment.pick_lists``
  (priority by the default rules, batches of 20, bin order) on a store opened
  afresh, and on one that has read the shipments before, against a
  hand-written version on the same tables: one ``sqlite3`` query for the
  waiting shipments' records, a few for their orders, ``json.loads`` and the
  same sorting, batching and bin walk on plain tuples. Ratio: orderkit's rate
  over the hand-written one (target: at least 0.33).
- ``fulfilment.box_choice``: ``choose_boxes`` for 1,000 shipments' units
  against the same first-fit decreasing written on plain tuples.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from _timing import in_turns

import orderkit as ok
from orderkit.adapters.records.keys import encode_key
from orderkit.fulfillment import PackItem, choose_boxes

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
SKUS = [f"SKU-{n:03d}" for n in range(200)]
BOXES = [
    ok.Box("S", ok.Dimensions(320, 240, 160), max_weight_g=5_000, tare_g=150),
    ok.Box("M", ok.Dimensions(460, 360, 260), max_weight_g=15_000, tare_g=350),
    ok.Box("L", ok.Dimensions(650, 450, 360), max_weight_g=30_000, tare_g=700),
]
HOME = ok.Address(name="A", line1="Str 1", city="Berlin", postal_code="10115", country="DE")


def _size(n: int) -> ok.Dimensions:
    rng = random.Random(n)
    return ok.Dimensions(rng.randint(50, 300), rng.randint(40, 200), rng.randint(20, 150))


def _shop(path: Path, orders: int) -> ok.Shop:
    clock = ok.ManualClock(T0)
    shop = ok.Shop.open(f"sqlite:///{path}", clock=clock, seed=1)
    shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", HOME))
    shop.catalog.add_many(
        [
            ok.Product(
                sku=sku,
                name=sku,
                price=ok.Money("9.99", "EUR"),
                weight_g=100 + n * 7,
                dimensions=_size(n),
            )
            for n, sku in enumerate(SKUS)
        ]
    )
    for n, sku in enumerate(SKUS):
        shop.inventory.receive(sku, "BER", 10**7)
        shop.inventory.set_bin(sku, "BER", f"{chr(65 + n % 20)}-{n // 20:02d}")
    shop.customers.register("a@example.com", "A", addresses=[HOME])
    rng = random.Random(7)
    for _ in range(orders):
        clock.advance(timedelta(seconds=30))
        lines = [(sku, rng.randint(1, 3)) for sku in rng.sample(SKUS, rng.randint(1, 4))]
        order = shop.orders.place(
            "a@example.com",
            lines,
            payment_method="cash_on_delivery",
            tags=["vip"] if rng.random() < 0.05 else [],
        )
        shop.orders.confirm(order.number)
        shop.fulfilment.create_shipments(order.number)
    return shop


def _hand_written_pick_lists(db: sqlite3.Connection, now: datetime) -> list[list[str]]:
    """The same pick lists from the same tables, by hand."""
    waiting = [
        json.loads(body)["document"]
        for (body,) in db.execute(
            "SELECT r.body FROM records AS r JOIN records AS i ON i.name = 'shipments.state' "
            "AND r.name = 'shipments' AND i.record_key >= ? AND i.record_key < ? "
            "AND r.record_key = substr(i.record_key, ?)",
            (_state_low, _state_high, _state_prefix_length + 1),
        )
    ]
    waiting = [s for s in waiting if s["warehouse"] == "BER"]
    orders = {}
    ids = [s["order_id"] for s in waiting]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for order_id, document in db.execute(
            f"SELECT id, document FROM orders WHERE id IN ({marks})", chunk
        ):
            orders[order_id] = json.loads(document)
    bins = dict(db.execute("SELECT sku, bin FROM bin_locations WHERE warehouse = 'BER'"))
    ranked = []
    for shipment in waiting:
        order = orders[shipment["order_id"]]
        score = order.get("priority", 100)
        placed = datetime.fromisoformat(order["placed_at"])
        if "vip" in order.get("tags", ()):
            score -= 20
        score -= max((now - placed).days, 0) * 5
        ranked.append((score, shipment["created_at"], shipment["id"], shipment["lines"]))
    ranked.sort()
    lists = []
    for start in range(0, len(ranked), 20):
        batch = ranked[start : start + 20]
        skus: dict[str, int] = {}
        for *_, lines in batch:
            for line in lines:
                skus[line["sku"]] = skus.get(line["sku"], 0) + line["quantity"]
        lists.append(sorted(skus, key=lambda sku: (bins.get(sku) is None, bins.get(sku, ""), sku)))
    return lists


_state_prefix_length = 0
_state_low = b""
_state_high = b""


def _hand_written_boxes(items: list[tuple[str, int, tuple[int, int, int], int]]) -> list[str]:
    """First-fit decreasing on plain tuples, then each box shrunk, as choose_boxes does."""
    boxes = [
        (
            b.code,
            sorted((b.inner.length_mm, b.inner.width_mm, b.inner.height_mm)),
            b.max_weight_g,
            b.tare_g,
        )
        for b in BOXES
    ]
    capacity = {code: sides[0] * sides[1] * sides[2] for code, sides, _, _ in boxes}

    def fits(sides: list[int], box: tuple[str, list[int], int, int]) -> bool:
        return all(a <= b for a, b in zip(sides, box[1], strict=True))

    units = sorted(
        ((sorted(size), weight, sku) for sku, qty, size, weight in items for _ in range(qty)),
        key=lambda u: (-(u[0][0] * u[0][1] * u[0][2]), -u[0][2], -u[1], u[2]),
    )
    packages: list[list[Any]] = []
    for sides, weight, sku in units:
        volume = sides[0] * sides[1] * sides[2]
        for package in packages:
            box = package[0]
            if (
                fits(sides, box)
                and package[1] + volume <= capacity[box[0]]
                and box[3] + package[2] + weight <= box[2]
            ):
                package[1] += volume
                package[2] += weight
                package[3].append((sku, sides))
                break
        else:
            box = next(b for b in reversed(boxes) if fits(sides, b))
            packages.append([box, volume, weight, [(sku, sides)]])
    chosen = []
    for _box, volume, weight, contents in packages:
        for small in boxes:
            if (
                all(fits(s, small) for _, s in contents)
                and volume <= capacity[small[0]]
                and small[3] + weight <= small[2]
            ):
                chosen.append(small[0])
                break
    return chosen


def run() -> Iterator[dict[str, Any]]:
    global _state_prefix_length, _state_low, _state_high
    orders = int(os.environ.get("ORDERKIT_BENCH_PICK_ORDERS", "10000"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "shop.db"
        started = time.perf_counter()
        shop = _shop(path, orders)
        print(
            f"# {orders:,} open orders made in {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
        db = sqlite3.connect(path)
        prefix = encode_key(("created",))
        _state_prefix_length, _state_low = len(prefix), prefix
        _state_high = prefix[:-1] + bytes([prefix[-1] + 1])
        now = shop.clock.now()
        lists = shop.fulfilment.pick_lists("BER", max_orders=20)
        by_hand = _hand_written_pick_lists(db, now)
        assert len(lists) == len(by_hand), (len(lists), len(by_hand))

        fresh: list[ok.Shop] = []

        def cold() -> None:  # a store opened afresh: nothing decoded is kept yet
            for opened in fresh:
                opened.close()
            fresh[:] = [ok.Shop.open(f"sqlite:///{path}", clock=ok.ManualClock(now))]

        yield in_turns(
            "fulfilment.pick_lists_cold",
            lambda _: fresh[-1].fulfilment.pick_lists("BER", max_orders=20),
            lambda _: _hand_written_pick_lists(db, now),
            rounds=5,
            operations=orders,
            unit="shipments/s",
            before=cold,
        )
        yield in_turns(
            "fulfilment.pick_lists_warm",
            lambda _: shop.fulfilment.pick_lists("BER", max_orders=20),
            lambda _: _hand_written_pick_lists(db, now),
            rounds=5,
            operations=orders,
            unit="shipments/s",
        )
        for opened in fresh:
            opened.close()

        products = {p.sku: p for p in shop.catalog.list()}
        shipments = [
            s
            for order in list(shop.orders.list())[:1000]
            for s in shop.fulfilment.for_order(order.number)
        ]
        packs = [
            [
                PackItem(
                    line.sku,
                    line.quantity,
                    products[line.sku].dimensions,
                    products[line.sku].weight_g,
                )
                for line in s.lines
            ]  # type: ignore[arg-type]
            for s in shipments
        ]
        plain = [
            [
                (
                    it.sku,
                    it.quantity,
                    (it.dimensions.length_mm, it.dimensions.width_mm, it.dimensions.height_mm),
                    it.weight_g,
                )
                for it in items
            ]
            for items in packs
        ]
        assert [[p.box.code for p in choose_boxes(items, BOXES)] for items in packs] == [
            _hand_written_boxes(items) for items in plain
        ]
        yield in_turns(
            "fulfilment.box_choice",
            lambda _: [choose_boxes(items, BOXES) for items in packs],
            lambda _: [_hand_written_boxes(items) for items in plain],
            rounds=5,
            operations=len(packs),
            unit="shipments/s",
        )
        db.close()
        shop.close()
