"""The PostgreSQL store: the same schema, queries and repositories as SQLite, on a server.

Several processes on several hosts share one database. Write units of work
run at ``READ COMMITTED``: stock changes are conditional updates (the row
lock the update takes makes the check and the change one step), and every
aggregate a write unit of work loads is locked (``SELECT ... FOR UPDATE``)
until it ends, so two commands on one order run one after the other.
Read-only units of work run at ``REPEATABLE READ READ ONLY``: one consistent
snapshot for a whole report, and they never wait for writers.

When PostgreSQL aborts a transaction to break a deadlock or a serialisation
conflict, the error is :class:`~orderkit.errors.TransactionConflict`; when a
connection breaks before the commit (a server restart, a network cut), it is
:class:`~orderkit.errors.ConnectionLost`. Both left nothing behind, and the
services run the use case again (:class:`~orderkit.RetryPolicy`); the pool
replaces broken connections.

Needs the ``postgres`` extra: ``pip install 'orderkit[postgres]'``.
"""

from __future__ import annotations

import contextlib
import re
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, NoReturn

import psycopg
import psycopg_pool
from psycopg import errors as pg_errors
from psycopg import pq
from psycopg.adapt import PyFormat, Transformer
from psycopg.pq import TransactionStatus
from psycopg.types.numeric import Int8Dumper
from psycopg.types.string import TextLoader

from orderkit.adapters._decoded import DEFAULT_SIZE, DecodedCache
from orderkit.adapters.sql.dialect import Connection, Cursor, json_text, parse_json
from orderkit.adapters.sql.migrations_runner import (
    apply_migrations,
    load_migrations,
    schema_version,
)
from orderkit.adapters.sql.session import SqlSession
from orderkit.adapters.sql.unit_of_work import SqlUnitOfWork
from orderkit.adapters.urls import redact_url
from orderkit.capabilities import make_converter
from orderkit.errors import (
    ConfigurationError,
    ConnectionLost,
    SchemaVersionError,
    StorageBusy,
    StorageError,
    StorageIntegrityError,
    StorageUnavailable,
    TransactionConflict,
)

__all__ = ["PostgresDialect", "PostgresStore"]

_PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
# Taken by the transaction that migrates, so that two processes opening a new
# database at once apply each step exactly once ("orderkit" in ASCII).
_MIGRATION_LOCK = 0x6F726465726B6974
# Statements prepared per connection at most; orderkit's own are far fewer,
# but queries built from filters (finding orders) vary.
_PREPARED_LIMIT = 200
_CONFLICTS = {"40001", "40P01"}  # serialization_failure, deadlock_detected
_BUSY = {"55P03", "57014"}  # lock_not_available, query_canceled (statement timeout)
_UNAVAILABLE_CLASSES = ("28", "3D", "53")  # login, unknown database, out of resources
# The connection broke (or the server ended it) while the transaction was open.
_LOST_CLASSES = ("08", "57P")


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
            "bytes": "BYTEA",
            "timestamp": "TIMESTAMPTZ",
            "serial_pk": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
            "without_rowid": "",
        }
    )
    locking_read = " FOR UPDATE"
    sharing_read = " FOR SHARE"
    # One key for every record writer; 0x6f6b7265 spells "okre" (orderkit records).
    records_lock = "SELECT pg_advisory_xact_lock(1869311589)"
    writes_in_with = True
    table_exists_query = (
        "SELECT 1 FROM information_schema.tables "
        "WHERE table_schema = current_schema() AND table_name = :name"
    )

    def __init__(self) -> None:
        self._queries: dict[str, str] = {}
        self._positional: dict[str, tuple[bytes, tuple[str, ...]]] = {}

    def sql(self, query: str) -> str:
        """Rewrite ``:name`` parameters as ``%(name)s`` (once per query text)."""
        rewritten = self._queries.get(query)
        if rewritten is None:
            rewritten = _PARAMETER.sub(r"%(\1)s", query.replace("%", "%%"))
            self._queries[query] = rewritten
        return rewritten

    def positional(self, query: str) -> tuple[bytes, tuple[str, ...]]:
        """Rewrite ``:name`` parameters as ``$1``, ``$2`` ...; return the text and the names."""
        found = self._positional.get(query)
        if found is None:
            names: list[str] = []

            def number(match: re.Match[str]) -> str:
                if match.group(1) not in names:
                    names.append(match.group(1))
                return f"${names.index(match.group(1)) + 1}"

            found = (_PARAMETER.sub(number, query).encode(), tuple(names))
            self._positional[query] = found
        return found

    @staticmethod
    def begin_statement(*, readonly: bool) -> str:
        """``READ COMMITTED`` for writes; one ``REPEATABLE READ`` snapshot for reads."""
        if readonly:
            return "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
        return "BEGIN ISOLATION LEVEL READ COMMITTED"

    def begin(self, connection: Connection, *, readonly: bool) -> None:
        """Start a transaction (the store sends it with the first statement instead)."""
        connection.cursor().execute(self.begin_statement(readonly=readonly))

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
        if state.startswith(_LOST_CLASSES) or (
            not state and isinstance(error, psycopg.OperationalError)
        ):
            return ConnectionLost(f"the connection to PostgreSQL broke: {message}")
        if state.startswith(_UNAVAILABLE_CLASSES):
            return StorageUnavailable(f"PostgreSQL cannot be used: {message}")
        return StorageError(f"PostgreSQL failed: {message}")


class _Rows:
    """The rows and row count of one statement run by :class:`_Prepared`."""

    __slots__ = ("_next", "_rows", "rowcount")

    def __init__(self, rows: list[tuple[Any, ...]], rowcount: int) -> None:
        self._rows = rows
        self._next = 0
        self.rowcount = rowcount

    def execute(self, sql: str, params: Mapping[str, Any], /) -> Any:
        raise TypeError("a statement's rows cannot run another statement")

    def fetchone(self) -> Any:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchmany(self, size: int, /) -> list[Any]:
        taken = self._rows[self._next : self._next + size]
        self._next += len(taken)
        return taken

    def fetchall(self) -> list[Any]:
        return self.fetchmany(len(self._rows))


class _Prepared:
    """orderkit's statements on one connection, prepared once and run through libpq.

    psycopg's cursors cost about 50 µs of Python per statement; the unit of
    work's statements are few and known, so they are prepared once per
    connection (keyed by text and parameter types) and run with psycopg's
    libpq wrapper, parameters and rows adapted by psycopg's own
    :class:`~psycopg.adapt.Transformer`.
    """

    def __init__(self, connection: psycopg.Connection[Any]) -> None:
        self._pgconn = connection.pgconn
        self._encoding = connection.info.encoding
        self._adapt = Transformer(connection)
        self._names: dict[tuple[bytes, tuple[int, ...]], bytes] = {}
        self._made = 0

    def run(self, sql: bytes, values: list[Any], *, begin: bytes | None = None) -> _Rows:
        """Run a statement; with ``begin``, send that ``BEGIN`` in the same round trip."""
        adapt = self._adapt
        dumped = adapt.dump_sequence(values, [PyFormat.TEXT] * len(values))
        key = (sql, tuple(adapt.types or ()))
        name = self._names.pop(key, None)
        if name is None:
            if len(self._names) >= _PREPARED_LIMIT:  # forget the least recently used
                oldest = next(iter(self._names))
                self._check(self._pgconn.exec_(b"DEALLOCATE " + self._names.pop(oldest)))
            name = b"orderkit_%d" % self._made
            self._made += 1
            self._check(self._pgconn.prepare(name, sql, key[1]))
        self._names[key] = name  # now the most recently used
        if begin is None:
            # None is SQL NULL; the wrapper's annotation leaves it out, libpq takes it.
            result = self._check(self._pgconn.exec_prepared(name, dumped))  # type: ignore[arg-type]
        else:
            result = self._after(begin, name, dumped)
        if result.status == pq.ExecStatus.TUPLES_OK:
            adapt.set_pgresult(result)
            rows = adapt.load_rows(0, result.ntuples, tuple)
            return _Rows(rows, result.ntuples)
        return _Rows([], result.command_tuples or 0)

    def command(self, sql: bytes) -> None:
        """Run a statement without parameters or rows (``COMMIT``)."""
        self._check(self._pgconn.exec_(sql))

    def _after(self, begin: bytes, name: bytes, dumped: Any) -> pq.abc.PGresult:
        """``BEGIN`` and a prepared statement in one libpq pipeline: one round trip."""
        pgconn = self._pgconn
        pgconn.enter_pipeline_mode()
        results: list[pq.abc.PGresult] = []
        try:
            pgconn.send_query_params(begin, None)
            pgconn.send_query_prepared(name, dumped)
            pgconn.pipeline_sync()
            while pgconn.flush():  # the few bytes of two statements leave at once
                pass
            ended = False
            while True:
                result = pgconn.get_result()
                if result is None:
                    if ended or pgconn.status == pq.ConnStatus.BAD:
                        break  # nothing more will come: the connection broke
                    ended = True  # the end of one statement's results
                    continue
                ended = False
                if result.status == pq.ExecStatus.PIPELINE_SYNC:
                    break
                results.append(result)
        finally:
            with contextlib.suppress(psycopg.Error):
                pgconn.exit_pipeline_mode()
        if pgconn.status == pq.ConnStatus.BAD or not results:
            self._lost()
        for result in results:
            self._check(result)  # the first error: BEGIN's, or the statement's
        return results[-1]

    def _check(self, result: pq.abc.PGresult) -> pq.abc.PGresult:
        if result.status == pq.ExecStatus.FATAL_ERROR:
            if self._pgconn.status == pq.ConnStatus.BAD:
                self._lost()
            raise pg_errors.error_from_result(result, encoding=self._encoding)
        return result

    def _lost(self) -> NoReturn:
        """The server ended the connection (a restart, or while it sat in the pool).

        Raised as psycopg raises it, so the store says ``ConnectionLost``: the
        transaction is gone, and a session that had not begun takes another
        connection.
        """
        message = self._pgconn.get_error_message(self._encoding) or "the connection is lost"
        raise psycopg.OperationalError(message.strip())


class _PostgresSession(SqlSession):
    """A transaction on one connection, begun together with its first statement.

    ``BEGIN`` and the first statement go to the server in one pipeline: one
    round trip instead of two for every unit of work (a unit of work that
    runs no statement never begins). When that first exchange finds the
    connection broken (a server restart ended it while it sat in the pool),
    nothing has happened yet, so the session takes another connection from
    ``pool`` and sends both again.
    """

    def __init__(
        self,
        connection: psycopg.Connection[Any],
        dialect: PostgresDialect,
        *,
        readonly: bool,
        pool: _Borrowing | None = None,
        prepared: Callable[[psycopg.Connection[Any]], _Prepared] | None = None,
    ) -> None:
        super().__init__(connection, dialect, readonly=readonly)
        self._pending_begin: str | None = dialect.begin_statement(readonly=readonly)
        self._positional = dialect.positional
        self._pool = pool
        self._prepared = prepared

    def _run(
        self, query: str, params: Mapping[str, Any] | None, *, own_cursor: bool = False
    ) -> Cursor:
        begin = self._pending_begin
        if begin is None:
            if own_cursor or self._prepared is None:
                return super()._run(query, params, own_cursor=own_cursor)
            return self._run_prepared(query, params or {})
        self._pending_begin = None
        replacements = 0 if self._pool is None else self._pool.size
        while True:
            connection: psycopg.Connection[Any] = self.connection  # type: ignore[assignment]
            try:
                if not own_cursor and self._prepared is not None:
                    return self._run_prepared(query, params or {}, begin=begin.encode())
                with connection.pipeline():
                    connection.execute(begin)
                    return super()._run(query, params, own_cursor=own_cursor)
            except (ConnectionLost, psycopg.Error) as exc:
                lost = isinstance(exc, ConnectionLost) or isinstance(
                    self.dialect.translate(exc), ConnectionLost
                )
                if not (lost and replacements):
                    if isinstance(exc, psycopg.Error):
                        self.raise_translated(exc)
                    raise
            replacements -= 1
            assert self._pool is not None
            self.connection = self._pool.replace(connection)
            self._shared = None

    def _run_prepared(
        self, query: str, params: Mapping[str, Any], *, begin: bytes | None = None
    ) -> Cursor:
        self.check_writable(query)
        sql, names = self._positional(query)
        try:
            connection: psycopg.Connection[Any] = self.connection  # type: ignore[assignment]
            statements = self._prepared(connection)  # type: ignore[misc]
            return statements.run(sql, [params[n] for n in names], begin=begin)
        except psycopg.Error as exc:
            self.raise_translated(exc)

    def commit(self) -> None:
        """``COMMIT`` straight through libpq, without psycopg's generator machinery."""
        connection: psycopg.Connection[Any] = self.connection  # type: ignore[assignment]
        if self._prepared is None or self._pending_begin is not None:
            connection.commit()  # nothing ran, or the plain path began the transaction
            return
        self._prepared(connection).command(b"COMMIT")

    def end(self) -> None:
        """Roll back what is still open and give the connection back to the pool."""
        connection: psycopg.Connection[Any] = self.connection  # type: ignore[assignment]
        if connection.info.transaction_status != TransactionStatus.IDLE:
            # A broken connection cannot roll back; the pool discards it.
            with contextlib.suppress(psycopg.Error):
                connection.rollback()
        if self._pool is not None:
            self._pool.give_back(connection)


class _Borrowing:
    """Connections lent by the pool, with orderkit's errors for the pool's failures."""

    def __init__(self, pool: psycopg_pool.ConnectionPool[Any], timeout: float) -> None:
        self._pool = pool
        self._timeout = timeout
        self.size = pool.max_size

    def borrow(self) -> psycopg.Connection[Any]:
        try:
            connection: psycopg.Connection[Any] = self._pool.getconn(self._timeout)
        except psycopg_pool.PoolClosed as exc:
            raise StorageError("the store is closed") from exc
        except psycopg_pool.PoolTimeout as exc:
            raise StorageBusy(
                f"no free connection in the pool within {self._timeout} s: {exc}"
            ) from exc
        return connection

    def give_back(self, connection: psycopg.Connection[Any]) -> None:
        self._pool.putconn(connection)

    def replace(self, broken: psycopg.Connection[Any]) -> psycopg.Connection[Any]:
        self.give_back(broken)  # the pool discards it
        return self.borrow()


def _configure(connection: psycopg.Connection[Any]) -> None:
    # Documents come back as their text, as on SQLite; times in UTC; every
    # int travels as a bigint, so a prepared statement's types never change.
    connection.adapters.register_loader("jsonb", TextLoader)
    connection.adapters.register_dumper(int, Int8Dumper)
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
        cache_size: How many decoded aggregates to keep between units of work
            (by stored version; 0 decodes every row it reads).

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
        cache_size: int = DEFAULT_SIZE,
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
        self._decoded = DecodedCache(cache_size)
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
            # psycopg prepares nothing itself: it would deallocate every
            # statement of the connection, orderkit's too, at each rollback.
            kwargs={
                "autocommit": True,
                "connect_timeout": connect_timeout_s,
                "prepare_threshold": None,
            },
            configure=_configure,
            name="orderkit",
            open=False,
        )
        self._pool.open()
        self._borrowing = _Borrowing(self._pool, timeout)
        self._prepared: weakref.WeakKeyDictionary[psycopg.Connection[Any], _Prepared] = (
            weakref.WeakKeyDictionary()
        )

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
        session = _PostgresSession(connection, self._dialect, readonly=readonly)
        try:
            yield session
        finally:
            session.end()

    @contextmanager
    def unit_of_work(self, *, readonly: bool = False) -> Iterator[SqlUnitOfWork]:
        """Open a unit of work; see :meth:`orderkit.storage.Store.unit_of_work`."""
        if self._closed:
            raise StorageError("the store is closed")
        session = _PostgresSession(
            self._borrowing.borrow(),
            self._dialect,
            readonly=readonly,
            pool=self._borrowing,
            prepared=self._prepared_on,
        )
        try:
            uow = SqlUnitOfWork(session, self._converter, self._decoded)
            try:
                yield uow
            finally:
                if uow.active:
                    uow.rollback()
        finally:
            session.end()

    def _prepared_on(self, connection: psycopg.Connection[Any]) -> _Prepared:
        statements = self._prepared.get(connection)
        if statements is None:
            statements = self._prepared[connection] = _Prepared(connection)
        return statements

    def close(self) -> None:
        """Close the pool and its connections."""
        if not self._closed:
            self._closed = True
            self._pool.close()

    def __repr__(self) -> str:
        return f"PostgresStore({self.url!r})"
