"""A process killed in a unit of work leaves no partial change, on every shared store."""

from __future__ import annotations

import multiprocessing
import time

import orderkit as ok
from tests.conftest import T0

BERLIN = ok.Address(
    name="Hub", line1="Lagerweg 1", city="Berlin", postal_code="10115", country="DE"
)


def _die_inside_a_unit_of_work(args: tuple[str, object]) -> None:
    url, ready = args
    shop = ok.Shop.open(url)
    store = shop.store
    with store.unit_of_work() as uow:
        uow.products.add(ok.Product(sku="HALF", name="Half", price=ok.Money("1.00", "EUR")))
        uow.stock.apply(
            ok.StockMovement.of(ok.MovementKind.RECEIVE, "TEE", "BER", 5, occurred_at=T0)
        )
        ready.set()  # type: ignore[attr-defined]
        time.sleep(60)  # killed here, before the commit


def test_a_process_killed_inside_a_unit_of_work_leaves_nothing(shared_store_url: str) -> None:
    url = shared_store_url
    with ok.Shop.open(url) as shop:
        shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN))
        shop.catalog.add(ok.Product(sku="TEE", name="T-shirt", price=ok.Money("9.90", "EUR")))
        shop.inventory.receive("TEE", "BER", 10)
        before = (
            shop.catalog.list(),
            shop.inventory.levels(),
            shop.inventory.ledger(),
            shop.events.count_pending(),
        )
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    child = context.Process(target=_die_inside_a_unit_of_work, args=((url, ready),))
    child.start()
    assert ready.wait(30), "the child never reached the middle of its unit of work"
    child.kill()
    child.join(10)
    with ok.Shop.open(url) as shop:
        after = (
            shop.catalog.list(),
            shop.inventory.levels(),
            shop.inventory.ledger(),
            shop.events.count_pending(),
        )
        assert after == before
        # The dead process's locks are gone: the same row takes a write at once.
        assert shop.inventory.receive("TEE", "BER", 1).on_hand == 11
