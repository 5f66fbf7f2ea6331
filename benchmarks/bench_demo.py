"""Where ``make demo``'s time goes: the whole run, its SQL, and each use case.

The demo (``ORDERKIT_BENCH_DEMO_ORDERS`` orders, 2,000 unless set, seed 42,
on a SQLite file, without the dashboard) runs once, with the store's SQL
session and every public service method timed:

- ``demo.seconds``: the whole run, target under 10 s for 2,000 orders;
- ``demo.sql_seconds``: the time spent inside ``sqlite3`` running statements
  and committing: what the same statements would cost with no Python around
  them, the floor of this run;
- ``demo.statements_per_order`` and ``demo.commits_per_order``;
- ``demo.checkpoint_commits``: commits that took over 2 ms (SQLite copying
  its write-ahead log into the database file, with an ``fsync``), and their
  seconds;
- ``demo.use_case.NAME``: seconds spent in each public service method called
  from outside orderkit (the ten costliest), with calls and milliseconds per
  call.

The timing wrappers add a little to every call, so ``demo.seconds`` here is a
few percent above ``make demo``'s.
"""

from __future__ import annotations

import functools
import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from orderkit.adapters.sql.session import SqlSession
from orderkit.demo import run_demo
from orderkit.shop import Shop

ORDERS = int(os.environ.get("ORDERKIT_BENCH_DEMO_ORDERS", "2000"))
SERVICES = (
    "catalog",
    "customers",
    "events",
    "reports",
    "inventory",
    "reservations",
    "orders",
    "purchasing",
    "store_credit",
    "fulfilment",
    "payments",
    "returns",
)


class _Meter:
    """Seconds and calls per label, counting only the outermost timed call."""

    def __init__(self) -> None:
        self.seconds: Counter[str] = Counter()
        self.calls: Counter[str] = Counter()
        self.depth = 0

    def wrap(self, label: str, method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if self.depth:
                return method(*args, **kwargs)
            self.depth += 1
            began = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self.depth -= 1
                self.seconds[label] += time.perf_counter() - began
                self.calls[label] += 1

        return timed


def run() -> Iterator[dict[str, Any]]:
    meter = _Meter()
    sql = {"seconds": 0.0, "statements": 0, "commits": 0, "slow_commits": 0, "slow": 0.0}
    original_run, original_commit, original_init = SqlSession._run, SqlSession.commit, Shop.__init__

    def timed_run(self: SqlSession, *args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return original_run(self, *args, **kwargs)
        finally:
            sql["seconds"] += time.perf_counter() - began
            sql["statements"] += 1

    def timed_commit(self: SqlSession) -> None:
        began = time.perf_counter()
        try:
            original_commit(self)
        finally:
            took = time.perf_counter() - began
            sql["seconds"] += took
            sql["commits"] += 1
            if took > 0.002:
                sql["slow_commits"] += 1
                sql["slow"] += took

    def metered_init(self: Shop, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        for attribute in SERVICES:
            service = getattr(self, attribute)
            for name in dir(type(service)):
                method = getattr(service, name)
                if not name.startswith("_") and callable(method):
                    setattr(service, name, meter.wrap(f"{attribute}.{name}", method))

    SqlSession._run = timed_run  # type: ignore[method-assign]
    SqlSession.commit = timed_commit  # type: ignore[method-assign]
    Shop.__init__ = metered_init  # type: ignore[method-assign]
    try:
        with tempfile.TemporaryDirectory() as folder:
            began = time.perf_counter()
            run_demo(Path(folder) / "demo.db", ORDERS, 42)
            seconds = time.perf_counter() - began
    finally:
        SqlSession._run = original_run  # type: ignore[method-assign]
        SqlSession.commit = original_commit  # type: ignore[method-assign]
        Shop.__init__ = original_init  # type: ignore[method-assign]
    yield {"name": "demo.seconds", "value": round(seconds, 2), "unit": "s", "orders": ORDERS}
    yield {"name": "demo.sql_seconds", "value": round(sql["seconds"], 2), "unit": "s"}
    yield {
        "name": "demo.statements_per_order",
        "value": round(sql["statements"] / ORDERS, 1),
        "unit": "statements",
    }
    yield {
        "name": "demo.commits_per_order",
        "value": round(sql["commits"] / ORDERS, 1),
        "unit": "commits",
    }
    yield {
        "name": "demo.checkpoint_commits",
        "value": sql["slow_commits"],
        "unit": "commits over 2 ms",
        "seconds": round(sql["slow"], 2),
    }
    for label, spent in meter.seconds.most_common(10):
        calls = meter.calls[label]
        yield {
            "name": f"demo.use_case.{label}",
            "value": round(spent, 2),
            "unit": "s",
            "calls": calls,
            "ms_per_call": round(spent / calls * 1000, 2),
        }
