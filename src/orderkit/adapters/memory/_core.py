"""The memory store's repositories for the catalog, customers, orders, outbox and counters."""

from __future__ import annotations

import builtins
import itertools
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

import attrs
import cattrs

from orderkit.adapters.memory._tables import DELETED, Overlay, Tables, refuse_write
from orderkit.adapters.memory._versioned import MemoryVersionedDocuments
from orderkit.catalog.products import Product
from orderkit.core.events import OutboxMessage
from orderkit.customers.customer import Customer
from orderkit.errors import (
    AlreadyExists,
    ConcurrencyConflict,
    CustomerNotFound,
    OrderNotFound,
    ProductNotFound,
    ValidationError,
)
from orderkit.lifecycle.order import Order
from orderkit.lifecycle.repository import OrderQuery


class MemoryProducts:
    def __init__(self, table: Overlay, converter: cattrs.Converter) -> None:
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

    def components(self, skus: Sequence[str]) -> dict[str, tuple[tuple[str, int], ...]]:
        found: dict[str, tuple[tuple[str, int], ...]] = {}
        for sku in skus:
            document = self._table.get(sku)
            if document is None:
                raise ProductNotFound(sku)
            found[sku] = tuple((part, quantity) for part, quantity in document["components"])
        return found

    def list(self) -> Iterator[Product]:
        for sku in sorted(self._table.live_keys()):
            yield self.get(sku)

    def count(self) -> int:
        return len(self._table.live_keys())


class MemoryCustomers:
    def __init__(self, table: Overlay, emails: Overlay, converter: cattrs.Converter) -> None:
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
            self._emails.put(current["email"], DELETED)
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
        for customer_id in sorted(self._table.live_keys()):
            yield self.get(customer_id)

    def count(self) -> int:
        return len(self._table.live_keys())


class MemoryOrders(MemoryVersionedDocuments[Order]):
    kind = "order"
    aggregate = Order
    not_found = OrderNotFound

    def __init__(self, table: Overlay, numbers: Overlay, converter: cattrs.Converter) -> None:
        super().__init__(table, converter)
        self._numbers = numbers

    def add(self, order: Order) -> None:
        if order.version == 0 and self._numbers.get(order.number) is not None:
            raise AlreadyExists("order", order.number)
        super().add(order)
        self._numbers.put(order.number, order.id)

    def save(self, order: Order) -> None:
        current = self._check_version(order)
        if current["number"] != order.number:
            raise ConcurrencyConflict("order", order.id, order.version)
        if len(current["history"]) > len(order.history):
            raise ValidationError(
                "history",
                len(order.history),
                f"is append-only; {len(current['history'])} entries are stored",
            )
        self._write(order, order.version + 1)

    def get_by_number(self, number: int) -> Order:
        order_id = self._numbers.get(number)
        if order_id is None:
            raise OrderNotFound(number)
        return self.get(order_id)

    def list(self) -> Iterator[Order]:
        for number in sorted(self._numbers.live_keys()):
            yield self.get(self._numbers.get(number))

    def expiring(self, at: datetime, limit: int) -> builtins.list[Order]:
        due = [
            order
            for order in (self.get(key) for key in self._table.live_keys())
            if order.expires_at is not None and order.expires_at <= at
        ]
        return sorted(due, key=lambda order: (order.expires_at, order.number))[:limit]

    def find(
        self, query: OrderQuery, *, limit: int, before: int | None = None
    ) -> builtins.list[Order]:
        found: builtins.list[Order] = []
        for number in sorted(self._numbers.live_keys(), reverse=True):
            if len(found) >= limit:
                break
            if before is not None and number >= before:
                continue
            order = self.get(self._numbers.get(number))
            if query.matches(order):
                found.append(order)
        return found

    def count(self) -> int:
        return len(self._table.live_keys())


class MemoryOutbox:
    def __init__(self, tables: Tables, readonly: bool) -> None:
        self._tables = tables
        self._readonly = readonly
        self._appended: dict[str, OutboxMessage] = {}
        self._published: set[str] = set()

    def append(self, message: OutboxMessage) -> None:
        if self._readonly:
            refuse_write()
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
            refuse_write()
        marked = 0
        for event_id in set(event_ids):
            pending = event_id in self._tables.unpublished or event_id in self._appended
            if pending and event_id not in self._published:
                self._published.add(event_id)
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
        for event_id in self._published:
            del tables.unpublished[event_id]


class MemorySequences:
    def __init__(self, table: Overlay) -> None:
        self._table = table

    def next(self, name: str) -> int:
        value = (self._table.get(name) or 0) + 1
        self._table.put(name, value)
        return value
