"""RecordStore: every repository of a unit of work, built on a record backend's primitives."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import cattrs

from orderkit.adapters._decoded import DecodedCache, DecodedView
from orderkit.adapters.records._core import (
    RecordCustomers,
    RecordOrders,
    RecordOutbox,
    RecordProducts,
    RecordSequences,
)
from orderkit.adapters.records._inventory import (
    RecordPurchaseOrders,
    RecordReservations,
    RecordStock,
    RecordStockPolicies,
    RecordWarehouses,
)
from orderkit.adapters.records._payments import (
    RecordCreditAccounts,
    RecordIdempotencyKeys,
    RecordPayments,
    RecordRefunds,
)
from orderkit.adapters.records.port import RecordBackend, RecordTransaction
from orderkit.capabilities import make_converter

__all__ = ["RecordStore", "RecordUnitOfWork"]


class RecordUnitOfWork:
    """Every repository over one record transaction; see :class:`orderkit.storage.UnitOfWork`.

    Aggregates it reads or saves reach the store's decoded cache when it
    commits (a read-only one: when it ends), never when it rolls back.
    """

    def __init__(
        self,
        transaction: RecordTransaction,
        converter: cattrs.Converter,
        cache: DecodedCache | None = None,
        *,
        readonly: bool = False,
    ) -> None:
        self._transaction = transaction
        self._readonly = readonly
        self._decoded = decoded = DecodedView(cache if cache is not None else DecodedCache(0))
        self.records = transaction
        self.products = RecordProducts(transaction, converter)
        self.customers = RecordCustomers(transaction, converter)
        self.orders = RecordOrders(transaction, converter, decoded)
        self.outbox = RecordOutbox(transaction, converter)
        self.sequences = RecordSequences(transaction)
        self.warehouses = RecordWarehouses(transaction, converter)
        self.stock = RecordStock(transaction, converter)
        self.reservations = RecordReservations(transaction, converter, decoded)
        self.stock_policies = RecordStockPolicies(transaction, converter)
        self.purchase_orders = RecordPurchaseOrders(transaction, converter, decoded)
        self.payments = RecordPayments(transaction, converter, decoded)
        self.idempotency_keys = RecordIdempotencyKeys(transaction, converter)
        self.credit_accounts = RecordCreditAccounts(transaction, converter, decoded)
        self.refunds = RecordRefunds(transaction, converter, decoded)

    def commit(self) -> None:
        """Commit the record transaction."""
        self._transaction.commit()
        self._decoded.publish()

    def rollback(self) -> None:
        """Roll the record transaction back."""
        self.end_reading()
        self._transaction.rollback()

    def end_reading(self) -> None:
        """Publish what a read-only unit of work read; forget what an uncommitted one staged."""
        if self._readonly:
            self._decoded.publish()  # it read committed records only
        else:
            self._decoded.discard()


class RecordStore:
    """A :class:`~orderkit.storage.Store` on any :class:`~orderkit.adapters.records.RecordBackend`.

    Implement the backend's six primitives (``get``, ``put``, ``delete``,
    ``scan``, ``commit``, ``rollback``) and ``transaction``/``close``, wrap it
    in a ``RecordStore``, and every repository works; prove it with
    :class:`~orderkit.testing.contract.StoreContract`. The memory store is one.

    Args:
        backend: Where the records live.

    Examples:
        >>> from orderkit.adapters.memory import MemoryRecords
        >>> store = RecordStore(MemoryRecords())
        >>> with store.unit_of_work() as uow:
        ...     uow.sequences.next("order")
        ...     uow.commit()
        1
    """

    def __init__(self, backend: RecordBackend) -> None:
        self.backend = backend
        self._converter = make_converter()
        self._decoded = DecodedCache()

    @contextmanager
    def unit_of_work(self, *, readonly: bool = False) -> Iterator[RecordUnitOfWork]:
        """Open a unit of work; see :meth:`orderkit.storage.Store.unit_of_work`."""
        with self.backend.transaction(readonly=readonly) as transaction:
            uow = RecordUnitOfWork(transaction, self._converter, self._decoded, readonly=readonly)
            try:
                yield uow
            finally:
                uow.end_reading()  # after a commit, nothing is left to publish

    def close(self) -> None:
        """Close the backend."""
        self.backend.close()

    def __repr__(self) -> str:
        return f"RecordStore({self.backend!r})"
