"""Repositories over the shared SQL schema; one query text serves every dialect."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from orderkit.adapters.sql.base import SqlRepository
from orderkit.adapters.sql.versioned import SqlVersionedRepository
from orderkit.catalog.products import Product
from orderkit.core.events import OutboxMessage
from orderkit.customers.customer import Customer
from orderkit.errors import (
    AlreadyExists,
    CustomerNotFound,
    OrderNotFound,
    ProductNotFound,
    ValidationError,
)
from orderkit.lifecycle.order import Order
from orderkit.lifecycle.repository import OrderQuery

__all__ = [
    "SqlCustomers",
    "SqlOrders",
    "SqlOutbox",
    "SqlProducts",
    "SqlSequences",
]


class SqlProducts(SqlRepository):
    """Products in the ``products`` table."""

    def _params(self, product: Product) -> dict[str, Any]:
        return {
            "sku": product.sku,
            "name": product.name,
            "brand": product.brand,
            "category": product.category,
            "currency": product.currency,
            "price_minor": product.price.minor_units,
            "cost_minor": None if product.cost is None else product.cost.minor_units,
            "cost_currency": None if product.cost is None else product.cost.currency,
            "document": self._json(product),
        }

    def add(self, product: Product) -> None:
        """Insert a product; see :class:`orderkit.catalog.ProductRepository`."""
        changed = self._session.write(
            "INSERT INTO products (sku, name, brand, category, currency, price_minor, "
            "cost_minor, cost_currency, document) VALUES (:sku, :name, :brand, :category, "
            ":currency, :price_minor, :cost_minor, :cost_currency, :document) "
            "ON CONFLICT DO NOTHING",
            self._params(product),
        )
        if changed == 0:
            raise AlreadyExists("product", product.sku)

    def replace(self, product: Product) -> None:
        """Update a product; see :class:`orderkit.catalog.ProductRepository`."""
        changed = self._session.write(
            "UPDATE products SET name = :name, brand = :brand, category = :category, "
            "currency = :currency, price_minor = :price_minor, cost_minor = :cost_minor, "
            "cost_currency = :cost_currency, document = :document "
            "WHERE sku = :sku",
            self._params(product),
        )
        if changed == 0:
            raise ProductNotFound(product.sku)

    def get(self, sku: str) -> Product:
        """Load a product; see :class:`orderkit.catalog.ProductRepository`."""
        row = self._session.one(
            f"SELECT document FROM products WHERE sku = :sku{self._session.for_share}",
            {"sku": sku},
        )
        if row is None:
            raise ProductNotFound(sku)
        return self._from_text("products", sku, row[0], Product)

    def components(self, skus: Sequence[str]) -> dict[str, tuple[tuple[str, int], ...]]:
        """Kit components per SKU, read in one query (products decoded once per stored text)."""
        wanted = list(dict.fromkeys(skus))
        if not wanted:
            return {}
        # Pad the list to a power of two, so that few distinct statements exist.
        size = 1 << (len(wanted) - 1).bit_length()
        names = [f"sku_{index}" for index in range(size)]
        params = {name: wanted[min(index, len(wanted) - 1)] for index, name in enumerate(names)}
        documents = dict(
            self._session.rows(
                "SELECT sku, document FROM products "
                f"WHERE sku IN ({', '.join(':' + name for name in names)})",
                params,
            )
        )
        found: dict[str, tuple[tuple[str, int], ...]] = {}
        for sku in wanted:
            if sku not in documents:
                raise ProductNotFound(sku)
            found[sku] = self._from_text("products", sku, documents[sku], Product).components
        return found

    def list(self) -> Iterator[Product]:
        """Yield every product by SKU."""
        for sku, stored in self._batches("SELECT sku, document FROM products ORDER BY sku"):
            yield self._from_text("products", sku, stored, Product)

    def count(self) -> int:
        """Count the products."""
        return self._count("products")


class SqlCustomers(SqlRepository):
    """Customers in the ``customers`` table."""

    def _params(self, customer: Customer) -> dict[str, Any]:
        return {
            "id": customer.id,
            "email": customer.email,
            "country": customer.country,
            "registered_at": self._dialect.encode_time(customer.registered_at),
            "document": self._json(customer),
        }

    def add(self, customer: Customer) -> None:
        """Insert a customer; see :class:`orderkit.customers.CustomerRepository`."""
        changed = self._session.write(
            "INSERT INTO customers (id, email, country, registered_at, document) "
            "VALUES (:id, :email, :country, :registered_at, :document) ON CONFLICT DO NOTHING",
            self._params(customer),
        )
        if changed == 0:
            taken = self._session.one("SELECT 1 FROM customers WHERE id = :id", {"id": customer.id})
            raise AlreadyExists("customer", customer.id if taken else customer.email)

    def replace(self, customer: Customer) -> None:
        """Update a customer; see :class:`orderkit.customers.CustomerRepository`."""
        owner = self._session.one(
            "SELECT id FROM customers WHERE email = :email", {"email": customer.email}
        )
        if owner is not None and owner[0] != customer.id:
            raise AlreadyExists("customer", customer.email)
        changed = self._session.write(
            "UPDATE customers SET email = :email, country = :country, "
            "registered_at = :registered_at, document = :document WHERE id = :id",
            self._params(customer),
        )
        if changed == 0:
            raise CustomerNotFound(customer.id)

    def get(self, customer_id: str) -> Customer:
        """Load a customer by id."""
        row = self._session.one(
            "SELECT document FROM customers WHERE id = :id", {"id": customer_id}
        )
        if row is None:
            raise CustomerNotFound(customer_id)
        return self._from_text("customers", customer_id, row[0], Customer)

    def find_by_email(self, email: str) -> Customer | None:
        """Load a customer by email, or return ``None``."""
        row = self._session.one(
            "SELECT id, document FROM customers WHERE email = :email",
            {"email": email.strip().lower()},
        )
        if row is None:
            return None
        return self._from_text("customers", row[0], row[1], Customer)

    def list(self) -> Iterator[Customer]:
        """Yield every customer by id."""
        for customer_id, stored in self._batches("SELECT id, document FROM customers ORDER BY id"):
            yield self._from_text("customers", customer_id, stored, Customer)

    def count(self) -> int:
        """Count the customers."""
        return self._count("customers")


class SqlOrders(SqlVersionedRepository[Order]):
    """Orders in the ``orders`` table, saved with an optimistic version check."""

    table = "orders"
    kind = "order"
    aggregate = Order
    not_found = OrderNotFound
    body_column = "document"
    immutable = ("number",)

    def _columns(self, order: Order) -> dict[str, Any]:
        return {
            "number": order.number,
            "state": order.state,
            "channel": order.channel,
            "customer_id": order.customer_id,
            "currency": order.currency,
            "grand_total_minor": order.grand_total.minor_units,
            "ship_country": order.ship_to.country,
            "placed_at": self._dialect.encode_time(order.placed_at),
            "payment_status": order.payment_status.value,
            "fulfilment_status": order.fulfilment_status.value,
            "history_length": len(order.history),
            "tags": " ".join(order.tags),
            "expires_at": None
            if order.expires_at is None
            else self._dialect.encode_time(order.expires_at),
        }

    def add(self, order: Order) -> None:
        """Insert a new order; see :class:`orderkit.lifecycle.OrderRepository`."""
        if not self._insert(order):
            taken = self._session.one("SELECT 1 FROM orders WHERE id = :id", {"id": order.id})
            raise AlreadyExists("order", order.id if taken else order.number)
        self._add_tags(order, order.tags)

    def save(self, order: Order) -> None:
        """Save a changed order with a version check; its tags follow.

        Raises:
            ValidationError: The order's history is shorter than the stored one.
        """
        length, stored = self._stored_history_and_tags(order)
        if length > len(order.history):
            raise ValidationError(
                "history", len(order.history), f"is append-only; {length} entries are stored"
            )
        super().save(order)
        for tag in stored - set(order.tags):
            self._session.write(
                "DELETE FROM order_tags WHERE tag = :tag AND number = :number",
                {"tag": tag, "number": order.number},
            )
        self._add_tags(order, [tag for tag in order.tags if tag not in stored])

    def _stored_history_and_tags(self, order: Order) -> tuple[int, set[str]]:
        """The stored history length and tags of ``order`` at the version it was loaded at.

        Known without a query when this unit of work or the cache holds that
        version (what it read is what it saves over: the save checks the version).
        """
        known = self._decoded.peek(self.table, order.id, order.version)
        if known is not None:
            return len(known.history), set(known.tags)
        row = self._session.one(
            "SELECT history_length, tags FROM orders WHERE id = :id", {"id": order.id}
        )
        return (0, set()) if row is None else (int(row[0]), set(row[1].split()))

    def _add_tags(self, order: Order, tags: Iterable[str]) -> None:
        for tag in tags:
            self._session.write(
                "INSERT INTO order_tags (tag, number, order_id) VALUES (:tag, :number, :id)",
                {"tag": tag, "number": order.number, "id": order.id},
            )

    def find(self, query: OrderQuery, *, limit: int, before: int | None = None) -> list[Order]:
        """Orders matching ``query``, newest first; see the port.

        The page's numbers come from an index that ends in the number (one per
        filter), its ids and versions from those rows, and the documents only
        of the orders the cache does not hold: a page reads the page.
        """
        where = ["1 = 1"]
        params: dict[str, Any] = {}
        table = "orders"
        if query.tag is not None:
            table = "order_tags JOIN orders ON orders.number = order_tags.number"
            where.append("order_tags.tag = :tag")
            params["tag"] = query.tag
        if query.states is not None:
            names = [f"state_{index}" for index in range(len(query.states))]
            where.append(
                f"orders.state IN ({', '.join(':' + n for n in names)})" if names else "0 = 1"
            )
            params.update(zip(names, query.states, strict=True))
        for column in ("payment_status", "fulfilment_status", "channel", "customer_id"):
            value = getattr(query, column)
            if value is not None:
                where.append(f"orders.{column} = :{column}")
                params[column] = str(value)
        if query.placed_from is not None:
            where.append("orders.placed_at >= :placed_from")
            params["placed_from"] = self._dialect.encode_time(query.placed_from)
        if query.placed_until is not None:
            where.append("orders.placed_at < :placed_until")
            params["placed_until"] = self._dialect.encode_time(query.placed_until)
        if before is not None:
            where.append("orders.number < :before")
            params["before"] = before
        params["limit"] = limit
        page = self._session.rows(
            "SELECT id, version FROM orders WHERE number IN ("
            f"SELECT orders.number FROM {table} WHERE {' AND '.join(where)} "
            "ORDER BY orders.number DESC LIMIT :limit) ORDER BY number DESC",
            params,
        )
        return self._of_page(page)

    def _of_page(self, page: list[Any]) -> list[Order]:
        """The orders of rows ``(id, version)``, reading only the documents not cached."""
        found: dict[str, Order] = {}
        for order_id, version in page:
            known = self._decoded.get(self.table, order_id, int(version))
            if known is not None:
                found[order_id] = known
        missing = [order_id for order_id, _ in page if order_id not in found]
        if missing:
            names = [f"id_{index}" for index in range(len(missing))]
            rows = self._session.rows(
                "SELECT id, version, document FROM orders "
                f"WHERE id IN ({', '.join(':' + name for name in names)})",
                dict(zip(names, missing, strict=True)),
            )
            for row in rows:
                found[row[0]] = self._decode(row)
        return [found[order_id] for order_id, _ in page if order_id in found]

    def expiring(self, at: datetime, limit: int) -> list[Order]:
        """Orders due to lapse by ``at``, soonest first (the partial index on expires_at)."""
        return self._select(
            "expires_at IS NOT NULL AND expires_at <= :at",
            "expires_at, number",
            {"at": self._dialect.encode_time(at)},
            limit=limit,
        )

    def get_by_number(self, number: int) -> Order:
        """Load an order by its number."""
        return self._load("number = :number", {"number": number}, number)

    def list(self) -> Iterator[Order]:
        """Yield every order by number."""
        for row in self._batches("SELECT id, version, document FROM orders ORDER BY number"):
            yield self._decode(row, keep=False)

    def count(self) -> int:
        """Count the orders."""
        return self._count("orders")


class SqlOutbox(SqlRepository):
    """The ``outbox`` table: events committed with the changes they describe."""

    def append(self, message: OutboxMessage) -> None:
        """Add an event to the outbox."""
        changed = self._session.write(
            "INSERT INTO outbox (event_id, event_type, aggregate_type, aggregate_id, "
            "occurred_at, payload) VALUES (:event_id, :event_type, :aggregate_type, "
            ":aggregate_id, :occurred_at, :payload) ON CONFLICT DO NOTHING",
            {
                "event_id": message.event_id,
                "event_type": message.event_type,
                "aggregate_type": message.aggregate_type,
                "aggregate_id": message.aggregate_id,
                "occurred_at": self._dialect.encode_time(message.occurred_at),
                "payload": self._dialect.encode_json(message.payload),
            },
        )
        if changed == 0:
            raise AlreadyExists("event", message.event_id)

    def pending(self, limit: int = 100) -> list[OutboxMessage]:
        """Return the oldest unpublished events."""
        found = self._session.rows(
            "SELECT position, event_id, event_type, aggregate_type, aggregate_id, occurred_at, "
            "payload FROM outbox WHERE published_at IS NULL ORDER BY position LIMIT :limit",
            {"limit": limit},
        )
        decode_time = self._dialect.decode_time
        return [
            OutboxMessage(
                position=int(row[0]),
                event_id=row[1],
                event_type=row[2],
                aggregate_type=row[3],
                aggregate_id=row[4],
                occurred_at=decode_time(row[5]),
                payload=self._dialect.decode_json(row[6]),
            )
            for row in found
        ]

    def mark_published(self, event_ids: Iterable[str], at: datetime) -> int:
        """Mark events published; return how many were pending."""
        marked = 0
        when = self._dialect.encode_time(at)
        for event_id in set(event_ids):
            marked += self._session.write(
                "UPDATE outbox SET published_at = :at "
                "WHERE event_id = :event_id AND published_at IS NULL",
                {"at": when, "event_id": event_id},
            )
        return marked

    def count(self, *, pending_only: bool = False) -> int:
        """Count the outbox's events."""
        where = " WHERE published_at IS NULL" if pending_only else ""
        return self._count("outbox" + where)


class SqlSequences(SqlRepository):
    """Named counters in the ``sequences`` table."""

    def next(self, name: str) -> int:
        """Increment and return the counter ``name``."""
        row = self._session.one(
            "INSERT INTO sequences (name, value) VALUES (:name, 1) "
            "ON CONFLICT (name) DO UPDATE SET value = sequences.value + 1 RETURNING value",
            {"name": name},
        )
        return int(row[0])
