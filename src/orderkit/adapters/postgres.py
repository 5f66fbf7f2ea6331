"""The PostgreSQL store: the same schema, queries and repositories as SQLite, on a server.

Several processes on several hosts share one database. Write units of work
run at ``READ COMMITTED``: stock changes are conditional updates (the row
lock the update takes makes the check and the change one step), and every
aggregate a write unit of work loads is locked (``SELECT ... FOR UPDATE``)
until it ends, so two commands on one order run one after the other.
Read-only units of work run at ``REPEATABLE READ READ ONLY``: one consistent
snapshot for a whole report, and they never wait for writers.

When PostgreSQL aborts a transaction to break a deadlock or a serialisation
conflict, the error is :class:`~orderkit.errors.TransactionConflict`, and the
services run the use case again (:class:`~orderkit.RetryPolicy`).

Needs the ``postgres`` extra: ``pip install 'orderkit[postgres]'``.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

import psycopg
import psycopg_pool
from psycopg.pq import TransactionStatus
from psycopg.types.string import TextLoader

from orderkit.adapters.sql.dialect import Connection, json_text, parse_json
from orderkit.adapters.sql.migrations_runner import (
    apply_migrations,
    load_migrations,
    schema_version,
)
from orderkit.adapters.sql.session import SqlSession
from orderkit.adapters.sql.unit_of_work import SqlUnitOfWork
from orderkit.adapters.urls import redact_url
from orderkit.errors import (
    ConfigurationError,
    SchemaVersionError,
    StorageBusy,
    StorageError,
    StorageIntegrityError,
    StorageUnavailable,
    TransactionConflict,
)
from orderkit.serialization import make_converter

__all__ = ["PostgresDialect", "PostgresStore"]

_PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
# Taken by the transaction that migrates, so that two processes opening a new
# database at once apply each step exactly once ("orderkit" in ASCII).
_MIGRATION_LOCK = 0x6F726465726B6974
_CONFLICTS = {"40001", "40P01"}  # serialization_failure, deadlock_detected
_BUSY = {"55P03", "57014"}  # lock_not_available, query_canceled (statement timeout)
_UNAVAILABLE_CLASSES = ("08", "28", "3D", "53", "57P")


class PostgresDialect:
    """PostgreSQL's differences: ``%(name)s`` parameters, JSONB, TIMESTAMPTZ, row locks."""

    name = "postgresql"
    driver_error: type[Exception] = psycopg.Error
    column_types: Mapping[str, str] = MappingProxyType(
        {
            # Byte order, like SQLite and Python: lists come back in the same order everywhere.
            "text": 'TEXT COLLATE "C"',
            "bigint": "BIGINT",
            "json": "JSONB",
            "timestamp": "TIMESTAMPTZ",
            "serial_pk": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
            "without_rowid": "",
        }
    )
    locking_read = " FOR UPDATE"
    sharing_read = " FOR SHARE"
    table_exists_query = (
        "SELECT 1 FROM information_schema.tables "
        "WHERE table_schema = current_schema() AND table_name = :name"
    )

    def __init__(self) -> None:
        self._queries: dict[str, str] = {}

    def sql(self, query: str) -> str:
        """Rewrite ``:name`` parameters as ``%(name)s`` (once per query text)."""
        rewritten = self._queries.get(query)
        if rewritten is None:
            rewritten = _PARAMETER.sub(r"%(\1)s", query.replace("%", "%%"))
            self._queries[query] = rewritten
        return rewritten

    def begin(self, connection: Connection, *, readonly: bool) -> None:
        """``READ COMMITTED`` for writes; one ``REPEATABLE READ`` snapshot for reads."""
        cursor = connection.cursor()
        cursor.execute(
            "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
            if readonly
            else "BEGIN ISOLATION LEVEL READ COMMITTED"
        )

    def encode_time(self, value: datetime) -> datetime:
        """Send aware datetimes as they are; psycopg makes them ``timestamptz``."""
        return value

    def decode_time(self, value: Any) -> datetime:
        """Return a stored ``timestamptz`` in UTC."""
        decoded: datetime = value.astimezone(UTC)
        return decoded

    def encode_json(self, document: Mapping[str, Any]) -> str:
        """Compact JSON text; the server parses it into JSONB."""
        return json_text(document)

    def decode_json(self, value: Any) -> dict[str, Any]:
        """Parse JSONB text (the store's connections load JSONB as text)."""
        return parse_json(value)

    def translate(self, error: Exception) -> StorageError | None:
        """Map psycopg errors to orderkit's storage errors by SQLSTATE."""
        if not isinstance(error, psycopg.Error):
            return None
        message = str(error).strip() or type(error).__name__
        state = error.sqlstate or ""
        if state in _CONFLICTS:
            return TransactionConflict(f"PostgreSQL aborted the transaction: {message}")
        if state.startswith("23"):
            return StorageIntegrityError(f"PostgreSQL refused the write: {message}")
        if state in _BUSY:
            return StorageBusy(f"PostgreSQL gave up waiting: {message}")
        if isinstance(error, psycopg_pool.PoolTimeout):
            return StorageBusy(f"no free connection in the pool: {message}")
        if state.startswith(_UNAVAILABLE_CLASSES) or (
            not state and isinstance(error, psycopg.OperationalError)
        ):
            return StorageUnavailable(f"PostgreSQL cannot be used: {message}")
        return StorageError(f"PostgreSQL failed: {message}")


def _configure(connection: psycopg.Connection[Any]) -> None:
    # Documents come back as their text, as on SQLite; times in UTC.
    connection.adapters.register_loader("jsonb", TextLoader)
    connection.execute("SET TIME ZONE 'UTC'")


class PostgresStore:
    """A :class:`~orderkit.storage.Store` in a PostgreSQL database, through a connection pool.

    Opening checks that the server can be reached, then applies pending
    schema migrations under an advisory lock. Each unit of work borrows a
    connection from the pool for its transaction, so threads of one process
    work side by side; other processes and hosts open their own store.

    Args:
        url: ``postgresql://user:password@host:5432/database``, with any libpq
            parameters in the query string (``?sslmode=require``).
        min_connections: Connections the pool keeps open.
        max_connections: Connections the pool opens at most.
        timeout: Seconds a unit of work waits for a free connection before
            :class:`~orderkit.errors.StorageBusy` is raised.
        connect_timeout: Seconds to wait for the server when connecting.

    Raises:
        StorageUnavailable: The server cannot be reached or refuses the login.
        SchemaVersionError: The database was written by a newer orderkit.
        ConfigurationError: A pool setting is out of range.
    """

    def __init__(
        self,
        url: str,
        *,
        min_connections: int = 1,
        max_connections: int = 10,
        timeout: float = 30.0,
        connect_timeout: float = 10.0,
    ) -> None:
        if isinstance(min_connections, bool) or not isinstance(min_connections, int):
            raise ConfigurationError("min_connections", min_connections, "must be an int")
        if isinstance(max_connections, bool) or not isinstance(max_connections, int):
            raise ConfigurationError("max_connections", max_connections, "must be an int")
        if not 0 <= min_connections <= max_connections or max_connections < 1:
            raise ConfigurationError(
                "max_connections",
                max_connections,
                f"must be at least 1 and at least min_connections={min_connections}",
            )
        self.url = redact_url(url)
        self._dialect = PostgresDialect()
        self._converter = make_converter()
        self._timeout = timeout
        self._closed = False
        connect_timeout_s = max(1, round(connect_timeout))
        # One direct connection first: its failure says why (wrong password,
        # unknown database), where a pool would only time out.
        try:
            first = psycopg.connect(url, autocommit=True, connect_timeout=connect_timeout_s)
        except psycopg.Error as exc:
            raise StorageUnavailable(f"cannot connect to {self.url}: {str(exc).strip()}") from exc
        with first:
            _configure(first)
            self._migrate(first)
        self._pool = psycopg_pool.ConnectionPool(
            url,
            min_size=min_connections,
            max_size=max_connections,
            timeout=timeout,
            kwargs={"autocommit": True, "connect_timeout": connect_timeout_s},
            configure=_configure,
            name="orderkit",
            open=False,
        )
        self._pool.open()

    def _migrate(self, connection: psycopg.Connection[Any]) -> None:
        migrations = load_migrations()
        newest = migrations[-1].version
        with self._transaction(connection, readonly=True) as session:
            current = schema_version(session)
        if current > newest:
            raise SchemaVersionError(current, newest)
        if current < newest:
            with self._transaction(connection, readonly=False) as session:
                session.execute("SELECT pg_advisory_xact_lock(:key)", {"key": _MIGRATION_LOCK})
                apply_migrations(session, migrations)
                try:
                    connection.commit()
                except psycopg.Error as exc:
                    session.raise_translated(exc)

    @contextmanager
    def _transaction(
        self, connection: psycopg.Connection[Any], *, readonly: bool
    ) -> Iterator[SqlSession]:
        session = SqlSession(connection, self._dialect, readonly=readonly)
        try:
            self._dialect.begin(connection, readonly=readonly)
        except psycopg.Error as exc:
            session.raise_translated(exc)
        try:
            yield session
        finally:
            if connection.info.transaction_status != TransactionStatus.IDLE:
                # A broken connection cannot roll back; the pool discards it.
                with contextlib.suppress(psycopg.Error):
                    connection.rollback()

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        try:
            connection = self._pool.getconn(self._timeout)
        except psycopg_pool.PoolClosed as exc:
            raise StorageError("the store is closed") from exc
        except psycopg.Error as exc:
            translated = self._dialect.translate(exc)
            assert translated is not None
            raise translated from exc
        try:
            yield connection
        finally:
            self._pool.putconn(connection)

    @contextmanager
    def unit_of_work(self, *, readonly: bool = False) -> Iterator[SqlUnitOfWork]:
        """Open a unit of work; see :meth:`orderkit.storage.Store.unit_of_work`."""
        if self._closed:
            raise StorageError("the store is closed")
        with (
            self._connection() as connection,
            self._transaction(connection, readonly=readonly) as session,
        ):
            uow = SqlUnitOfWork(session, self._converter)
            try:
                yield uow
            finally:
                if uow.active:
                    uow.rollback()

    def close(self) -> None:
        """Close the pool and its connections."""
        if not self._closed:
            self._closed = True
            self._pool.close()

    def __repr__(self) -> str:
        return f"PostgresStore({self.url!r})"
