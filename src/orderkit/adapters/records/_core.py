"""Record repositories of the catalog, customers, orders, the outbox and the shop's counters."""

from __future__ import annotations

import builtins
import itertools
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

import attrs
import cattrs

from orderkit.adapters.records._tables import Counters, DocumentTable, VersionedRecords, moment
from orderkit.adapters.records.port import Record, RecordTransaction
from orderkit.catalog.products import Product
from orderkit.core.events import OutboxMessage
from orderkit.customers.customer import Customer
from orderkit.errors import (
    AlreadyExists,
    ConcurrencyConflict,
    CustomerNotFound,
    OrderNotFound,
    ProductNotFound,
    StorageError,
    ValidationError,
)
from orderkit.lifecycle.order import Order
from orderkit.lifecycle.repository import OrderQuery

__all__ = ["RecordCustomers", "RecordOrders", "RecordOutbox", "RecordProducts", "RecordSequences"]


class RecordProducts:
    """Products under their SKU."""

    def __init__(self, tx: RecordTransaction, converter: cattrs.Converter) -> None:
        self._table = DocumentTable(tx, converter, "products", Product)

    def add(self, product: Product) -> None:
        if self._table.document((product.sku,)) is not None:
            raise AlreadyExists("product", product.sku)
        self._table.store((product.sku,), product)

    def replace(self, product: Product) -> None:
        if self._table.document((product.sku,)) is None:
            raise ProductNotFound(product.sku)
        self._table.store((product.sku,), product)

    def get(self, sku: str) -> Product:
        found = self._table.load((sku,))
        if found is None:
            raise ProductNotFound(sku)
        return found

    def components(self, skus: Sequence[str]) -> dict[str, tuple[tuple[str, int], ...]]:
        found: dict[str, tuple[tuple[str, int], ...]] = {}
        for sku in skus:
            document = self._table.document((sku,))
            if document is None:
                raise ProductNotFound(sku)
            found[sku] = tuple((part, quantity) for part, quantity in document["components"])
        return found

    def list(self) -> Iterator[Product]:
        for _, product in self._table.scan():
            yield product

    def count(self) -> int:
        return self._table.count()


class RecordCustomers:
    """Customers under their id, with a unique index of emails."""

    def __init__(self, tx: RecordTransaction, converter: cattrs.Converter) -> None:
        self._table = DocumentTable(
            tx, converter, "customers", Customer, {"email": lambda c: [(c.email,)]}
        )

    def _owner(self, email: str) -> str | None:
        return next((str(key[0]) for key in self._table.keys("email", (email,))), None)

    def add(self, customer: Customer) -> None:
        if self._table.document((customer.id,)) is not None:
            raise AlreadyExists("customer", customer.id)
        if self._owner(customer.email) is not None:
            raise AlreadyExists("customer", customer.email)
        self._table.store((customer.id,), customer)

    def replace(self, customer: Customer) -> None:
        if self._table.document((customer.id,)) is None:
            raise CustomerNotFound(customer.id)
        owner = self._owner(customer.email)
        if owner is not None and owner != customer.id:
            raise AlreadyExists("customer", customer.email)
        self._table.store((customer.id,), customer)

    def get(self, customer_id: str) -> Customer:
        found = self._table.load((customer_id,))
        if found is None:
            raise CustomerNotFound(customer_id)
        return found

    def find_by_email(self, email: str) -> Customer | None:
        owner = self._owner(email.strip().lower())
        return None if owner is None else self.get(owner)

    def list(self) -> Iterator[Customer]:
        for _, customer in self._table.scan():
            yield customer

    def count(self) -> int:
        return self._table.count()


@attrs.frozen
class _Facts:
    """What finding orders looks at, kept beside each order so a search decodes only matches."""

    id: str
    state: str
    payment_status: str
    fulfilment_status: str
    channel: str
    customer_id: str
    placed_at: datetime
    tags: tuple[str, ...]

    @classmethod
    def record_of(cls, order: Order) -> dict[str, Any]:
        """The stored summary of ``order``."""
        return {
            "id": order.id,
            "state": order.state,
            "payment_status": order.payment_status.value,
            "fulfilment_status": order.fulfilment_status.value,
            "channel": order.channel,
            "customer_id": order.customer_id,
            "placed_at": order.placed_at.isoformat(),
            "tags": list(order.tags),
        }

    @classmethod
    def read(cls, record: Record) -> _Facts:
        """The facts of a stored summary."""
        return cls(
            id=record["id"],
            state=record["state"],
            payment_status=record["payment_status"],
            fulfilment_status=record["fulfilment_status"],
            channel=record["channel"],
            customer_id=record["customer_id"],
            placed_at=datetime.fromisoformat(record["placed_at"]),
            tags=tuple(record["tags"]),
        )


def _expiry(order: Order) -> list[tuple[str, int]]:
    return [] if order.expires_at is None else [(moment(order.expires_at), order.number)]


class RecordOrders(VersionedRecords[Order]):
    """Orders under their id, indexed by number and by expiry, with a summary by number."""

    TABLE, KIND, LABEL, NOT_FOUND = "orders", Order, "order", OrderNotFound
    INDEXES = {"number": lambda o: [(o.number,)], "expiry": _expiry}
    FACTS = "orders.facts"
    # Set once the facts of every order are kept: records written by an older
    # orderkit get theirs at the first write, and are searched the slow way until then.
    FACTS_KEPT = ("orders.facts.kept", ("v1",))

    def _id_of(self, number: int) -> str | None:
        return next((str(key[0]) for key in self._table.keys("number", (number,))), None)

    def add(self, order: Order) -> None:
        if order.version == 0 and self._id_of(order.number) is not None:
            raise AlreadyExists("order", order.number)
        self._table.add(order)
        self._keep_facts(order)

    def save(self, order: Order) -> None:
        current = self._table.current(order)
        if current["number"] != order.number:
            raise ConcurrencyConflict("order", order.id, order.version)
        if len(current["history"]) > len(order.history):
            raise ValidationError(
                "history",
                len(order.history),
                f"is append-only; {len(current['history'])} entries are stored",
            )
        self._table.write(order, order.version + 1)
        self._keep_facts(order)

    def _keep_facts(self, order: Order) -> None:
        tx = self._table.tx
        if tx.get(*self.FACTS_KEPT) is None:
            for stored in self._table.every():
                tx.put(self.FACTS, (stored.number,), _Facts.record_of(stored))
            tx.put(*self.FACTS_KEPT, {})
        tx.put(self.FACTS, (order.number,), _Facts.record_of(order))

    def get_by_number(self, number: int) -> Order:
        order_id = self._id_of(number)
        if order_id is None:
            raise OrderNotFound(number)
        return self.get(order_id)

    def list(self) -> Iterator[Order]:
        for key in self._table.keys("number"):
            yield self._table.get(str(key[0]), keep=False)

    def expiring(self, at: datetime, limit: int) -> builtins.list[Order]:
        due: builtins.list[Order] = []
        for key in self._table.keys("expiry", arity=3):
            if str(key[0]) > moment(at) or len(due) >= limit:
                break
            due.append(self.get(str(key[2])))
        return due

    def find(
        self, query: OrderQuery, *, limit: int, before: int | None = None
    ) -> builtins.list[Order]:
        found: builtins.list[Order] = []
        bound = None if before is None else (before,)
        if self._table.tx.get(*self.FACTS_KEPT) is None:
            for key in self._table.keys("number", before=bound, reverse=True):
                if len(found) >= limit:
                    break
                order = self.get(str(key[0]))
                if query.matches(order):
                    found.append(order)
            return found
        for _, record in self._table.tx.scan(self.FACTS, before=bound, reverse=True):
            if len(found) >= limit:
                break
            facts = _Facts.read(record)
            if query.matches(facts):
                found.append(self.get(facts.id))
        return found

    def count(self) -> int:
        return self._table.count()


class RecordOutbox:
    """Events by position, with the unpublished ones indexed apart."""

    TABLE = "outbox"

    def __init__(self, tx: RecordTransaction, converter: cattrs.Converter) -> None:
        self._tx = tx
        self._converter = converter
        self._counters = Counters(tx)

    def append(self, message: OutboxMessage) -> None:
        if self._tx.get("outbox.ids", (message.event_id,)) is not None:
            raise AlreadyExists("event", message.event_id)
        position = self._counters.add("outbox.position")
        stored = attrs.evolve(message, position=position)
        self._tx.put(self.TABLE, (position,), self._converter.unstructure(stored))
        self._tx.put("outbox.ids", (message.event_id,), {"position": position})
        self._tx.put("outbox.pending", (position,), {})
        self._counters.add("outbox.pending")

    def pending(self, limit: int = 100) -> list[OutboxMessage]:
        positions = itertools.islice(self._tx.scan("outbox.pending"), limit)
        return [self._message(int(key[0])) for key, _ in positions]

    def _message(self, position: int) -> OutboxMessage:
        record = self._tx.get(self.TABLE, (position,))
        if record is None:
            raise StorageError(f"the outbox lost the event at position {position}")
        message: OutboxMessage = self._converter.structure(record, OutboxMessage)
        return message

    def mark_published(self, event_ids: Iterable[str], at: datetime) -> int:
        marked = 0
        for event_id in set(event_ids):
            known = self._tx.get("outbox.ids", (event_id,))
            if known is None:
                continue
            position = int(known["position"])
            if self._tx.get("outbox.pending", (position,)) is not None:
                self._tx.delete("outbox.pending", (position,))
                self._counters.add("outbox.pending", -1)
                marked += 1
        return marked

    def count(self, *, pending_only: bool = False) -> int:
        return self._counters.value("outbox.pending" if pending_only else "outbox.position")


class RecordSequences:
    """The shop's named counters (order numbers, ...)."""

    def __init__(self, tx: RecordTransaction) -> None:
        self._tx = tx

    def next(self, name: str) -> int:
        record = self._tx.get("sequences", (name,))
        value = (0 if record is None else int(record["value"])) + 1
        self._tx.put("sequences", (name,), {"value": value})
        return value
