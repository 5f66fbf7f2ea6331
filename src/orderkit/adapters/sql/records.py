"""Records in the ``records`` table, for a host's own capabilities on the SQL stores."""

from __future__ import annotations

from collections.abc import Iterator

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
    """

    def __init__(self, session: SqlSession) -> None:
        self._session = session
        self._locked = session.readonly or not session.dialect.records_lock

    def _turn(self) -> None:
        if not self._locked:
            self._session.execute(self._session.dialect.records_lock)
            self._locked = True

    def get(self, table: str, key: Key) -> Record | None:
        """The record under ``key``, or ``None``."""
        self._turn()
        row = self._session.one(
            "SELECT body FROM records WHERE name = :name AND record_key = :key",
            {"name": table, "key": encode_key(key)},
        )
        return None if row is None else parse_json(row[0])

    def get_many(self, table: str, keys: list[Key]) -> dict[Key, Record]:
        """The records under ``keys`` that exist, a few hundred keys a statement."""
        self._turn()
        found: dict[Key, Record] = {}
        encoded = {encode_key(key): key for key in keys}
        wanted = list(encoded)
        for start in range(0, len(wanted), _PAGE):
            chunk = wanted[start : start + _PAGE]
            marks = ", ".join(f":k{n}" for n in range(len(chunk)))
            parameters: dict[str, object] = {f"k{n}": key for n, key in enumerate(chunk)}
            parameters["name"] = table
            for raw, body in self._session.rows(
                f"SELECT record_key, body FROM records WHERE name = :name "
                f"AND record_key IN ({marks})",
                parameters,
            ):
                found[encoded[bytes(raw)]] = parse_json(body)
        return found

    def put(self, table: str, key: Key, record: Record) -> None:
        """Store ``record`` under ``key`` (an upsert)."""
        self._turn()
        self._session.write(
            "INSERT INTO records (name, record_key, body) VALUES (:name, :key, :body) "
            "ON CONFLICT (name, record_key) DO UPDATE SET body = excluded.body",
            {
                "name": table,
                "key": encode_key(key),
                "body": json_text(record),
            },
        )

    def delete(self, table: str, key: Key) -> None:
        """Remove the record under ``key``, if any."""
        self._turn()
        self._session.write(
            "DELETE FROM records WHERE name = :name AND record_key = :key",
            {"name": table, "key": encode_key(key)},
        )

    def scan(
        self, table: str, prefix: Key = (), *, before: Key | None = None, reverse: bool = False
    ) -> Iterator[tuple[Key, Record]]:
        """The records under ``prefix`` (below ``before``) in key order, a page at a time."""
        self._turn()
        low = encode_key(prefix)
        high = prefix_end(low)
        if before is not None:
            high = min(high, encode_key(before))
        order = "DESC" if reverse else "ASC"
        while True:
            rows = self._session.rows(
                "SELECT record_key, body FROM records WHERE name = :name "
                f"AND record_key >= :low AND record_key < :high ORDER BY record_key {order} "
                f"LIMIT {_PAGE}",
                {"name": table, "low": low, "high": high},
            )
            for encoded, body in rows:
                yield decode_key(bytes(encoded)), parse_json(body)
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
