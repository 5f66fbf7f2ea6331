"""Money arithmetic and allocation against bare Decimal code doing the same work."""

from __future__ import annotations

import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from _timing import compare

from orderkit import Money

CENT = Decimal("0.01")


def _bare_allocate(amount: Decimal, ratios: list[int]) -> list[Decimal]:
    """Largest remainder in cents with plain Decimals: the least code that is correct."""
    units = int(amount / CENT)
    total = sum(ratios)
    shares = [units * r // total for r in ratios]
    remainders = [units * r % total for r in ratios]
    order = sorted(range(len(ratios)), key=lambda i: (-remainders[i], i))
    for index in order[: units - sum(shares)]:
        shares[index] += 1
    return [Decimal(share) * CENT for share in shares]


def run() -> Iterator[dict[str, Any]]:
    rng = random.Random(1)
    texts = [f"{rng.randint(0, 99999)}.{rng.randint(0, 99):02d}" for _ in range(1000)]
    moneys = [Money(text, "EUR") for text in texts]
    decimals = [Decimal(text) for text in texts]

    yield compare(
        "money.construct",
        lambda: [Money(text, "EUR") for text in texts],
        lambda: [Decimal(text).quantize(CENT) for text in texts],
        len(texts),
    )
    yield compare(
        "money.add",
        lambda: Money.sum(moneys, "EUR"),
        lambda: sum(decimals, Decimal(0)),
        len(moneys),
    )
    yield compare(
        "money.multiply",
        lambda: [m * Decimal("0.19") for m in moneys],
        lambda: [(d * Decimal("0.19")).quantize(CENT) for d in decimals],
        len(moneys),
    )
    ratios = [rng.randint(1, 50) for _ in range(10)]
    amounts = moneys[:200]
    yield compare(
        "money.allocate_10",
        lambda: [m.allocate(ratios) for m in amounts],
        lambda: [_bare_allocate(m.amount, ratios) for m in amounts],
        len(amounts),
    )
