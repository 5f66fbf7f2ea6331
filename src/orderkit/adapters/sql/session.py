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
        connection: A DB-API 2 connection with a transaction begun.
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

    def execute(self, query: str, params: Mapping[str, Any] | None = None) -> Cursor:
        """Run ``query`` with ``params`` and return the cursor.

        Raises:
            StorageError: The driver failed; the driver's error is the cause.
        """
        if self.readonly and query.lstrip()[:6].upper() in _WRITES:
            raise StorageError(
                "a read-only unit of work cannot write; open one with readonly=False"
            )
        cursor: Cursor = self.connection.cursor()
        try:
            cursor.execute(self.dialect.sql(query), params or {})
        except self.dialect.driver_error as exc:
            self.raise_translated(exc)
        return cursor

    def one(self, query: str, params: Mapping[str, Any] | None = None) -> Any:
        """Run ``query`` and return its first row, or ``None``."""
        cursor = self.execute(query, params)
        try:
            return cursor.fetchone()
        except self.dialect.driver_error as exc:
            self.raise_translated(exc)

    def raise_translated(self, exc: Exception) -> NoReturn:
        """Raise orderkit's error for the driver error ``exc``, chained from it."""
        translated = self.dialect.translate(exc)
        if translated is None:
            raise exc
        raise translated from exc
