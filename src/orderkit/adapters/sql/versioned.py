"""One way to store every versioned aggregate: a JSON body, indexed columns, a version check."""

from __future__ import annotations

from typing import Any, ClassVar, Generic, Protocol, TypeVar

from orderkit.adapters.sql.base import SqlRepository
from orderkit.errors import ConcurrencyConflict, NotFound

__all__ = ["SqlVersionedRepository", "Versioned"]


class Versioned(Protocol):
    """Protocol: an aggregate with an id and a stored version."""

    id: str
    version: int


A = TypeVar("A", bound=Versioned)


class SqlVersionedRepository(SqlRepository, Generic[A]):
    """Insert, optimistic update and load for one aggregate type in one table.

    In a write unit of work, loading locks the rows (where the dialect needs
    it), so a use case changes what it read and nobody else changes it in
    between: concurrent commands on one aggregate run one after the other,
    as they do on SQLite. The version check on save still catches a caller
    who hands in an aggregate loaded in an earlier unit of work.

    Subclasses name the table, the aggregate class, the not-found error, and
    the indexed columns kept beside the JSON body (:meth:`_columns`).

    Loads read the row's id and version with its body, and take the aggregate
    from the unit of work's :class:`~orderkit.adapters._decoded.DecodedView`
    when it holds that version, decoding the body only when it does not.
    """

    table: ClassVar[str]
    kind: ClassVar[str]
    aggregate: ClassVar[type[Any]]
    not_found: ClassVar[type[NotFound]]
    body_column: ClassVar[str] = "body"
    immutable: ClassVar[tuple[str, ...]] = ()
    """Columns a save must find unchanged (for example an order's number)."""

    def _columns(self, aggregate: A) -> dict[str, Any]:
        """The indexed columns of ``aggregate`` besides id, version and body."""
        return {}

    def _row(self, aggregate: A, version: int) -> dict[str, Any]:
        body = self._converter.unstructure(aggregate)
        body["version"] = version
        return {
            "id": aggregate.id,
            **self._columns(aggregate),
            "version": version,
            self.body_column: self._dialect.encode_json(body),
        }

    def _insert(self, aggregate: A) -> bool:
        """Insert a new aggregate (version 0 → 1); return False if a unique key is taken."""
        if aggregate.version != 0:
            raise ConcurrencyConflict(self.kind, aggregate.id, aggregate.version)
        row = self._row(aggregate, 1)
        columns = ", ".join(row)
        values = ", ".join(f":{name}" for name in row)
        changed = self._session.write(
            f"INSERT INTO {self.table} ({columns}) VALUES ({values}) ON CONFLICT DO NOTHING", row
        )
        if changed == 0:
            return False
        aggregate.version = 1
        self._decoded.stage(self.table, aggregate.id, 1, aggregate, self._without_body(row))
        return True

    def save(self, aggregate: A) -> None:
        """Store a changed aggregate if its stored version is the one it was loaded at.

        Raises:
            ConcurrencyConflict: Someone else saved it since.
            NotFound: It was never added (the subclass's error).
        """
        row = self._row(aggregate, aggregate.version + 1)
        assignments = ", ".join(
            f"{name} = :{name}"
            for name in self._changed_columns(aggregate, row)
            if name not in self.immutable
        )
        guards = "".join(f" AND {name} = :{name}" for name in self.immutable)
        changed = self._session.write(
            f"UPDATE {self.table} SET {assignments} WHERE id = :id AND version = :expected{guards}",
            {**row, "expected": aggregate.version},
        )
        if changed == 0:
            self.get(aggregate.id)  # raises the not-found error when it is missing
            raise ConcurrencyConflict(self.kind, aggregate.id, aggregate.version)
        aggregate.version += 1
        self._decoded.stage(
            self.table, aggregate.id, aggregate.version, aggregate, self._without_body(row)
        )

    def _without_body(self, row: dict[str, Any]) -> dict[str, Any]:
        return {name: value for name, value in row.items() if name != self.body_column}

    def _changed_columns(self, aggregate: A, row: dict[str, Any]) -> list[str]:
        """The columns of ``row`` to set: those that differ from the row as this store wrote it.

        An index whose columns a save does not set is left alone. A row read
        from the database (perhaps written by another process or an older
        orderkit) has every column set.
        """
        before = self._decoded.columns(self.table, aggregate.id, aggregate.version) or {}
        return [
            name
            for name, value in row.items()
            if name != "id" and (name not in before or before[name] != value)
        ]

    def _decode(self, row: Any, *, keep: bool = True) -> A:
        """The aggregate of a row ``(id, version, body)``: from the view, or decoded.

        A decoded aggregate is staged for the cache unless ``keep`` is false (a
        listing of every row would otherwise hold a second copy of each).
        """
        aggregate_id, version = row[0], int(row[1])
        known: A | None = self._decoded.get(self.table, aggregate_id, version)
        if known is not None:
            return known
        loaded: A = self._converter.structure(self._dialect.decode_json(row[2]), self.aggregate)
        if keep:
            self._decoded.stage(self.table, aggregate_id, version, loaded)
        return loaded

    def _load(self, where: str, params: dict[str, Any], key: object) -> A:
        row = self._session.one(
            f"SELECT id, version, {self.body_column} FROM {self.table} "
            f"WHERE {where}{self._session.for_update}",
            params,
        )
        if row is None:
            raise self.not_found(key)
        return self._decode(row)

    def get(self, aggregate_id: str) -> A:
        """Load an aggregate by id.

        Raises:
            NotFound: No aggregate has that id (the subclass's error).
        """
        return self._load("id = :id", {"id": aggregate_id}, aggregate_id)

    def _select(
        self,
        where: str,
        order: str,
        params: dict[str, Any] | None = None,
        *,
        limit: int | None = None,
        lock: bool = True,
    ) -> list[A]:
        query = (
            f"SELECT id, version, {self.body_column} FROM {self.table} "
            f"WHERE {where} ORDER BY {order}"
        )
        arguments = dict(params or {})
        if limit is not None:
            query += " LIMIT :limit"
            arguments["limit"] = limit
        if lock:
            query += self._session.for_update
        return [self._decode(row) for row in self._session.rows(query, arguments)]
