"""The SQLite store: the embedded default, one file shared by several processes.

Settings: WAL journal (readers never block the writer), ``synchronous=NORMAL``
(durable across application crashes; a power cut may lose the last commits but
never corrupts), a busy timeout so writers queue instead of failing, and
``BEGIN IMMEDIATE`` for every write so the write lock is taken before the first
read of a unit of work and no two writers can interleave.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from orderkit.adapters._decoded import DEFAULT_SIZE, DecodedCache
from orderkit.adapters.sql.dialect import Connection, json_text, parse_json
from orderkit.adapters.sql.migrations_runner import (
    apply_migrations,
    load_migrations,
    schema_version,
)
from orderkit.adapters.sql.session import SqlSession
from orderkit.adapters.sql.unit_of_work import SqlUnitOfWork
from orderkit.capabilities import make_converter
from orderkit.errors import (
    SchemaVersionError,
    StorageBusy,
    StorageError,
    StorageIntegrityError,
    StorageUnavailable,
)

__all__ = ["SqliteDialect", "SqliteStore"]


@functools.lru_cache(maxsize=4096)
def _utc_text(value: datetime) -> str:
    # The same times come back again and again (an order's placing time at
    # each save, the clock's now within a use case): format each once.
    return value.astimezone(UTC).isoformat(timespec="microseconds")


class SqliteDialect:
    """SQLite's differences: storage classes, ISO-8601 text times, JSON as text."""

    name = "sqlite"
    driver_error: type[Exception] = sqlite3.Error
    column_types: Mapping[str, str] = MappingProxyType(
        {
            "text": "TEXT",
            "bigint": "INTEGER",
            "json": "TEXT",
            "bytes": "BLOB",
            "timestamp": "TEXT",
            "serial_pk": "INTEGER PRIMARY KEY AUTOINCREMENT",
            # Small rows keyed by text: one B-tree instead of a table plus an index.
            "without_rowid": " WITHOUT ROWID",
        }
    )

    # BEGIN IMMEDIATE holds the database's write lock for the whole transaction.
    locking_read = ""
    sharing_read = ""
    records_lock = ""
    writes_in_with = False

    table_exists_query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"

    def sql(self, query: str) -> str:
        """SQLite takes ``:name`` parameters as they are."""
        return query

    def begin(self, connection: Connection, *, readonly: bool) -> None:
        """``BEGIN IMMEDIATE`` for writes (take the write lock now), ``BEGIN`` for reads."""
        cursor = connection.cursor()
        cursor.execute("BEGIN" if readonly else "BEGIN IMMEDIATE", {})

    def encode_time(self, value: datetime) -> str:
        """Store UTC with fixed-width microseconds, so text order is time order."""
        return _utc_text(value)

    def decode_time(self, value: Any) -> datetime:
        """Parse a stored time back into an aware UTC datetime."""
        return datetime.fromisoformat(value)

    def encode_json(self, document: Mapping[str, Any]) -> str:
        """Compact JSON text."""
        return json_text(document)

    def decode_json(self, value: Any) -> dict[str, Any]:
        """Parse stored JSON text."""
        return parse_json(value)

    def translate(self, error: Exception) -> StorageError | None:
        """Map ``sqlite3`` errors to orderkit's storage errors."""
        if not isinstance(error, sqlite3.Error):
            return None
        message = str(error)
        if isinstance(error, sqlite3.IntegrityError):
            return StorageIntegrityError(f"SQLite refused the write: {message}")
        if isinstance(error, sqlite3.OperationalError) and re.search(r"locked|busy", message):
            return StorageBusy(f"SQLite stayed locked by another writer: {message}")
        if isinstance(error, sqlite3.DatabaseError) and re.search(
            r"not a database|malformed|unable to open|disk I/O|readonly", message
        ):
            return StorageUnavailable(f"SQLite cannot use the database file: {message}")
        return StorageError(f"SQLite failed: {message}")


class SqliteStore:
    """A :class:`~orderkit.storage.Store` in one SQLite file (or ``":memory:"``).

    Opening creates the file if needed and applies pending schema migrations.
    One store holds one connection; threads of one process take turns on it,
    and other processes open their own store on the same file.

    Args:
        path: The database file, or ``":memory:"`` for a private in-memory database.
        busy_timeout: Seconds a writer waits for another process's write lock
            before :class:`~orderkit.errors.StorageBusy` is raised.
        cache_size: How many decoded aggregates to keep between units of work
            (by stored version; 0 decodes every row it reads).

    Raises:
        StorageUnavailable: The file cannot be opened or is not an SQLite database.
        SchemaVersionError: The database was written by a newer orderkit.

    Examples:
        >>> store = SqliteStore(":memory:")
        >>> with store.unit_of_work() as uow:
        ...     uow.sequences.next("order")
        ...     uow.commit()
        1
        >>> store.close()
    """

    def __init__(
        self, path: str | Path, *, busy_timeout: float = 10.0, cache_size: int = DEFAULT_SIZE
    ) -> None:
        self.path = str(path)
        self._dialect = SqliteDialect()
        self._converter = make_converter()
        self._decoded = DecodedCache(cache_size)
        self._lock = threading.RLock()
        self._connection = self._connect(busy_timeout)
        self._closed = False
        self._migrate()

    def _migrate(self) -> None:
        migrations = load_migrations()
        newest = migrations[-1].version
        # Check under a read transaction first: opening a current database must
        # not wait for the write lock that another process may hold.
        with self._transaction(readonly=True) as session:
            current = schema_version(session)
        if current > newest:
            raise SchemaVersionError(current, newest)
        if current < newest:
            with self._transaction(readonly=False) as session:
                apply_migrations(session, migrations)
                self._connection.commit()

    @contextmanager
    def _transaction(self, *, readonly: bool) -> Iterator[SqlSession]:
        with self._lock:
            session = SqlSession(self._connection, self._dialect, readonly=readonly)
            try:
                self._dialect.begin(self._connection, readonly=readonly)
            except sqlite3.Error as exc:
                session.raise_translated(exc)
            try:
                yield session
            finally:
                if self._connection.in_transaction:
                    self._connection.rollback()

    def _connect(self, busy_timeout: float) -> sqlite3.Connection:
        if self.path != ":memory:" and not Path(self.path).parent.exists():
            raise StorageUnavailable(f"the folder of {self.path!r} does not exist")
        try:
            connection = sqlite3.connect(
                self.path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
            )
            connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            if self.path != ":memory:":
                connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            translated = self._dialect.translate(exc)
            assert translated is not None
            if isinstance(translated, StorageBusy):
                raise translated from exc
            raise StorageUnavailable(f"cannot open {self.path!r} as SQLite: {exc}") from exc
        return connection

    @contextmanager
    def unit_of_work(self, *, readonly: bool = False) -> Iterator[SqlUnitOfWork]:
        """Open a unit of work; see :meth:`orderkit.storage.Store.unit_of_work`."""
        if self._closed:
            raise StorageError("the store is closed")
        with self._transaction(readonly=readonly) as session:
            uow = SqlUnitOfWork(session, self._converter, self._decoded)
            try:
                yield uow
            finally:
                if uow.active:
                    uow.rollback()

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._connection.close()

    def __repr__(self) -> str:
        return f"SqliteStore({self.path!r})"
