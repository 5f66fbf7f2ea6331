from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import orderkit as ok

settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("default")

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", "sqlite"])
def shop(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ok.Shop]:
    """A shop on each bundled store, with a manual clock and seeded ids."""
    url = None if request.param == "memory" else f"sqlite:///{tmp_path / 'shop.db'}"
    with ok.Shop.open(url, clock=ok.ManualClock(T0), seed=1) as opened:
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
