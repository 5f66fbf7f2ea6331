"""Typed documents over a record transaction, with secondary indexes kept beside them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar, Generic, Protocol, TypeVar

import cattrs

from orderkit.adapters._decoded import DecodedCache, DecodedView
from orderkit.adapters.records.port import Key, Record, RecordTransaction
from orderkit.errors import AlreadyExists, ConcurrencyConflict, NotFound

T = TypeVar("T")

Index = Callable[[T], Iterable[Key]]
"""The index keys of a value: none, one or several (a payment has one per signal)."""


def moment(at: datetime) -> str:
    """An aware datetime as a key part that sorts as time does, whatever its offset."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


class Counters:
    """Internal counters (positions, totals) in a table apart from the shop's own sequences."""

    TABLE = "counters"

    def __init__(self, transaction: RecordTransaction) -> None:
        self._tx = transaction

    def value(self, name: str) -> int:
        """The counter's current value (0 if never moved)."""
        record = self._tx.get(self.TABLE, (name,))
        return 0 if record is None else int(record["value"])

    def add(self, name: str, step: int = 1) -> int:
        """Move the counter by ``step``; return its new value."""
        value = self.value(name) + step
        self._tx.put(self.TABLE, (name,), {"value": value})
        return value


class DocumentTable(Generic[T]):
    """Values of one type stored as documents in one table, each under a key.

    Each record holds the document and the index keys it was filed under, so
    a rewrite can take back the old index entries without decoding the old
    document. An index ``name`` lives in the table ``"{table}.{name}"``, one
    empty record per index key followed by the document's key.
    """

    def __init__(
        self,
        transaction: RecordTransaction,
        converter: cattrs.Converter,
        table: str,
        kind: type[T],
        indexes: Mapping[str, Index[T]] | None = None,
    ) -> None:
        self.tx = transaction
        self.converter = converter
        self.table = table
        self.kind = kind
        self.indexes = dict(indexes or {})

    def document(self, key: Key) -> dict[str, Any] | None:
        """The stored document under ``key``, as stored."""
        record = self.tx.get(self.table, key)
        return None if record is None else dict(record["document"])

    def load(self, key: Key) -> T | None:
        """The value under ``key``, or ``None``."""
        document = self.document(key)
        return None if document is None else self.structure(document)

    def structure(self, document: Mapping[str, Any]) -> T:
        """A value from its document."""
        value: T = self.converter.structure(document, self.kind)
        return value

    def store(self, key: Key, value: T, document: dict[str, Any] | None = None) -> None:
        """Write ``value`` (or its ready ``document``) under ``key``; refile its index entries."""
        if document is None:
            document = self.converter.unstructure(value)
        old = self.tx.get(self.table, key)
        filed = {name: [list(k) for k in index(value)] for name, index in self.indexes.items()}
        if old is None:
            Counters(self.tx).add(f"{self.table}.count")
        else:
            for name, keys in old["indexed"].items():
                for stale in keys:
                    if stale not in filed.get(name, []):
                        self.tx.delete(f"{self.table}.{name}", (*stale, *key))
        for name, keys in filed.items():
            previous = [] if old is None else old["indexed"].get(name, [])
            for fresh in keys:
                if fresh not in previous:
                    self.tx.put(f"{self.table}.{name}", (*fresh, *key), {})
        record: Record = {"document": document, "indexed": filed}
        self.tx.put(self.table, key, record)

    def keys(
        self,
        index: str,
        prefix: Key = (),
        *,
        before: Key | None = None,
        reverse: bool = False,
        arity: int = 1,
    ) -> Iterator[Key]:
        """The keys of the documents filed under ``prefix`` in an index, in index order."""
        for filed in self.entries(index, prefix, before=before, reverse=reverse):
            yield filed[-arity:]

    def entries(
        self, index: str, prefix: Key = (), *, before: Key | None = None, reverse: bool = False
    ) -> Iterator[Key]:
        """An index's whole entries (index key, then document key) under ``prefix``."""
        name = f"{self.table}.{index}"
        scan_keys = getattr(self.tx, "scan_keys", None)  # a backend's cheaper keys-only scan
        if scan_keys is not None:
            yield from scan_keys(name, prefix, before=before, reverse=reverse)
        else:
            for filed, _ in self.tx.scan(name, prefix, before=before, reverse=reverse):
                yield filed

    def scan(self, prefix: Key = (), *, reverse: bool = False) -> Iterator[tuple[Key, T]]:
        """Every value (under ``prefix``) in key order."""
        for key, record in self.tx.scan(self.table, prefix, reverse=reverse):
            yield key, self.structure(record["document"])

    def count(self) -> int:
        """How many documents the table holds."""
        return Counters(self.tx).value(f"{self.table}.count")


class Versioned(Protocol):
    """An aggregate saved with a version check."""

    id: str
    version: int


A = TypeVar("A", bound=Versioned)


class VersionedTable(DocumentTable[A]):
    """Aggregates under their id, saved only over the version they were loaded at.

    A document is structured only when the unit of work's decoded view does
    not hold its id at its stored version.
    """

    def __init__(
        self,
        transaction: RecordTransaction,
        converter: cattrs.Converter,
        table: str,
        kind: type[A],
        *,
        label: str,
        not_found: type[NotFound],
        indexes: Mapping[str, Index[A]] | None = None,
        decoded: DecodedView | None = None,
    ) -> None:
        super().__init__(transaction, converter, table, kind, indexes)
        self.label = label
        self.not_found = not_found
        self.decoded = decoded if decoded is not None else DecodedView(DecodedCache(0))

    def structure(self, document: Mapping[str, Any], *, keep: bool = True) -> A:
        """The aggregate of a stored document: from the decoded view, or structured.

        A structured aggregate is staged for the cache unless ``keep`` is false
        (a listing of every record would otherwise hold a second copy of each).
        """
        aggregate_id, version = str(document["id"]), int(document["version"])
        known: A | None = self.decoded.get(self.table, aggregate_id, version)
        if known is None:
            known = super().structure(document)
            if keep:
                self.decoded.stage(self.table, aggregate_id, version, known)
        return known

    def write(self, aggregate: A, version: int) -> None:
        """Store ``aggregate`` as ``version`` and give it that version."""
        document = self.converter.unstructure(aggregate)
        document["version"] = version
        self.store((aggregate.id,), aggregate, document)
        aggregate.version = version
        self.decoded.stage(self.table, aggregate.id, version, aggregate)

    def add(self, aggregate: A) -> None:
        """Store a new aggregate as version 1.

        Raises:
            ConcurrencyConflict: It was loaded from the store (its version is not 0).
            AlreadyExists: An aggregate with its id is stored.
        """
        if aggregate.version != 0:
            raise ConcurrencyConflict(self.label, aggregate.id, aggregate.version)
        if self.tx.get(self.table, (aggregate.id,)) is not None:
            raise AlreadyExists(self.label, aggregate.id)
        self.write(aggregate, 1)

    def current(self, aggregate: A) -> dict[str, Any]:
        """The stored document of ``aggregate``, checked to be at its version.

        Raises:
            NotFound: Nothing is stored under its id.
            ConcurrencyConflict: Another unit of work saved it since it was loaded.
        """
        current = self.document((aggregate.id,))
        if current is None:
            raise self.not_found(aggregate.id)
        if current["version"] != aggregate.version:
            raise ConcurrencyConflict(self.label, aggregate.id, aggregate.version)
        return current

    def save(self, aggregate: A) -> None:
        """Store a changed aggregate as its next version (see :meth:`current`)."""
        self.current(aggregate)
        self.write(aggregate, aggregate.version + 1)

    def get(self, aggregate_id: str, *, keep: bool = True) -> A:
        """The aggregate with that id (``keep``: see :meth:`structure`).

        Raises:
            NotFound: There is none.
        """
        document = self.document((aggregate_id,))
        if document is None:
            raise self.not_found(aggregate_id)
        return self.structure(document, keep=keep)

    def by(self, index: str, prefix: Key = (), *, reverse: bool = False) -> list[A]:
        """The aggregates filed under ``prefix`` in an index, in index order.

        A transaction that reads many records at once (``get_many``, as the
        SQL stores' do) reads them in a few statements rather than one each.
        """
        return self._load([str(key[0]) for key in self.keys(index, prefix, reverse=reverse)])

    def between(self, index: str, low: int, high: int) -> list[A]:
        """The aggregates filed in an index under a first key part from ``low`` to ``high``.

        In index order; only that stretch of the index is read.
        """
        ids = []
        for filed in self.entries(index, before=(high + 1,), reverse=True):
            if filed[0] < low:  # type: ignore[operator]
                break
            ids.append(str(filed[-1]))
        ids.reverse()
        return self._load(ids)

    def _load(self, ids: list[str]) -> list[A]:
        get_many = getattr(self.tx, "get_many", None)
        if get_many is None or len(ids) < 2:
            return [self.get(aggregate_id) for aggregate_id in ids]
        records = get_many(self.table, [(aggregate_id,) for aggregate_id in ids])
        found = []
        for aggregate_id in ids:
            record = records.get((aggregate_id,))
            if record is None:
                raise self.not_found(aggregate_id)
            found.append(self.structure(record["document"]))
        return found

    def every(self) -> Iterator[A]:
        """Every aggregate, by id (not kept for the cache: see :meth:`structure`)."""
        for _, record in self.tx.scan(self.table):
            yield self.structure(record["document"], keep=False)


class VersionedRecords(Generic[A]):
    """A repository of one aggregate type over a :class:`VersionedTable`.

    Subclasses declare the table (``TABLE``, ``KIND``, ``LABEL``, ``NOT_FOUND``
    and the ``INDEXES`` it files under) and add their own questions; adding,
    saving and getting are the table's.
    """

    TABLE: ClassVar[str]
    KIND: ClassVar[type[Any]]
    LABEL: ClassVar[str]
    NOT_FOUND: ClassVar[type[NotFound]]
    INDEXES: ClassVar[Mapping[str, Index[Any]]] = {}

    def __init__(
        self,
        transaction: RecordTransaction,
        converter: cattrs.Converter,
        decoded: DecodedView | None = None,
    ) -> None:
        self._table: VersionedTable[A] = VersionedTable(
            transaction,
            converter,
            self.TABLE,
            self.KIND,
            label=self.LABEL,
            not_found=self.NOT_FOUND,
            indexes=self.INDEXES,
            decoded=decoded,
        )

    def add(self, aggregate: A) -> None:
        """Store a new aggregate (see :meth:`VersionedTable.add`)."""
        self._table.add(aggregate)

    def save(self, aggregate: A) -> None:
        """Store a changed aggregate over the version it was loaded at."""
        self._table.save(aggregate)

    def get(self, aggregate_id: str) -> A:
        """The aggregate with that id (the subclass's not-found error if none)."""
        return self._table.get(aggregate_id)

    def _lapsing_by(self, at: datetime, limit: int) -> list[A]:
        """Up to ``limit`` aggregates filed under ``"lapsing"`` by ``at``, soonest first."""
        due: list[A] = []
        for key in self._table.keys("lapsing", arity=2):
            if str(key[0]) > moment(at) or len(due) >= limit:
                break
            due.append(self._table.get(str(key[1])))
        return due
