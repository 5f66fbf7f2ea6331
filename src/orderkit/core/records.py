"""Records: the smallest storage port, for custom stores and for a host's own capabilities.

A record is a JSON-ready dict kept in a named table under a key (a tuple of
strings and ints, ordered as Python orders tuples). A
:class:`RecordTransaction` gets, puts, deletes and scans records inside one
transaction. Stores built on records
(:class:`~orderkit.adapters.records.RecordStore`) make every repository of it,
and every bundled store's unit of work offers one as ``records``, where a
host's own capability keeps its data (:class:`RecordKeeping`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

__all__ = ["Key", "Record", "RecordKeeping", "RecordTransaction"]

Key = tuple[str | int, ...]
"""A record's key: strings and ints; within one table, each position holds one type."""

Record = dict[str, Any]
"""A record: what ``json.dumps`` can write (str, int, bool, None, lists and dicts of them)."""


class RecordTransaction(Protocol):
    """Protocol: one transaction over the backend's tables.

    Reads see the transaction's own writes. Nothing is visible to other
    transactions before :meth:`commit`, and everything is, at once, after it.
    Writing transactions take turns (one at a time, like SQLite's ``BEGIN
    IMMEDIATE``): the repositories read a value and write what follows from
    it, and rely on nobody writing in between.
    """

    def get(self, table: str, key: Key) -> Record | None:
        """The record under ``key``, or ``None``.

        The record may be the one the transaction holds (the bundled stores
        hand it out as they keep it): change a copy, then :meth:`put` it.
        """
        ...

    def put(self, table: str, key: Key, record: Record) -> None:
        """Store ``record`` under ``key``, replacing what was there.

        Raises:
            StorageError: The transaction is read-only.
        """
        ...

    def delete(self, table: str, key: Key) -> None:
        """Remove the record under ``key``, if there is one.

        Raises:
            StorageError: The transaction is read-only.
        """
        ...

    def scan(
        self, table: str, prefix: Key = (), *, before: Key | None = None, reverse: bool = False
    ) -> Iterator[tuple[Key, Record]]:
        """The records whose key starts with ``prefix`` (and is below ``before``), in key order.

        ``reverse`` gives them largest key first. The caller may stop early:
        a backend should not read more than is taken.
        """
        ...

    def commit(self) -> None:
        """Make every write durable and visible, all at once.

        Raises:
            StorageError: The backend failed; nothing was committed, or the
                transaction had already ended.
        """
        ...

    def rollback(self) -> None:
        """Discard every write."""
        ...


class RecordKeeping(Protocol):
    """Protocol: a unit of work that also keeps records, in the same transaction."""

    @property
    def records(self) -> RecordTransaction:
        """The records of this unit of work's transaction (it commits with them)."""
        ...
