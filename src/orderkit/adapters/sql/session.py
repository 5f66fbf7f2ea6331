"""A connection in a transaction, running shared queries through a dialect."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

from orderkit.adapters.sql.dialect import Connection, Cursor, Dialect
from orderkit.errors import StorageError

__all__ = ["SqlSession"]

_WRITES = {"INSERT", "UPDATE", "DELETE"}


class SqlSession:
    """Runs queries on one connection, translating driver errors at the boundary.

    Args:
        connection: A DB-API 2 connection with a transaction begun (or, as the
            PostgreSQL session does, begun together with the first statement).
        dialect: The database's dialect.
        readonly: Refuse statements that write.

    Attributes:
        for_update: Appended to a SELECT of rows this transaction may change:
            locks them until it ends (empty in read-only sessions and where
            the dialect holds the write lock already).
        for_share: Appended to a SELECT of rows read to decide a change,
            which concurrent writers must not change until this one ends.
    """

    def __init__(self, connection: Connection, dialect: Dialect, *, readonly: bool = False) -> None:
        self.connection = connection
        self.dialect = dialect
        self.readonly = readonly
        self.for_update = "" if readonly else dialect.locking_read
        self.for_share = "" if readonly else dialect.sharing_read
        self._shared: Cursor | None = None
        self._turn_taken = readonly or not dialect.records_lock

    def execute(self, query: str, params: Mapping[str, Any] | None = None) -> Cursor:
        """Run ``query`` with ``params`` on a cursor of its own and return the cursor.

        For results read in batches while other statements run; :meth:`one`,
        :meth:`rows` and :meth:`write` reuse one cursor and are cheaper.

        Raises:
            StorageError: The driver failed; the driver's error is the cause.
        """
        return self._run(query, params, own_cursor=True)

    def one(self, query: str, params: Mapping[str, Any] | None = None) -> Any:
        """Run ``query`` and return its first row, or ``None``."""
        cursor = self._run(query, params)
        try:
            return cursor.fetchone()
        except self.dialect.driver_error as exc:
            self.raise_translated(exc)

    def rows(self, query: str, params: Mapping[str, Any] | None = None) -> list[Any]:
        """Run ``query`` and return all its rows."""
        cursor = self._run(query, params)
        try:
            return cursor.fetchall()
        except self.dialect.driver_error as exc:
            self.raise_translated(exc)

    def write(self, query: str, params: Mapping[str, Any] | None = None) -> int:
        """Run a statement that changes rows and return how many it changed."""
        return self._run(query, params).rowcount

    def _run(
        self, query: str, params: Mapping[str, Any] | None, *, own_cursor: bool = False
    ) -> Cursor:
        """Run ``query`` on the shared cursor (or a new one) and return that cursor."""
        if self.readonly:
            self.check_writable(query)
        if own_cursor:
            cursor: Cursor = self.connection.cursor()
        else:
            if self._shared is None:
                self._shared = self.connection.cursor()
            cursor = self._shared
        try:
            cursor.execute(self.dialect.sql(query), params or {})
        except self.dialect.driver_error as exc:
            self.raise_translated(exc)
        return cursor

    def take_turn(self) -> None:
        """Wait for the records lock, once per write transaction, where the dialect has one.

        Writers of records and of shipments take turns under it: they read
        what decides a change before locking any row, and rely on nobody
        writing those in between.
        """
        if not self._turn_taken:
            self.execute(self.dialect.records_lock)
            self._turn_taken = True

    def commit(self) -> None:
        """Commit the transaction (the driver's errors are raised as they are)."""
        self.connection.commit()

    def check_writable(self, query: str) -> None:
        """Refuse a statement that writes in a read-only session.

        Raises:
            StorageError: The session is read-only and ``query`` writes.
        """
        if self.readonly and query.lstrip()[:6].upper() in _WRITES:
            raise StorageError(
                "a read-only unit of work cannot write; open one with readonly=False"
            )

    def raise_translated(self, exc: Exception) -> NoReturn:
        """Raise orderkit's error for the driver error ``exc``, chained from it."""
        translated = self.dialect.translate(exc)
        if translated is None:
            raise exc
        raise translated from exc
