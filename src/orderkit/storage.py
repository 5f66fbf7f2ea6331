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

from collections.abc import Iterable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol

from orderkit.catalog.repository import ProductRepository
from orderkit.customers.repository import CustomerRepository
from orderkit.events import OutboxMessage
from orderkit.inventory.repository import (
    PurchaseOrderRepository,
    ReservationRepository,
    StockPolicyRepository,
    StockRepository,
    WarehouseRepository,
)
from orderkit.lifecycle.repository import OrderRepository
from orderkit.payments.refunds import RefundRepository
from orderkit.payments.repository import IdempotencyKeys, PaymentRepository
from orderkit.payments.store_credit import CreditAccountRepository

__all__ = ["Outbox", "Sequences", "Store", "UnitOfWork"]


class Outbox(Protocol):
    """Protocol: the events written in the same transaction as the changes they describe."""

    def append(self, message: OutboxMessage) -> None:
        """Add an event; it becomes visible to readers only when the unit of work commits.

        Raises:
            AlreadyExists: An event with the same id is in the outbox.
        """
        ...

    def pending(self, limit: int = 100) -> list[OutboxMessage]:
        """Return up to ``limit`` unpublished messages, oldest first, with their positions."""
        ...

    def mark_published(self, event_ids: Iterable[str], at: datetime) -> int:
        """Mark messages as published at ``at``; return how many were still pending."""
        ...

    def count(self, *, pending_only: bool = False) -> int:
        """Return how many messages the outbox holds (only unpublished ones if asked)."""
        ...


class Sequences(Protocol):
    """Protocol: named counters, such as the shop's order numbers."""

    def next(self, name: str) -> int:
        """Return the next value of the counter ``name``, starting at 1.

        A value handed out in a unit of work that rolls back is handed out again.
        """
        ...


class UnitOfWork(Protocol):
    """Protocol: one transaction and the repositories that work inside it."""

    @property
    def products(self) -> ProductRepository:
        """The products of this transaction."""
        ...

    @property
    def customers(self) -> CustomerRepository:
        """The customers of this transaction."""
        ...

    @property
    def orders(self) -> OrderRepository:
        """The orders of this transaction."""
        ...

    @property
    def outbox(self) -> Outbox:
        """The outbox of this transaction."""
        ...

    @property
    def sequences(self) -> Sequences:
        """The named counters of this transaction."""
        ...

    @property
    def warehouses(self) -> WarehouseRepository:
        """The warehouses of this transaction."""
        ...

    @property
    def stock(self) -> StockRepository:
        """Stock levels and the movement ledger of this transaction."""
        ...

    @property
    def reservations(self) -> ReservationRepository:
        """The stock reservations of this transaction."""
        ...

    @property
    def stock_policies(self) -> StockPolicyRepository:
        """The per-SKU stock policies of this transaction."""
        ...

    @property
    def purchase_orders(self) -> PurchaseOrderRepository:
        """The purchase orders of this transaction."""
        ...

    @property
    def payments(self) -> PaymentRepository:
        """The payments of this transaction."""
        ...

    @property
    def idempotency_keys(self) -> IdempotencyKeys:
        """The idempotency keys of gateway requests in this transaction."""
        ...

    @property
    def credit_accounts(self) -> CreditAccountRepository:
        """Gift cards, store credit and their ledger in this transaction."""
        ...

    @property
    def refunds(self) -> RefundRepository:
        """The refunds of this transaction."""
        ...

    def commit(self) -> None:
        """Make every change of this unit of work durable and visible, all at once.

        Raises:
            StorageError: The backend failed; nothing was committed.
        """
        ...

    def rollback(self) -> None:
        """Discard every change of this unit of work."""
        ...


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
