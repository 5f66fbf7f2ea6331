"""Real processes reserving the same hot SKUs in one shared store never oversell."""

from __future__ import annotations

import multiprocessing
import random
from collections import Counter

import orderkit as ok
from orderkit.errors import InsufficientStock

HOT = [f"HOT-{n}" for n in range(10)]
ON_HAND = 40
PROCESSES = 8
ATTEMPTS = 80


def _reserve_many(args: tuple[str, int, object]) -> tuple[list[tuple[str, int]], int]:
    url, seed, start = args
    rng = random.Random(seed)
    reserved: list[tuple[str, int]] = []
    refused = 0
    with ok.Shop.open(url) as shop:
        start.wait()  # type: ignore[attr-defined]  # every process races from the same moment
        for attempt in range(ATTEMPTS):
            lines = [(sku, rng.randint(1, 3)) for sku in rng.sample(HOT, rng.randint(1, 2))]
            try:
                shop.reservations.reserve(f"order:{seed}-{attempt}", lines)
            except InsufficientStock:
                refused += 1
            else:
                reserved.extend(lines)
    return reserved, refused


def test_processes_racing_for_hot_skus_never_oversell(shared_store_url: str) -> None:
    url = shared_store_url
    with ok.Shop.open(url) as shop:
        shop.inventory.add_warehouse(
            ok.Warehouse(
                "BER",
                "Berlin",
                ok.Address(
                    name="Hub", line1="Lagerweg 1", city="Berlin", postal_code="10115", country="DE"
                ),
            )
        )
        shop.catalog.add_many(
            [ok.Product(sku=sku, name=sku, price=ok.Money("1.00", "EUR")) for sku in HOT]
        )
        for sku in HOT:
            shop.inventory.receive(sku, "BER", ON_HAND)

    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, context.Pool(PROCESSES) as pool:
        start = manager.Barrier(PROCESSES)
        results = pool.map(_reserve_many, [(url, seed, start) for seed in range(PROCESSES)])

    granted: Counter[str] = Counter()
    for lines, _ in results:
        for sku, quantity in lines:
            granted[sku] += quantity
    # Demand is several times the supply, so the limit was met.
    assert sum(count for _, count in results) > 0
    with ok.Shop.open(url) as shop:
        for sku in HOT:
            level = shop.inventory.level(sku, "BER")
            assert level.reserved == granted[sku], sku
            assert level.reserved <= level.on_hand == ON_HAND
        assert sum(granted.values()) > ON_HAND * len(HOT) * 0.8  # stock was mostly sold
        assert shop.inventory.verify_ledger()
