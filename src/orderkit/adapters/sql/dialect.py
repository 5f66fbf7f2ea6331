"""What differs between SQL databases, behind one small Protocol."""

from __future__ import annotations

import json
import types
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from orderkit.errors import StorageError

_orjson: types.ModuleType | None
try:
    import orjson as _orjson
except ImportError:  # the "fast" extra is not installed: the standard library does it all
    _orjson = None

__all__ = ["Connection", "Cursor", "Dialect", "json_text", "parse_json"]


class Cursor(Protocol):
    """Protocol: the part of a DB-API 2 cursor the SQL layer uses."""

    @property
    def rowcount(self) -> int:
        """Rows changed by the last statement."""
        ...

    def execute(self, sql: str, params: Mapping[str, Any], /) -> Any:
        """Run one statement."""
        ...

    def fetchone(self) -> Any:
        """Return the next row or ``None``."""
        ...

    def fetchmany(self, size: int, /) -> list[Any]:
        """Return up to ``size`` rows."""
        ...

    def fetchall(self) -> list[Any]:
        """Return the remaining rows."""
        ...


class Connection(Protocol):
    """Protocol: the part of a DB-API 2 connection the SQL layer uses."""

    def cursor(self) -> Any:
        """Return a new cursor."""
        ...

    def commit(self) -> None:
        """Commit the current transaction."""
        ...

    def rollback(self) -> None:
        """Roll back the current transaction."""
        ...


class Dialect(Protocol):
    """Protocol: one SQL database's differences from the shared schema and queries."""

    @property
    def name(self) -> str:
        """The database's name (``"sqlite"``)."""
        ...

    @property
    def driver_error(self) -> type[Exception]:
        """The base class of the driver's errors (``sqlite3.Error``, ``psycopg.Error``)."""
        ...

    @property
    def column_types(self) -> Mapping[str, str]:
        """Replacements for the type tokens of the migration files.

        The tokens are ``{text}``, ``{bigint}``, ``{json}``, ``{bytes}``, ``{timestamp}``,
        ``{serial_pk}`` and ``{without_rowid}`` (a table option; empty where it means nothing).
        """
        ...

    @property
    def locking_read(self) -> str:
        """What a write transaction appends to a SELECT of rows it may change.

        ``" FOR UPDATE"`` where concurrent writers run side by side
        (PostgreSQL); empty where a write transaction holds the whole
        database's write lock from its start (SQLite).
        """
        ...

    @property
    def sharing_read(self) -> str:
        """Like :attr:`locking_read`, for rows read to decide but rarely changed.

        ``" FOR SHARE"`` on PostgreSQL: concurrent readers go on together, a
        writer waits for them.
        """
        ...

    @property
    def records_lock(self) -> str:
        """A statement that makes writers of records take turns, or empty where they do already.

        Record repositories read and then write what follows (a counter, a
        unique index); PostgreSQL's writers run side by side, so they take a
        transaction-level advisory lock first. SQLite's ``BEGIN IMMEDIATE``
        already holds the database's write lock.
        """
        ...

    @property
    def writes_in_with(self) -> bool:
        """Whether an ``UPDATE ... RETURNING`` can feed an ``INSERT`` in one ``WITH`` statement."""
        ...

    @property
    def table_exists_query(self) -> str:
        """A query with a ``:name`` parameter that returns a row if that table exists."""
        ...

    def sql(self, query: str) -> str:
        """Return ``query`` (written with ``:name`` parameters) in the driver's style."""
        ...

    def begin(self, connection: Connection, *, readonly: bool) -> None:
        """Start a transaction; a write transaction takes the write lock at once."""
        ...

    def encode_time(self, value: datetime) -> Any:
        """Return ``value`` as the driver should store it."""
        ...

    def decode_time(self, value: Any) -> datetime:
        """Return the aware datetime for a stored time."""
        ...

    def encode_json(self, document: Mapping[str, Any]) -> Any:
        """Return ``document`` as the driver should store it."""
        ...

    def decode_json(self, value: Any) -> dict[str, Any]:
        """Return the document for a stored JSON value."""
        ...

    def translate(self, error: Exception) -> StorageError | None:
        """Return orderkit's error for a driver error, or ``None`` if it is not one."""
        ...


def json_text(document: Mapping[str, Any]) -> str:
    """Return ``document`` as compact JSON text (non-ASCII kept as it is).

    With the ``fast`` extra installed, ``orjson`` writes it (the same JSON,
    several times faster); what only the standard library can write (an
    integer beyond 64 bits) falls back to it.
    """
    if _orjson is not None:
        try:
            text: str = _orjson.dumps(document, option=_orjson.OPT_NON_STR_KEYS).decode()
        except TypeError:
            pass
        else:
            return text
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def parse_json(text: str | bytes) -> dict[str, Any]:
    """Return the document stored as JSON ``text`` (read by ``orjson`` when installed)."""
    if _orjson is not None:
        try:
            parsed: dict[str, Any] = _orjson.loads(text)
        except _orjson.JSONDecodeError:
            pass  # let the standard library say what is wrong, as it always did
        else:
            return parsed
    document: dict[str, Any] = json.loads(text)
    return document
