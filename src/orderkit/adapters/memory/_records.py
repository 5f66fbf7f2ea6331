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


class _SortedKeys:
    """Keys in order, in chunks of at most ``2 * CHUNK``: adding or removing one moves a chunk.

    One sorted list would move half of itself on every insert in the middle
    (a ledger filed by SKU grows everywhere); chunks keep each change and each
    lookup cheap however many keys there are.
    """

    CHUNK = 512

    def __init__(self) -> None:
        self._chunks: list[list[Key]] = []
        self._maxes: list[Key] = []  # the last key of each chunk

    def add(self, key: Key) -> None:
        """Insert ``key`` (not present)."""
        if not self._chunks:
            self._chunks.append([key])
            self._maxes.append(key)
            return
        index = min(bisect.bisect_left(self._maxes, key), len(self._maxes) - 1)
        chunk = self._chunks[index]
        bisect.insort(chunk, key)
        self._maxes[index] = chunk[-1]
        if len(chunk) > 2 * self.CHUNK:
            half = len(chunk) // 2
            self._chunks[index : index + 1] = [chunk[:half], chunk[half:]]
            self._maxes[index : index + 1] = [chunk[half - 1], chunk[-1]]

    def remove(self, key: Key) -> None:
        """Take ``key`` out (present)."""
        index = bisect.bisect_left(self._maxes, key)
        chunk = self._chunks[index]
        del chunk[bisect.bisect_left(chunk, key)]
        if chunk:
            self._maxes[index] = chunk[-1]
        else:
            del self._chunks[index]
            del self._maxes[index]

    def _position(self, value: Key, *, width: int | None = None) -> tuple[int, int]:
        """Where the first key above ``value`` is (compared on ``width`` parts), or at or above it.

        Without ``width``: the first key ``>= value``; with it: the first key whose
        first ``width`` parts are ``> value``.
        """
        if width is None:
            index = bisect.bisect_left(self._maxes, value)
            if index == len(self._chunks):
                return index, 0
            return index, bisect.bisect_left(self._chunks[index], value)
        index = bisect.bisect_right(self._maxes, value, key=lambda k: k[:width])
        if index == len(self._chunks):
            return index, 0
        return index, bisect.bisect_right(self._chunks[index], value, key=lambda k: k[:width])

    def span(self, prefix: Key, before: Key | None, *, reverse: bool) -> Iterator[Key]:
        """The keys under ``prefix`` and below ``before``, in order or reversed, read lazily."""
        start = self._position(prefix)
        stop = self._position(prefix, width=len(prefix)) if prefix else (len(self._chunks), 0)
        if before is not None:
            stop = min(stop, self._position(before))
        if stop <= start:
            return
        if reverse:
            for index in range(stop[0] if stop[1] else stop[0] - 1, start[0] - 1, -1):
                chunk = self._chunks[index]
                low = start[1] if index == start[0] else 0
                high = stop[1] if index == stop[0] else len(chunk)
                yield from reversed(chunk[low:high])
        else:
            for index in range(start[0], min(stop[0] + 1, len(self._chunks))):
                chunk = self._chunks[index]
                low = start[1] if index == start[0] else 0
                high = stop[1] if index == stop[0] else len(chunk)
                yield from chunk[low:high]


@attrs.define
class _Table:
    rows: dict[Key, Record] = attrs.Factory(dict)
    keys: _SortedKeys = attrs.Factory(_SortedKeys)  # so scans read only what they return


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
        ordered = stored.keys.span(prefix, before, reverse=reverse)
        changes = self._changes.get(table, {})
        changed = sorted((k for k in changes if _under(k, prefix, before)), reverse=reverse)
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
                        table.keys.remove(key)
                else:
                    if key not in table.rows:
                        table.keys.add(key)
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
