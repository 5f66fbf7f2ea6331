"""The memory store's tables, and the overlay that holds a unit of work's changes."""

from __future__ import annotations

from typing import Any

import attrs

from orderkit.core.events import OutboxMessage
from orderkit.errors import StorageError
from orderkit.inventory.ledger import StockMovement

Document = dict[str, Any]
DELETED = object()


@attrs.define(slots=True)
class Tables:
    products: dict[str, Document] = attrs.Factory(dict)
    customers: dict[str, Document] = attrs.Factory(dict)
    emails: dict[str, str] = attrs.Factory(dict)
    orders: dict[str, Document] = attrs.Factory(dict)
    order_numbers: dict[int, str] = attrs.Factory(dict)
    outbox: list[OutboxMessage] = attrs.Factory(list)
    event_ids: set[str] = attrs.Factory(set)
    unpublished: dict[str, OutboxMessage] = attrs.Factory(dict)  # in outbox order
    sequences: dict[str, int] = attrs.Factory(dict)
    warehouses: dict[str, Document] = attrs.Factory(dict)
    stock_levels: dict[tuple[str, str], tuple[int, int, int]] = attrs.Factory(dict)
    movements: list[StockMovement] = attrs.Factory(list)
    reservations: dict[str, Document] = attrs.Factory(dict)
    stock_policies: dict[str, Document] = attrs.Factory(dict)
    bin_locations: dict[tuple[str, str], str] = attrs.Factory(dict)
    purchase_orders: dict[str, Document] = attrs.Factory(dict)
    payments: dict[str, Document] = attrs.Factory(dict)
    idempotency_keys: dict[str, Document] = attrs.Factory(dict)
    credit_accounts: dict[str, Document] = attrs.Factory(dict)
    refunds: dict[str, Document] = attrs.Factory(dict)
    credit_entries: dict[str, tuple[int, Document]] = attrs.Factory(dict)


def refuse_write() -> None:
    raise StorageError("a read-only unit of work cannot write; open one with readonly=False")


class Overlay:
    """A table's uncommitted changes on top of its committed rows."""

    def __init__(self, base: dict[Any, Any], readonly: bool) -> None:
        self.base = base
        self.readonly = readonly
        self.changes: dict[Any, Any] = {}

    def get(self, key: Any) -> Any:
        value = self.changes.get(key, self.base.get(key, DELETED))
        return None if value is DELETED else value

    def put(self, key: Any, value: Any) -> None:
        if self.readonly:
            refuse_write()
        self.changes[key] = value

    def live_keys(self) -> set[Any]:
        """The keys that exist once the changes are applied."""
        keys = set(self.base) | set(self.changes)
        return {key for key in keys if self.get(key) is not None}

    def apply(self) -> None:
        self.base.update(self.changes)
