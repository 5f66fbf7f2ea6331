"""RecordStore: every repository of a unit of work, built on a record backend's primitives."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import cattrs

from orderkit.adapters._decoded import DEFAULT_SIZE, DecodedCache, DecodedView
from orderkit.adapters._lazy import LazyRepositories
from orderkit.adapters.records._core import (
    RecordCustomers,
    RecordOrders,
    RecordOutbox,
    RecordProducts,
    RecordSequences,
)
from orderkit.adapters.records._fulfilment import RecordShipments
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
from orderkit.adapters.records._returns import (
    RecordClaims,
    RecordFeedback,
    RecordFollowUps,
    RecordReturns,
)
from orderkit.adapters.records._sales import RecordSales
from orderkit.adapters.records.port import RecordBackend, RecordTransaction
from orderkit.capabilities import make_converter

__all__ = ["RecordStore", "RecordUnitOfWork"]

_Make = Callable[[RecordTransaction, cattrs.Converter, DecodedView], object]
_REPOSITORIES: dict[str, _Make] = {
    "products": lambda tx, converter, _: RecordProducts(tx, converter),
    "customers": lambda tx, converter, _: RecordCustomers(tx, converter),
    "orders": RecordOrders,
    "outbox": lambda tx, converter, _: RecordOutbox(tx, converter),
    "sequences": lambda tx, _, __: RecordSequences(tx),
    "warehouses": lambda tx, converter, _: RecordWarehouses(tx, converter),
    "stock": lambda tx, converter, _: RecordStock(tx, converter),
    "reservations": RecordReservations,
    "stock_policies": lambda tx, converter, _: RecordStockPolicies(tx, converter),
    "purchase_orders": RecordPurchaseOrders,
    "payments": RecordPayments,
    "idempotency_keys": lambda tx, converter, _: RecordIdempotencyKeys(tx, converter),
    "credit_accounts": RecordCreditAccounts,
    "refunds": RecordRefunds,
    "shipments": RecordShipments,
    "returns": RecordReturns,
    "claims": RecordClaims,
    "feedback": RecordFeedback,
    "follow_ups": RecordFollowUps,
    "sales": lambda tx, _, __: RecordSales(tx),
}


class RecordUnitOfWork(LazyRepositories):
    """Every repository over one record transaction; see :class:`orderkit.storage.UnitOfWork`.

    Aggregates it reads or saves reach the store's decoded cache when it
    commits (a read-only one: when it ends), never when it rolls back.
    """

    products: RecordProducts
    customers: RecordCustomers
    orders: RecordOrders
    outbox: RecordOutbox
    sequences: RecordSequences
    warehouses: RecordWarehouses
    stock: RecordStock
    reservations: RecordReservations
    stock_policies: RecordStockPolicies
    purchase_orders: RecordPurchaseOrders
    payments: RecordPayments
    idempotency_keys: RecordIdempotencyKeys
    credit_accounts: RecordCreditAccounts
    refunds: RecordRefunds
    shipments: RecordShipments
    returns: RecordReturns
    claims: RecordClaims
    feedback: RecordFeedback
    follow_ups: RecordFollowUps
    sales: RecordSales

    def __init__(
        self,
        transaction: RecordTransaction,
        converter: cattrs.Converter,
        cache: DecodedCache | None = None,
        *,
        readonly: bool = False,
    ) -> None:
        self._transaction = transaction
        self._converter = converter
        self._readonly = readonly
        self._decoded = DecodedView(cache if cache is not None else DecodedCache(0))
        self.records = transaction

    def _repository(self, name: str) -> object | None:
        make = _REPOSITORIES.get(name)
        return None if make is None else make(self._transaction, self._converter, self._decoded)

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
        cache_size: How many decoded aggregates to keep between units of work
            (by stored version; 0 decodes every record it reads).

    Examples:
        >>> from orderkit.adapters.memory import MemoryRecords
        >>> store = RecordStore(MemoryRecords())
        >>> with store.unit_of_work() as uow:
        ...     uow.sequences.next("order")
        ...     uow.commit()
        1
    """

    def __init__(self, backend: RecordBackend, *, cache_size: int = DEFAULT_SIZE) -> None:
        self.backend = backend
        self._converter = make_converter()
        self._decoded = DecodedCache(cache_size)

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
