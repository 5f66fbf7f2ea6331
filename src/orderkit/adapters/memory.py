"""The in-memory store: for tests, notebooks and simulations.

It behaves like the database stores in everything the contract suite checks:
values go in and come out through the converter (so no object is shared between
the caller and the store), a unit of work commits all or nothing, writers take
turns (like ``BEGIN IMMEDIATE``), and stale aggregates are refused with
:class:`~orderkit.errors.ConcurrencyConflict`. Nothing survives the process.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import attrs
import cattrs

from orderkit.catalog.products import Product
from orderkit.customers.customer import Customer
from orderkit.errors import (
    AlreadyExists,
    ConcurrencyConflict,
    CustomerNotFound,
    OrderNotFound,
    ProductNotFound,
    StorageError,
)
from orderkit.events import OutboxMessage
from orderkit.lifecycle.order import Order
from orderkit.serialization import make_converter

__all__ = ["MemoryStore"]

Document = dict[str, Any]
_DELETED = object()


@attrs.define(slots=True)
class _Tables:
    products: dict[str, Document] = attrs.Factory(dict)
    customers: dict[str, Document] = attrs.Factory(dict)
    emails: dict[str, str] = attrs.Factory(dict)
    orders: dict[str, Document] = attrs.Factory(dict)
    order_numbers: dict[int, str] = attrs.Factory(dict)
    outbox: list[OutboxMessage] = attrs.Factory(list)
    event_ids: set[str] = attrs.Factory(set)
    unpublished: dict[str, OutboxMessage] = attrs.Factory(dict)  # in outbox order
    published: dict[str, OutboxMessage] = attrs.Factory(dict)
    sequences: dict[str, int] = attrs.Factory(dict)


def _refuse_write() -> None:
    raise StorageError("a read-only unit of work cannot write; open one with readonly=False")


class _Overlay:
    """A table's uncommitted changes on top of its committed rows."""

    def __init__(self, base: dict[Any, Any], readonly: bool) -> None:
        self.base = base
        self.readonly = readonly
        self.changes: dict[Any, Any] = {}

    def get(self, key: Any) -> Any:
        value = self.changes.get(key, self.base.get(key, _DELETED))
        return None if value is _DELETED else value

    def put(self, key: Any, value: Any) -> None:
        if self.readonly:
            _refuse_write()
        self.changes[key] = value

    def keys(self) -> set[Any]:
        keys = set(self.base) | set(self.changes)
        return {key for key in keys if self.get(key) is not None}

    def apply(self) -> None:
        self.base.update(self.changes)


class _Products:
    def __init__(self, table: _Overlay, converter: cattrs.Converter) -> None:
        self._table = table
        self._converter = converter

    def add(self, product: Product) -> None:
        if self._table.get(product.sku) is not None:
            raise AlreadyExists("product", product.sku)
        self._table.put(product.sku, self._converter.unstructure(product))

    def replace(self, product: Product) -> None:
        if self._table.get(product.sku) is None:
            raise ProductNotFound(product.sku)
        self._table.put(product.sku, self._converter.unstructure(product))

    def get(self, sku: str) -> Product:
        document = self._table.get(sku)
        if document is None:
            raise ProductNotFound(sku)
        return self._converter.structure(document, Product)

    def list(self) -> Iterator[Product]:
        for sku in sorted(self._table.keys()):
            yield self.get(sku)

    def count(self) -> int:
        return len(self._table.keys())


class _Customers:
    def __init__(self, table: _Overlay, emails: _Overlay, converter: cattrs.Converter) -> None:
        self._table = table
        self._emails = emails
        self._converter = converter

    def add(self, customer: Customer) -> None:
        if self._table.get(customer.id) is not None:
            raise AlreadyExists("customer", customer.id)
        if self._emails.get(customer.email) is not None:
            raise AlreadyExists("customer", customer.email)
        self._table.put(customer.id, self._converter.unstructure(customer))
        self._emails.put(customer.email, customer.id)

    def replace(self, customer: Customer) -> None:
        current = self._table.get(customer.id)
        if current is None:
            raise CustomerNotFound(customer.id)
        owner = self._emails.get(customer.email)
        if owner is not None and owner != customer.id:
            raise AlreadyExists("customer", customer.email)
        if current["email"] != customer.email:
            self._emails.put(current["email"], _DELETED)
            self._emails.put(customer.email, customer.id)
        self._table.put(customer.id, self._converter.unstructure(customer))

    def get(self, customer_id: str) -> Customer:
        document = self._table.get(customer_id)
        if document is None:
            raise CustomerNotFound(customer_id)
        return self._converter.structure(document, Customer)

    def find_by_email(self, email: str) -> Customer | None:
        customer_id = self._emails.get(email.strip().lower())
        return None if customer_id is None else self.get(customer_id)

    def list(self) -> Iterator[Customer]:
        for customer_id in sorted(self._table.keys()):
            yield self.get(customer_id)

    def count(self) -> int:
        return len(self._table.keys())


class _Orders:
    def __init__(self, table: _Overlay, numbers: _Overlay, converter: cattrs.Converter) -> None:
        self._table = table
        self._numbers = numbers
        self._converter = converter

    def add(self, order: Order) -> None:
        if order.version != 0:
            raise ConcurrencyConflict("order", order.id, order.version)
        if self._table.get(order.id) is not None:
            raise AlreadyExists("order", order.id)
        if self._numbers.get(order.number) is not None:
            raise AlreadyExists("order", order.number)
        self._write(order, 1)
        self._numbers.put(order.number, order.id)

    def save(self, order: Order) -> None:
        current = self._table.get(order.id)
        if current is None:
            raise OrderNotFound(order.id)
        if current["version"] != order.version or current["number"] != order.number:
            raise ConcurrencyConflict("order", order.id, order.version)
        self._write(order, order.version + 1)

    def _write(self, order: Order, version: int) -> None:
        document = self._converter.unstructure(order)
        document["version"] = version
        self._table.put(order.id, document)
        order.version = version

    def get(self, order_id: str) -> Order:
        document = self._table.get(order_id)
        if document is None:
            raise OrderNotFound(order_id)
        return self._converter.structure(document, Order)

    def get_by_number(self, number: int) -> Order:
        order_id = self._numbers.get(number)
        if order_id is None:
            raise OrderNotFound(number)
        return self.get(order_id)

    def list(self) -> Iterator[Order]:
        for number in sorted(self._numbers.keys()):
            yield self.get(self._numbers.get(number))

    def count(self) -> int:
        return len(self._table.keys())


class _Outbox:
    def __init__(self, tables: _Tables, readonly: bool) -> None:
        self._tables = tables
        self._readonly = readonly
        self._appended: dict[str, OutboxMessage] = {}
        self._published: dict[str, datetime] = {}

    @property
    def changed(self) -> bool:
        return bool(self._appended or self._published)

    def append(self, message: OutboxMessage) -> None:
        if self._readonly:
            _refuse_write()
        if message.event_id in self._tables.event_ids or message.event_id in self._appended:
            raise AlreadyExists("event", message.event_id)
        position = len(self._tables.outbox) + len(self._appended) + 1
        self._appended[message.event_id] = attrs.evolve(message, position=position)

    def _unpublished(self) -> Iterator[OutboxMessage]:
        for message in (*self._tables.unpublished.values(), *self._appended.values()):
            if message.event_id not in self._published:
                yield message

    def pending(self, limit: int = 100) -> list[OutboxMessage]:
        return list(itertools.islice(self._unpublished(), limit))

    def mark_published(self, event_ids: Iterable[str], at: datetime) -> int:
        if self._readonly:
            _refuse_write()
        marked = 0
        for event_id in set(event_ids):
            pending = event_id in self._tables.unpublished or event_id in self._appended
            if pending and event_id not in self._published:
                self._published[event_id] = at
                marked += 1
        return marked

    def count(self, *, pending_only: bool = False) -> int:
        if pending_only:
            return len(self._tables.unpublished) + len(self._appended) - len(self._published)
        return len(self._tables.outbox) + len(self._appended)

    def apply(self) -> None:
        tables = self._tables
        for event_id, message in self._appended.items():
            tables.outbox.append(message)
            tables.event_ids.add(event_id)
            tables.unpublished[event_id] = message
        for event_id, at in self._published.items():
            message = tables.unpublished.pop(event_id)
            tables.published[event_id] = attrs.evolve(message, published_at=at)


class _Sequences:
    def __init__(self, table: _Overlay) -> None:
        self._table = table

    def next(self, name: str) -> int:
        value = (self._table.get(name) or 0) + 1
        self._table.put(name, value)
        return value


class _MemoryUnitOfWork:
    def __init__(self, tables: _Tables, converter: cattrs.Converter, readonly: bool) -> None:
        self._readonly = readonly
        self._overlays = {
            name: _Overlay(getattr(tables, name), readonly)
            for name in ("products", "customers", "emails", "orders", "order_numbers", "sequences")
        }
        overlays = self._overlays
        self.products = _Products(overlays["products"], converter)
        self.customers = _Customers(overlays["customers"], overlays["emails"], converter)
        self.orders = _Orders(overlays["orders"], overlays["order_numbers"], converter)
        self.outbox = _Outbox(tables, readonly)
        self.sequences = _Sequences(overlays["sequences"])
        self._open = True

    def commit(self) -> None:
        if not self._open:
            raise StorageError("this unit of work has already ended")
        for overlay in self._overlays.values():
            overlay.apply()
        self.outbox.apply()
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
        self._tables = _Tables()
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
