"""The plumbing every SQL repository shares: a session, its dialect, the converter."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import cattrs

from orderkit.adapters.sql.session import SqlSession

__all__ = ["SqlRepository"]

_BATCH = 500


class SqlRepository:
    """Shared plumbing of the SQL repositories: the session, the dialect, the converter."""

    def __init__(self, session: SqlSession, converter: cattrs.Converter) -> None:
        self._session = session
        self._dialect = session.dialect
        self._converter = converter

    def _json(self, value: Any) -> Any:
        return self._dialect.encode_json(self._converter.unstructure(value))

    def _first_column(self, query: str) -> Iterator[Any]:
        """The first column of every row of ``query``, fetched in batches."""
        cursor = self._session.execute(query)
        while True:
            try:
                rows = cursor.fetchmany(_BATCH)
            except self._dialect.driver_error as exc:
                self._session.raise_translated(exc)
            if not rows:
                return
            for row in rows:
                yield row[0]

    def _documents(self, query: str) -> Iterator[dict[str, Any]]:
        for stored in self._first_column(query):
            yield self._dialect.decode_json(stored)

    def _count(self, table: str) -> int:
        row = self._session.one(f"SELECT COUNT(*) FROM {table}")
        return int(row[0])
