"""Records in the ``records`` table, for a host's own capabilities on the SQL stores."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orderkit.adapters.records.keys import decode_key, encode_key, prefix_end
from orderkit.adapters.sql.dialect import json_text, parse_json
from orderkit.adapters.sql.session import SqlSession
from orderkit.core.records import Key, Record

__all__ = ["SqlRecords"]

_PAGE = 200
"""Rows a scan reads at a time, so a caller that stops early reads little more."""


class SqlRecords:
    """A :class:`~orderkit.core.records.RecordTransaction` inside an SQL unit of work.

    Keys are stored as order-preserving bytes
    (:func:`~orderkit.adapters.records.keys.encode_key`), so the database
    orders and bounds scans itself. A write transaction takes the dialect's
    records lock before its first record is read, so record writers take turns.
    Commit and rollback belong to the unit of work it lives in.

    It remembers each record it read or wrote, so asking again in the same
    transaction costs no statement: a writer holds the records lock and a
    reader reads one snapshot, so nobody else changes them meanwhile. As in
    the memory store, a record handed out is shared: change a copy.
    """

    def __init__(self, session: SqlSession) -> None:
        self._session = session
        self._known: dict[tuple[str, bytes], Record | None] = {}

    def _turn(self) -> None:
        self._session.take_turn()

    def get(self, table: str, key: Key) -> Record | None:
        """The record under ``key``, or ``None``."""
        encoded = encode_key(key)
        if (table, encoded) in self._known:
            return self._known[(table, encoded)]
        self._turn()
        row = self._session.one(
            "SELECT body FROM records WHERE name = :name AND record_key = :key",
            {"name": table, "key": encoded},
        )
        record = None if row is None else parse_json(row[0])
        self._known[(table, encoded)] = record
        return record

    def get_many(self, table: str, keys: list[Key]) -> dict[Key, Record]:
        """The records under ``keys`` that exist, a few hundred keys a statement."""
        found: dict[Key, Record] = {}
        encoded = {encode_key(key): key for key in keys}
        wanted: list[bytes] = []
        for raw, key in encoded.items():
            if (table, raw) not in self._known:
                wanted.append(raw)
            elif (known := self._known[(table, raw)]) is not None:
                found[key] = known
        if wanted:
            self._turn()
        for start in range(0, len(wanted), _PAGE):
            chunk = wanted[start : start + _PAGE]
            marks = ", ".join(f":k{n}" for n in range(len(chunk)))
            parameters: dict[str, object] = {f"k{n}": key for n, key in enumerate(chunk)}
            parameters["name"] = table
            for stored_key, body in self._session.rows(
                f"SELECT record_key, body FROM records WHERE name = :name "
                f"AND record_key IN ({marks})",
                parameters,
            ):
                record = found[encoded[bytes(stored_key)]] = parse_json(body)
                self._known[(table, bytes(stored_key))] = record
            for absent in chunk:
                self._known.setdefault((table, absent), None)
        return found

    def put(self, table: str, key: Key, record: Record) -> None:
        """Store ``record`` under ``key`` (an upsert)."""
        self._turn()
        encoded = encode_key(key)
        self._session.write(
            "INSERT INTO records (name, record_key, body) VALUES (:name, :key, :body) "
            "ON CONFLICT (name, record_key) DO UPDATE SET body = excluded.body",
            {"name": table, "key": encoded, "body": json_text(record)},
        )
        self._known[(table, encoded)] = record

    def delete(self, table: str, key: Key) -> None:
        """Remove the record under ``key``, if any."""
        self._turn()
        encoded = encode_key(key)
        self._session.write(
            "DELETE FROM records WHERE name = :name AND record_key = :key",
            {"name": table, "key": encoded},
        )
        self._known[(table, encoded)] = None

    def scan(
        self, table: str, prefix: Key = (), *, before: Key | None = None, reverse: bool = False
    ) -> Iterator[tuple[Key, Record]]:
        """The records under ``prefix`` (below ``before``) in key order, a page at a time."""
        for encoded, body in self._pages(table, prefix, before, reverse, "record_key, body"):
            yield decode_key(encoded), parse_json(body)

    def scan_keys(
        self, table: str, prefix: Key = (), *, before: Key | None = None, reverse: bool = False
    ) -> Iterator[Key]:
        """The keys :meth:`scan` would give, without reading their records (an index's)."""
        for row in self._pages(table, prefix, before, reverse, "record_key"):
            yield decode_key(row[0])

    def _pages(
        self, table: str, prefix: Key, before: Key | None, reverse: bool, columns: str
    ) -> Iterator[tuple[Any, ...]]:
        """Rows of ``columns`` (the key first, as bytes) under ``prefix``, in key order."""
        self._turn()
        low = encode_key(prefix)
        high = prefix_end(low)
        if before is not None:
            high = min(high, encode_key(before))
        order = "DESC" if reverse else "ASC"
        while True:
            rows = self._session.rows(
                f"SELECT {columns} FROM records WHERE name = :name "
                f"AND record_key >= :low AND record_key < :high ORDER BY record_key {order} "
                f"LIMIT {_PAGE}",
                {"name": table, "low": low, "high": high},
            )
            for row in rows:
                yield (bytes(row[0]), *row[1:])
            if len(rows) < _PAGE:
                return
            last = bytes(rows[-1][0])
            if reverse:
                high = last
            else:
                low = last + b"\x00"  # the smallest bytes above the last key

    def commit(self) -> None:
        """Not here: the unit of work commits its records with everything else."""
        raise NotImplementedError("records commit with their unit of work: call uow.commit()")

    def rollback(self) -> None:
        """Not here: the unit of work rolls its records back with everything else."""
        raise NotImplementedError("records roll back with their unit of work: uow.rollback()")
