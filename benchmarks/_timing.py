"""Side-by-side timing: candidate and baseline measured alternately in one run."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def rate(work: Callable[[], Any], operations: int, *, min_time: float = 0.2) -> float:
    """Operations per second of ``work`` (doing ``operations`` operations), best of runs."""
    best = float("inf")
    deadline = time.perf_counter() + min_time
    while True:
        start = time.perf_counter()
        work()
        elapsed = time.perf_counter() - start
        best = min(best, elapsed)
        if time.perf_counter() >= deadline:
            break
    return operations / best


def compare(
    name: str,
    candidate: Callable[[], Any],
    baseline: Callable[[], Any],
    operations: int,
    *,
    rounds: int = 5,
) -> dict[str, Any]:
    """Measure both alternately ``rounds`` times; report the best rate of each and the ratio."""
    ours = theirs = 0.0
    for _ in range(rounds):
        ours = max(ours, rate(candidate, operations))
        theirs = max(theirs, rate(baseline, operations))
    return {
        "name": name,
        "value": round(ours, 1),
        "unit": "ops/s",
        "baseline": round(theirs, 1),
        "ratio": round(ours / theirs, 3),
    }
