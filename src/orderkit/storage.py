"""The storage port: a Store opens units of work; a unit of work gives repositories.

One use case is one unit of work: everything read and written through the
repositories of one unit of work commits together or not at all. Leaving the
``with`` block without calling :meth:`UnitOfWork.commit` rolls everything back,
and so does an exception.

Example:
    >>> from orderkit.adapters.memory import MemoryStore
    >>> store = MemoryStore()
    >>> with store.unit_of_work() as uow:
    ...     uow.sequences.next("order")
    ...     uow.commit()
    1
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

from orderkit.core.ports import Outbox, Sequences, UnitOfWorkBase
from orderkit.reports.ports import ReportsUnitOfWork
from orderkit.returns.ports import ReturnsUnitOfWork

__all__ = ["Outbox", "Sequences", "Store", "UnitOfWork", "UnitOfWorkBase"]


class UnitOfWork(ReportsUnitOfWork, ReturnsUnitOfWork, Protocol):
    """Protocol: one transaction and every capability's repositories in it.

    It is the composition of the capabilities' own ports, each of which lists
    just what its services use: :class:`~orderkit.catalog.ports.CatalogUnitOfWork`,
    :class:`~orderkit.customers.ports.CustomersUnitOfWork`,
    :class:`~orderkit.lifecycle.ports.OrdersUnitOfWork`,
    :class:`~orderkit.inventory.ports.InventoryUnitOfWork`,
    :class:`~orderkit.fulfillment.ports.FulfilmentUnitOfWork`,
    :class:`~orderkit.store_credit.ports.StoreCreditUnitOfWork`,
    :class:`~orderkit.payments.ports.PaymentsUnitOfWork`,
    :class:`~orderkit.returns.ports.ReturnsUnitOfWork` and
    :class:`~orderkit.reports.ports.ReportsUnitOfWork`, all on
    :class:`~orderkit.core.ports.UnitOfWorkBase` (the outbox, commit, rollback).
    """


class Store(Protocol):
    """Protocol: a storage backend (in memory, SQLite, PostgreSQL, or the host's own).

    Adapter authors prove an implementation with
    :class:`orderkit.testing.StoreContract`.
    """

    def unit_of_work(self, *, readonly: bool = False) -> AbstractContextManager[UnitOfWork]:
        """Open a unit of work.

        Args:
            readonly: Promise not to write, so the backend need not take the write lock.

        Raises:
            StorageError: The backend cannot start a transaction.
        """
        ...

    def close(self) -> None:
        """Release connections and files; the store cannot be used afterwards."""
        ...
