"""The in-memory store: for tests, notebooks and simulations.

It is a :class:`~orderkit.adapters.records.RecordStore` on
:class:`MemoryRecords`, so it behaves like the database stores in everything
the contract suite checks: values go in and come out through the converter (no
object is shared between the caller and the store), a unit of work commits all
or nothing, writers take turns (like ``BEGIN IMMEDIATE``), and stale aggregates
are refused with :class:`~orderkit.errors.ConcurrencyConflict`. Nothing
survives the process.
"""

from __future__ import annotations

from orderkit.adapters._decoded import DEFAULT_SIZE
from orderkit.adapters.memory._records import MemoryRecords
from orderkit.adapters.records.store import RecordStore

__all__ = ["MemoryRecords", "MemoryStore"]


class MemoryStore(RecordStore):
    """A :class:`~orderkit.storage.Store` that keeps everything in this process's memory.

    Units of work take turns on a lock, like SQLite's ``BEGIN IMMEDIATE``, and
    see only committed data.

    Args:
        cache_size: How many decoded aggregates to keep between units of work
            (0 decodes every record it reads).

    Examples:
        >>> store = MemoryStore()
        >>> with store.unit_of_work(readonly=True) as uow:
        ...     uow.orders.count()
        0
    """

    def __init__(self, *, cache_size: int = DEFAULT_SIZE) -> None:
        super().__init__(MemoryRecords(), cache_size=cache_size)

    def __repr__(self) -> str:
        return "MemoryStore()"
