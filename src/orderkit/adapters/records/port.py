"""The record port: the handful of primitives a custom store implements to get every repository.

A backend keeps *records* (JSON-ready dicts) in named *tables*, each record
under a *key*: a tuple of strings and ints, ordered as Python orders tuples.
Inside one transaction it can get, put and delete a record and scan a table's
keys in order. :class:`~orderkit.adapters.records.RecordStore` builds every
repository of :class:`~orderkit.storage.UnitOfWork` on these, so the whole
:class:`~orderkit.testing.contract.StoreContract` passes on any backend that
keeps the promises below.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any, Protocol

__all__ = ["Key", "Record", "RecordBackend", "RecordTransaction"]

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
        """The record under ``key``, or ``None``."""
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


class RecordBackend(Protocol):
    """Protocol: where records live (a dict, a file, a key-value database)."""

    def transaction(self, *, readonly: bool = False) -> AbstractContextManager[RecordTransaction]:
        """Open a transaction; leaving it without :meth:`~RecordTransaction.commit` rolls back.

        Args:
            readonly: Promise not to write; the backend may then let it run
                beside a writer, seeing only committed data.

        Raises:
            StorageError: The backend is closed or cannot start a transaction.
        """
        ...

    def close(self) -> None:
        """Release files and connections."""
        ...
