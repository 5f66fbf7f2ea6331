from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import orderkit as ok
from tests.postgres import fresh_schema, server_url

settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("default")

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


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


def snapshot(shop: ok.Shop) -> tuple[object, ...]:
    """Everything a shop holds, to compare before and after a refused call."""
    return (
        shop.catalog.list(),
        shop.customers.list(),
        shop.orders.list(),
        shop.events.pending(limit=10_000),
    )


def berlin(name: str = "Ana Example") -> ok.Address:
    return ok.Address(
        name=name, line1="Hauptstr. 1", city="Berlin", postal_code="10115", country="DE"
    )
