"""Records in this process's memory: sorted tables, and a transaction's changes over them."""

from __future__ import annotations

import bisect
import heapq
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import attrs

from orderkit.adapters.records.port import Key, Record
from orderkit.errors import StorageError

__all__ = ["MemoryRecords"]

_DELETED = None
"""A deletion among a transaction's changes."""


@attrs.define
class _Table:
    rows: dict[Key, Record] = attrs.Factory(dict)
    keys: list[Key] = attrs.Factory(list)  # sorted, so scans read only what they return

    def span(self, prefix: Key, before: Key | None) -> tuple[int, int]:
        """The positions in ``keys`` of the keys under ``prefix`` and below ``before``."""
        width = len(prefix)
        start = bisect.bisect_left(self.keys, prefix)
        end = bisect.bisect_right(self.keys, prefix, key=lambda k: k[:width]) if width else None
        stop = len(self.keys) if end is None else end
        if before is not None:
            stop = min(stop, bisect.bisect_left(self.keys, before))
        return start, max(start, stop)


def _under(key: Key, prefix: Key, before: Key | None) -> bool:
    return key[: len(prefix)] == prefix and (before is None or key < before)


class _MemoryTransaction:
    """One transaction: reads see committed rows with this transaction's changes on top."""

    def __init__(self, tables: dict[str, _Table], readonly: bool) -> None:
        self._tables = tables
        self._readonly = readonly
        self._changes: dict[str, dict[Key, Record | None]] = {}
        self.open = True

    def _writable(self) -> None:
        if not self.open:
            raise StorageError("this unit of work has already ended")
        if self._readonly:
            raise StorageError(
                "a read-only unit of work cannot write; open one with readonly=False"
            )

    def get(self, table: str, key: Key) -> Record | None:
        changes = self._changes.get(table)
        if changes is not None and key in changes:
            return changes[key]
        stored = self._tables.get(table)
        return None if stored is None else stored.rows.get(key)

    def put(self, table: str, key: Key, record: Record) -> None:
        self._writable()
        self._changes.setdefault(table, {})[key] = record

    def delete(self, table: str, key: Key) -> None:
        self._writable()
        self._changes.setdefault(table, {})[key] = _DELETED

    def scan(
        self, table: str, prefix: Key = (), *, before: Key | None = None, reverse: bool = False
    ) -> Iterator[tuple[Key, Record]]:
        stored = self._tables.get(table) or _Table()
        start, stop = stored.span(prefix, before)
        committed = stored.keys[start:stop]
        changes = self._changes.get(table, {})
        changed = sorted((k for k in changes if _under(k, prefix, before)), reverse=reverse)
        ordered = reversed(committed) if reverse else iter(committed)
        seen: Key | None = None
        for key in heapq.merge(ordered, changed, reverse=reverse):
            if key == seen:
                continue  # in both: the change wins, and came up once already
            seen = key
            record = changes[key] if key in changes else stored.rows[key]
            if record is not None:
                yield key, record

    def commit(self) -> None:
        if not self.open:
            raise StorageError("this unit of work has already ended")
        for name, changes in self._changes.items():
            table = self._tables.setdefault(name, _Table())
            for key, record in changes.items():
                if record is None:
                    if table.rows.pop(key, None) is not None:
                        del table.keys[bisect.bisect_left(table.keys, key)]
                else:
                    if key not in table.rows:
                        bisect.insort(table.keys, key)
                    table.rows[key] = record
        self.open = False

    def rollback(self) -> None:
        self.open = False


class MemoryRecords:
    """A :class:`~orderkit.adapters.records.RecordBackend` in this process's memory.

    Transactions take turns on a lock, like SQLite's ``BEGIN IMMEDIATE``;
    readers take it too, so they never see a commit half applied.
    """

    def __init__(self) -> None:
        self._tables: dict[str, _Table] = {}
        self._lock = threading.RLock()
        self._closed = False

    @contextmanager
    def transaction(self, *, readonly: bool = False) -> Iterator[_MemoryTransaction]:
        """Open a transaction; see :meth:`RecordBackend.transaction`."""
        if self._closed:
            raise StorageError("the store is closed")
        with self._lock:
            transaction = _MemoryTransaction(self._tables, readonly)
            try:
                yield transaction
            finally:
                if transaction.open:
                    transaction.rollback()

    def close(self) -> None:
        """Forget nothing, but refuse further transactions."""
        self._closed = True

    def __repr__(self) -> str:
        return "MemoryRecords()"
