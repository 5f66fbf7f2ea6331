"""Stores built on a few record primitives: implement a backend, get every repository.

See :class:`RecordBackend` for the primitives and :class:`RecordStore` for the
store made of them; the memory store is one, and the how-to "Write a store"
builds one on a single JSON file.
"""

from orderkit.adapters.records.port import Key, Record, RecordBackend, RecordTransaction
from orderkit.adapters.records.store import RecordStore, RecordUnitOfWork

__all__ = [
    "Key",
    "Record",
    "RecordBackend",
    "RecordStore",
    "RecordTransaction",
    "RecordUnitOfWork",
]
