"""The plumbing every SQL repository shares: a session, its dialect, the converter."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

import cattrs

from orderkit.adapters._decoded import DecodedCache, DecodedView
from orderkit.adapters.sql.session import SqlSession

__all__ = ["SqlRepository"]

T = TypeVar("T")

_BATCH = 500


class SqlRepository:
    """Shared plumbing of the SQL repositories: the session, the dialect, the converter.

    ``decoded`` is the unit of work's view of the store's decoded values; a
    repository made without one decodes every row it reads.
    """

    def __init__(
        self,
        session: SqlSession,
        converter: cattrs.Converter,
        decoded: DecodedView | None = None,
    ) -> None:
        self._session = session
        self._dialect = session.dialect
        self._converter = converter
        self._decoded = decoded if decoded is not None else DecodedView(DecodedCache(0))

    def _from_text(self, table: str, key: str, stored: Any, kind: type[T]) -> T:
        """The ``kind`` value of ``key`` stored as ``stored``, decoded once per distinct text."""
        converter, dialect = self._converter, self._dialect
        return self._decoded.from_text(
            table, key, stored, lambda text: converter.structure(dialect.decode_json(text), kind)
        )

    def _json(self, value: Any) -> Any:
        return self._dialect.encode_json(self._converter.unstructure(value))

    def _first_column(self, query: str) -> Iterator[Any]:
        """The first column of every row of ``query``, fetched in batches."""
        for row in self._batches(query):
            yield row[0]

    def _batches(self, query: str, params: Mapping[str, Any] | None = None) -> Iterator[Any]:
        """Every row of ``query``, fetched in batches."""
        cursor = self._session.execute(query, params)
        while True:
            try:
                rows = cursor.fetchmany(_BATCH)
            except self._dialect.driver_error as exc:
                self._session.raise_translated(exc)
            if not rows:
                return
            yield from rows

    def _documents(self, query: str) -> Iterator[dict[str, Any]]:
        for stored in self._first_column(query):
            yield self._dialect.decode_json(stored)

    def _count(self, table: str) -> int:
        row = self._session.one(f"SELECT COUNT(*) FROM {table}")
        return int(row[0])
