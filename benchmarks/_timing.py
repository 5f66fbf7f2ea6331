"""Side-by-side timing: candidate and baseline measured alternately in one run."""

from __future__ import annotations

import statistics
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


def in_turns(
    name: str,
    ours: Callable[[int], Any],
    theirs: Callable[[int], Any],
    *,
    rounds: int,
    operations: int,
    unit: str,
    before: Callable[[], Any] = lambda: None,
) -> dict[str, Any]:
    """Both sides take turns, one round each at a time; each rate is from its median round.

    A slow moment of the disk or the server falls on both sides, and the
    median is not moved by the few slow rounds. Each side is called with the
    round's number and does ``operations`` operations; ``before`` runs,
    untimed, before each of our rounds.
    """
    times: dict[str, list[float]] = {"ours": [], "theirs": []}
    for number in range(rounds):
        for side, work in (("ours", ours), ("theirs", theirs)):
            if side == "ours":
                before()
            began = time.perf_counter()
            work(number)
            times[side].append(time.perf_counter() - began)
    ours_rate = operations / statistics.median(times["ours"])
    theirs_rate = operations / statistics.median(times["theirs"])
    return {
        "name": name,
        "value": round(ours_rate, 1),
        "unit": unit,
        "baseline": round(theirs_rate, 1),
        "ratio": round(ours_rate / theirs_rate, 3),
    }
