"""The in-memory store: for tests, notebooks and simulations.

It behaves like the database stores in everything the contract suite checks:
values go in and come out through the converter (so no object is shared between
the caller and the store), a unit of work commits all or nothing, writers take
turns (like ``BEGIN IMMEDIATE``), and stale aggregates are refused with
:class:`~orderkit.errors.ConcurrencyConflict`. Nothing survives the process.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import cattrs

from orderkit.adapters.memory._core import (
    MemoryCustomers,
    MemoryOrders,
    MemoryOutbox,
    MemoryProducts,
    MemorySequences,
)
from orderkit.adapters.memory._inventory import (
    MemoryPurchaseOrders,
    MemoryReservations,
    MemoryStock,
    MemoryStockPolicies,
    MemoryWarehouses,
)
from orderkit.adapters.memory._payments import (
    MemoryIdempotencyKeys,
    MemoryPayments,
    MemoryRefunds,
)
from orderkit.adapters.memory._store_credit import MemoryCreditAccounts
from orderkit.adapters.memory._tables import Overlay, Tables
from orderkit.capabilities import make_converter
from orderkit.errors import StorageError

__all__ = ["MemoryStore"]


class _MemoryUnitOfWork:
    def __init__(self, tables: Tables, converter: cattrs.Converter, readonly: bool) -> None:
        self._readonly = readonly
        self._overlays = {
            name: Overlay(getattr(tables, name), readonly)
            for name in (
                "products",
                "customers",
                "emails",
                "orders",
                "order_numbers",
                "sequences",
                "warehouses",
                "stock_levels",
                "reservations",
                "stock_policies",
                "bin_locations",
                "purchase_orders",
                "payments",
                "idempotency_keys",
                "credit_accounts",
                "credit_entries",
                "refunds",
            )
        }
        overlays = self._overlays
        self.products = MemoryProducts(overlays["products"], converter)
        self.customers = MemoryCustomers(overlays["customers"], overlays["emails"], converter)
        self.orders = MemoryOrders(overlays["orders"], overlays["order_numbers"], converter)
        self.outbox = MemoryOutbox(tables, readonly)
        self.sequences = MemorySequences(overlays["sequences"])
        self.warehouses = MemoryWarehouses(overlays["warehouses"], converter)
        self.stock = MemoryStock(
            tables, overlays["stock_levels"], overlays["bin_locations"], readonly
        )
        self.reservations = MemoryReservations(overlays["reservations"], converter)
        self.stock_policies = MemoryStockPolicies(overlays["stock_policies"], converter)
        self.purchase_orders = MemoryPurchaseOrders(overlays["purchase_orders"], converter)
        self.payments = MemoryPayments(overlays["payments"], converter)
        self.idempotency_keys = MemoryIdempotencyKeys(overlays["idempotency_keys"], converter)
        self.refunds = MemoryRefunds(overlays["refunds"], converter)
        self.credit_accounts = MemoryCreditAccounts(
            overlays["credit_accounts"], overlays["credit_entries"], converter
        )
        self._open = True

    def commit(self) -> None:
        if not self._open:
            raise StorageError("this unit of work has already ended")
        for overlay in self._overlays.values():
            overlay.apply()
        self.outbox.apply()
        self.stock.apply_changes()
        self._open = False

    def rollback(self) -> None:
        self._open = False


class MemoryStore:
    """A :class:`~orderkit.storage.Store` that keeps everything in this process's memory.

    Units of work take turns on a lock, like SQLite's ``BEGIN IMMEDIATE``, and
    see only committed data.

    Examples:
        >>> store = MemoryStore()
        >>> with store.unit_of_work(readonly=True) as uow:
        ...     uow.orders.count()
        0
    """

    def __init__(self) -> None:
        self._tables = Tables()
        self._converter = make_converter()
        self._lock = threading.RLock()
        self._closed = False

    @contextmanager
    def unit_of_work(self, *, readonly: bool = False) -> Iterator[_MemoryUnitOfWork]:
        """Open a unit of work; see :meth:`orderkit.storage.Store.unit_of_work`."""
        if self._closed:
            raise StorageError("the store is closed")
        # Readers take the lock too, so they never see a commit half applied.
        with self._lock:
            uow = _MemoryUnitOfWork(self._tables, self._converter, readonly=readonly)
            try:
                yield uow
            finally:
                if uow._open:
                    uow.rollback()

    def close(self) -> None:
        """Forget nothing, but refuse further units of work."""
        self._closed = True

    def __repr__(self) -> str:
        return "MemoryStore()"
