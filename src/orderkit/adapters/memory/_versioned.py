"""Versioned aggregates kept as documents, with the same version rules as the SQL stores."""

from __future__ import annotations

from typing import Any, ClassVar, Generic, Protocol, TypeVar

import cattrs

from orderkit.adapters.memory._tables import Overlay
from orderkit.errors import AlreadyExists, ConcurrencyConflict, NotFound


class Versioned(Protocol):
    id: str
    version: int


A = TypeVar("A", bound=Versioned)


class MemoryVersionedDocuments(Generic[A]):
    kind: ClassVar[str]
    aggregate: ClassVar[type[Any]]
    not_found: ClassVar[type[NotFound]]

    def __init__(self, table: Overlay, converter: cattrs.Converter) -> None:
        self._table = table
        self._converter = converter

    def _write(self, aggregate: A, version: int) -> None:
        document = self._converter.unstructure(aggregate)
        document["version"] = version
        self._table.put(aggregate.id, document)
        aggregate.version = version

    def add(self, aggregate: A) -> None:
        if aggregate.version != 0:
            raise ConcurrencyConflict(self.kind, aggregate.id, aggregate.version)
        if self._table.get(aggregate.id) is not None:
            raise AlreadyExists(self.kind, aggregate.id)
        self._write(aggregate, 1)

    def _check_version(self, aggregate: A) -> dict[str, Any]:
        current = self._table.get(aggregate.id)
        if current is None:
            raise self.not_found(aggregate.id)
        if current["version"] != aggregate.version:
            raise ConcurrencyConflict(self.kind, aggregate.id, aggregate.version)
        checked: dict[str, Any] = current
        return checked

    def save(self, aggregate: A) -> None:
        self._check_version(aggregate)
        self._write(aggregate, aggregate.version + 1)

    def get(self, aggregate_id: str) -> A:
        document = self._table.get(aggregate_id)
        if document is None:
            raise self.not_found(aggregate_id)
        loaded: A = self._converter.structure(document, self.aggregate)
        return loaded

    def _all(self) -> list[A]:
        return [self.get(key) for key in sorted(self._table.live_keys())]
