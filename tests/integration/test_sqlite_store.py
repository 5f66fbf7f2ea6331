"""SQLite specifics: settings, error translation, migrations, several processes."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

import orderkit as ok
from orderkit.adapters.sql.migrations_runner import load_migrations
from orderkit.adapters.sqlite import SqliteStore
from orderkit.errors import (
    ConcurrencyConflict,
    SchemaVersionError,
    StorageBusy,
    StorageError,
    StorageUnavailable,
)
from orderkit.testing.contract import (
    sample_customer,
    sample_message,
    sample_order,
    sample_product,
)


def test_the_database_runs_in_wal_mode_with_normal_sync(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "shop.db")
    try:
        connection = store._connection
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA synchronous").fetchone()[0] == 1
        assert connection.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000
    finally:
        store.close()


def test_migrations_are_recorded_and_applied_once(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    SqliteStore(path).close()
    SqliteStore(path).close()
    rows = sqlite3.connect(path).execute("SELECT version, name FROM schema_migrations").fetchall()
    assert rows == [(m.version, m.name) for m in load_migrations()]
    assert rows[0] == (1, "initial")


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    SqliteStore(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute("INSERT INTO schema_migrations (version, name) VALUES (999, 'future')")
    with pytest.raises(SchemaVersionError) as error:
        SqliteStore(path)
    assert (error.value.found, error.value.supported) == (999, load_migrations()[-1].version)


def test_a_file_that_is_not_a_database_is_reported_and_chained(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are not the tables you are looking for\n" * 100)
    with pytest.raises(StorageUnavailable) as error:
        SqliteStore(path)
    assert isinstance(error.value.__cause__, sqlite3.DatabaseError)


def test_a_missing_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(StorageUnavailable, match="folder"):
        SqliteStore(tmp_path / "missing" / "shop.db")


def test_a_writer_held_too_long_gives_storage_busy_chained(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    SqliteStore(path).close()
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    # Opening a current database must not need the write lock.
    store = SqliteStore(path, busy_timeout=0.05)
    try:
        with pytest.raises(StorageBusy) as error, store.unit_of_work():
            pass
        assert isinstance(error.value.__cause__, sqlite3.OperationalError)
    finally:
        blocker.rollback()
        store.close()


def test_a_closed_store_refuses_work(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "shop.db")
    store.close()
    with pytest.raises(StorageError, match="closed"), store.unit_of_work():
        pass


def _open_and_count(path: str) -> int:
    store = SqliteStore(path)
    try:
        with store.unit_of_work(readonly=True) as uow:
            return uow.products.count()
    finally:
        store.close()


def test_several_processes_opening_a_new_file_at_once_migrate_it_once(tmp_path: Path) -> None:
    path = str(tmp_path / "shop.db")
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        assert pool.map(_open_and_count, [path] * 8) == [0] * 8
    rows = sqlite3.connect(path).execute("SELECT COUNT(*) FROM schema_migrations").fetchone()
    assert rows[0] == len(load_migrations())


def _save_state(args: tuple[str, str, object]) -> str:
    path, state, barrier = args
    store = SqliteStore(path)
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


def test_two_processes_saving_the_same_order_one_wins_one_conflicts(tmp_path: Path) -> None:
    path = str(tmp_path / "shop.db")
    store = SqliteStore(path)
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
                _save_state, [(path, "confirmed", barrier), (path, "cancelled", barrier)]
            )
    assert sorted(results) == ["conflict", "saved"]
    with store.unit_of_work(readonly=True) as uow:
        stored = uow.orders.get("O1")
    store.close()
    winner = "confirmed" if results[0] == "saved" else "cancelled"
    assert (stored.state, stored.version) == (winner, 2)


def _place_orders(args: tuple[str, int, int]) -> list[int]:
    path, worker, count = args
    clock = ok.ManualClock(datetime(2026, 1, 1, tzinfo=UTC))
    with ok.Shop.open(f"sqlite:///{path}", clock=clock) as shop:
        return [
            shop.orders.place("ana@example.com", [("TEE-M", 1)], channel=f"w{worker}").number
            for _ in range(count)
        ]


def test_processes_placing_orders_at_once_get_distinct_gapless_numbers(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    with ok.Shop.open(f"sqlite:///{path}") as shop:
        shop.catalog.add(sample_product())
        addresses = list(sample_customer().addresses)
        shop.customers.register("ana@example.com", "Ana", addresses=addresses)
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        numbers = pool.map(_place_orders, [(str(path), worker, 25) for worker in range(4)])
    flat = sorted(n for batch in numbers for n in batch)
    assert flat == list(range(1, 101))
    with ok.Shop.open(f"sqlite:///{path}") as shop:
        assert shop.orders.count() == 100
        placed = [e for e in shop.events.pending(limit=1000) if isinstance(e, ok.OrderPlaced)]
        assert sorted(e.number for e in placed) == flat


def _write_and_hang(path: str, ready: object) -> None:
    store = SqliteStore(path)
    with store.unit_of_work() as uow:
        uow.products.add(sample_product("HALF-1"))
        uow.outbox.append(sample_message("E-half"))
        ready.set()  # type: ignore[attr-defined]
        time.sleep(60)  # killed here, in the middle of the unit of work


def test_a_process_killed_mid_unit_of_work_leaves_nothing_and_no_lock(tmp_path: Path) -> None:
    path = str(tmp_path / "shop.db")
    SqliteStore(path).close()
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    writer = context.Process(target=_write_and_hang, args=(path, ready))
    writer.start()
    assert ready.wait(30)
    os.kill(writer.pid, signal.SIGKILL)  # type: ignore[arg-type]
    writer.join(10)
    store = SqliteStore(path, busy_timeout=2)
    try:
        with store.unit_of_work(readonly=True) as uow:
            assert uow.products.count() == 0
            assert uow.outbox.count() == 0
        with store.unit_of_work() as uow:  # the write lock died with the process
            uow.products.add(sample_product("NEXT-1"))
            uow.commit()
    finally:
        store.close()
