"""Several OS processes on one shared store (an SQLite file, a PostgreSQL database)."""

from __future__ import annotations

import multiprocessing
import time

import orderkit as ok
from orderkit.adapters.sql.migrations_runner import load_migrations
from orderkit.errors import ConcurrencyConflict
from orderkit.shop import open_store
from orderkit.testing.contract import (
    sample_customer,
    sample_message,
    sample_order,
    sample_product,
)
from tests.builders import NEW_YEAR as T0


def _open_and_count(url: str) -> int:
    store = open_store(url)
    try:
        with store.unit_of_work(readonly=True) as uow:
            return uow.products.count()
    finally:
        store.close()


def test_several_processes_opening_a_new_store_at_once_migrate_it_once(
    shared_store_url: str,
) -> None:
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        assert pool.map(_open_and_count, [shared_store_url] * 8) == [0] * 8
    store = open_store(shared_store_url)
    try:
        with store.unit_of_work(readonly=True) as uow:
            session = uow._session  # type: ignore[attr-defined]
            versions = [row[0] for row in session.rows("SELECT version FROM schema_migrations")]
    finally:
        store.close()
    assert sorted(versions) == [migration.version for migration in load_migrations()]


def _save_state(args: tuple[str, str, object]) -> str:
    url, state, barrier = args
    store = open_store(url)
    try:
        with store.unit_of_work(readonly=True) as uow:
            order = uow.orders.get("O1")
        barrier.wait()  # type: ignore[attr-defined]
        order.state = state
        try:
            with store.unit_of_work() as uow:
                uow.orders.save(order)
                uow.commit()
        except ConcurrencyConflict:
            return "conflict"
        return "saved"
    finally:
        store.close()


def test_two_processes_saving_the_same_order_one_wins_one_conflicts(
    shared_store_url: str,
) -> None:
    store = open_store(shared_store_url)
    with store.unit_of_work() as uow:
        uow.customers.add(sample_customer())
        uow.products.add(sample_product())
        uow.orders.add(sample_order())
        uow.commit()
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier = manager.Barrier(2)
        with context.Pool(2) as pool:
            results = pool.map(
                _save_state,
                [
                    (shared_store_url, "confirmed", barrier),
                    (shared_store_url, "cancelled", barrier),
                ],
            )
    assert sorted(results) == ["conflict", "saved"]
    with store.unit_of_work(readonly=True) as uow:
        stored = uow.orders.get("O1")
    store.close()
    winner = "confirmed" if results[0] == "saved" else "cancelled"
    assert (stored.state, stored.version) == (winner, 2)


def _place_orders(args: tuple[str, int, int]) -> list[int]:
    url, worker, count = args
    with ok.Shop.open(url, clock=ok.ManualClock(T0)) as shop:
        return [
            shop.orders.place("ana@example.com", [("TEE-M", 1)], channel=f"w{worker}").number
            for _ in range(count)
        ]


def test_processes_placing_orders_at_once_get_distinct_gapless_numbers(
    shared_store_url: str,
) -> None:
    url = shared_store_url
    with ok.Shop.open(url) as shop:
        shop.catalog.add(sample_product())
        addresses = list(sample_customer().addresses)
        shop.customers.register("ana@example.com", "Ana", addresses=addresses)
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        numbers = pool.map(_place_orders, [(url, worker, 25) for worker in range(4)])
    flat = sorted(n for batch in numbers for n in batch)
    assert flat == list(range(1, 101))
    with ok.Shop.open(url) as shop:
        assert shop.orders.count() == 100
        placed = [e for e in shop.events.pending(limit=1000) if isinstance(e, ok.OrderPlaced)]
        assert sorted(e.number for e in placed) == flat


def _die_inside_a_unit_of_work(url: str, ready: object) -> None:
    store = open_store(url)
    with store.unit_of_work() as uow:
        uow.products.add(sample_product("HALF-1"))
        uow.stock.apply(
            ok.StockMovement.of(ok.MovementKind.RECEIVE, "TEE", "BER", 5, occurred_at=T0)
        )
        uow.outbox.append(sample_message("E-half"))
        ready.set()  # type: ignore[attr-defined]
        time.sleep(60)  # killed here, before the commit


def test_a_process_killed_inside_a_unit_of_work_leaves_nothing_and_no_lock(
    shared_store_url: str,
) -> None:
    url = shared_store_url
    berlin = ok.Address(
        name="Hub", line1="Lagerweg 1", city="Berlin", postal_code="10115", country="DE"
    )
    with ok.Shop.open(url) as shop:
        shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", berlin))
        shop.catalog.add(ok.Product(sku="TEE", name="T-shirt", price=ok.Money("9.90", "EUR")))
        shop.inventory.receive("TEE", "BER", 10)
        before = (
            shop.catalog.list(),
            shop.inventory.levels(),
            shop.inventory.ledger(),
            shop.events.pending(limit=1000),
        )
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    child = context.Process(target=_die_inside_a_unit_of_work, args=(url, ready))
    child.start()
    assert ready.wait(30), "the child never reached the middle of its unit of work"
    child.kill()
    child.join(10)
    with ok.Shop.open(url) as shop:
        after = (
            shop.catalog.list(),
            shop.inventory.levels(),
            shop.inventory.ledger(),
            shop.events.pending(limit=1000),
        )
        assert after == before
        # The dead process's locks are gone: the same row takes a write at once.
        assert shop.inventory.receive("TEE", "BER", 1).on_hand == 11
