from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import orderkit as ok
from tests.builders import T0
from tests.postgres import HOW_TO_RUN, URL_VARIABLE, fresh_schema, in_ci, server_url

settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("default")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without a PostgreSQL server, skip its tests up front (never under CI: they fail there)."""
    if os.environ.get(URL_VARIABLE, "").strip() or in_ci():
        return
    no_server = pytest.mark.skip(reason=f"no PostgreSQL server: {HOW_TO_RUN}")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(no_server)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Each reason for skipping, once, with how many tests it skipped."""
    reasons: Counter[str] = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reasons[reason.removeprefix("Skipped: ")] += 1
    if reasons:
        terminalreporter.section("skipped", sep="-")
        for reason, count in sorted(reasons.items()):
            terminalreporter.write_line(f"SKIPPED {count}: {reason}")


SHARED_STORES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
STORES = ["memory", *SHARED_STORES]


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The PostgreSQL server's URL; skips (fails under CI) when there is none."""
    return server_url()


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A URL to an empty schema of its own on the PostgreSQL server."""
    with fresh_schema(postgres_server) as url:
        yield url


@pytest.fixture(params=STORES)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str | None:
    """The URL of a new, empty store of each bundled kind (``None``: in memory)."""
    if request.param == "memory":
        return None
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shop.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture(params=SHARED_STORES)
def shared_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of a new store that several processes can open (SQLite, PostgreSQL)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shop.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def shop(store_url: str | None) -> Iterator[ok.Shop]:
    """A shop on each bundled store, with a manual clock and seeded ids."""
    with ok.Shop.open(store_url, clock=ok.ManualClock(T0), seed=1) as opened:
        yield opened
