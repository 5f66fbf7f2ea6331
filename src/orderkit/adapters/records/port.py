"""The record port: the handful of primitives a custom store implements to get every repository.

A backend keeps *records* (JSON-ready dicts) in named *tables*, each record
under a *key*: a tuple of strings and ints, ordered as Python orders tuples.
Inside one transaction it can get, put and delete a record and scan a table's
keys in order. :class:`~orderkit.adapters.records.RecordStore` builds every
repository of :class:`~orderkit.storage.UnitOfWork` on these, so the whole
:class:`~orderkit.testing.contract.StoreContract` passes on any backend that
keeps the promises below.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from orderkit.core.records import Key, Record, RecordTransaction

__all__ = ["Key", "Record", "RecordBackend", "RecordTransaction"]


class RecordBackend(Protocol):
    """Protocol: where records live (a dict, a file, a key-value database)."""

    def transaction(self, *, readonly: bool = False) -> AbstractContextManager[RecordTransaction]:
        """Open a transaction; leaving it without :meth:`~RecordTransaction.commit` rolls back.

        Args:
            readonly: Promise not to write; the backend may then let it run
                beside a writer, seeing only committed data.

        Raises:
            StorageError: The backend is closed or cannot start a transaction.
        """
        ...

    def close(self) -> None:
        """Release files and connections."""
        ...
