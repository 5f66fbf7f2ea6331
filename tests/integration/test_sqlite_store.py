"""SQLite specifics: settings, error translation, migrations, several processes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from orderkit.adapters.sql.migrations_runner import load_migrations
from orderkit.adapters.sqlite import SqliteStore
from orderkit.errors import (
    SchemaVersionError,
    StorageBusy,
    StorageError,
    StorageUnavailable,
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


def test_a_store_without_a_cache_reads_a_document_edited_in_place(tmp_path: Path) -> None:
    """An UPDATE outside orderkit that keeps the version is seen only without the cache."""
    from orderkit.testing.contract import sample_order

    path = tmp_path / "shop.db"
    cached, uncached = SqliteStore(path), SqliteStore(path, cache_size=0)
    with cached.unit_of_work() as uow:
        uow.orders.add(sample_order())
        uow.commit()
    for store in (cached, uncached):
        with store.unit_of_work(readonly=True) as uow:
            assert uow.orders.get("O1").channel == "web"
    with sqlite3.connect(path) as raw:  # the version stays 1: the cache cannot tell
        raw.execute("UPDATE orders SET document = replace(document, '\"web\"', '\"pos\"')")
    with uncached.unit_of_work(readonly=True) as uow:
        assert uow.orders.get("O1").channel == "pos"
    with cached.unit_of_work(readonly=True) as uow:
        assert uow.orders.get("O1").channel == "web"
    cached.close()
    uncached.close()


@pytest.mark.parametrize("size", [-1, 1.5, True, "10"])
def test_a_cache_size_that_is_not_a_count_is_refused(tmp_path: Path, size: object) -> None:
    from orderkit.errors import ConfigurationError

    with pytest.raises(ConfigurationError) as refused:
        SqliteStore(tmp_path / "shop.db", cache_size=size)  # type: ignore[arg-type]
    assert (refused.value.setting, refused.value.value) == ("cache_size", size)


def test_listing_every_order_does_not_fill_the_cache(tmp_path: Path) -> None:
    """A listing reads every row once; keeping each would hold a second copy of the store."""
    from orderkit.testing.contract import sample_order

    writer = SqliteStore(tmp_path / "shop.db")
    with writer.unit_of_work() as uow:
        for number in (1, 2, 3):
            uow.orders.add(sample_order(f"O{number}", number))
        uow.commit()
    writer.close()
    reader = SqliteStore(tmp_path / "shop.db")
    with reader.unit_of_work(readonly=True) as uow:
        assert [order.number for order in uow.orders.list()] == [1, 2, 3]
    assert reader._decoded.entry(("orders", "O1")) is None
    with reader.unit_of_work(readonly=True) as uow:
        uow.orders.get("O1")  # a read of one order is kept
    assert reader._decoded.entry(("orders", "O1")) is not None
    reader.close()
