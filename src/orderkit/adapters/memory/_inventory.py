"""The memory store's repositories for warehouses, stock and reservations."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import attrs
import cattrs

from orderkit.adapters.memory._tables import DELETED, Overlay, Tables, refuse_write
from orderkit.adapters.memory._versioned import MemoryVersionedDocuments
from orderkit.errors import (
    AlreadyExists,
    PurchaseOrderNotFound,
    ReservationNotFound,
    WarehouseNotFound,
)
from orderkit.inventory.ledger import StockMovement
from orderkit.inventory.policies import StockPolicy
from orderkit.inventory.purchasing import PurchaseOrder, PurchaseOrderStatus
from orderkit.inventory.reservations import Reservation, ReservationStatus
from orderkit.inventory.stock import StockLevel
from orderkit.inventory.warehouses import Warehouse


class MemoryWarehouses:
    """Warehouses keyed by code."""

    def __init__(self, table: Overlay, converter: cattrs.Converter) -> None:
        self._table = table
        self._converter = converter

    def add(self, warehouse: Warehouse) -> None:
        if self._table.get(warehouse.code) is not None:
            raise AlreadyExists("warehouse", warehouse.code)
        self._table.put(warehouse.code, self._converter.unstructure(warehouse))

    def replace(self, warehouse: Warehouse) -> None:
        if self._table.get(warehouse.code) is None:
            raise WarehouseNotFound(warehouse.code)
        self._table.put(warehouse.code, self._converter.unstructure(warehouse))

    def get(self, code: str) -> Warehouse:
        document = self._table.get(code)
        if document is None:
            raise WarehouseNotFound(code)
        return self._converter.structure(document, Warehouse)

    def list(self) -> list[Warehouse]:
        found = [self.get(code) for code in self._table.live_keys()]
        return sorted(found, key=lambda w: (w.priority, w.code))


class MemoryStock:
    """Stock levels as (on hand, reserved, backordered) tuples, and the ledger."""

    def __init__(self, tables: Tables, levels: Overlay, bins: Overlay, readonly: bool) -> None:
        self._tables = tables
        self._levels = levels
        self._bins = bins
        self._readonly = readonly
        self.appended: list[StockMovement] = []

    def apply(self, movement: StockMovement, *, backorder_limit: int = 0) -> StockLevel:
        if self._readonly:
            refuse_write()
        current = self.level(movement.sku, movement.warehouse)
        level = current.apply(
            movement.on_hand_delta,
            movement.reserved_delta,
            movement.backordered_delta,
            backorder_limit=backorder_limit,
        )
        self._levels.put(
            (level.sku, level.warehouse), (level.on_hand, level.reserved, level.backordered)
        )
        position = len(self._tables.movements) + len(self.appended) + 1
        self.appended.append(attrs.evolve(movement, position=position))
        return level

    def level(self, sku: str, warehouse: str) -> StockLevel:
        row = self._levels.get((sku, warehouse))
        if row is None:
            return StockLevel(sku, warehouse)
        return StockLevel(sku, warehouse, row[0], row[1], row[2])

    def levels(self, *, sku: str | None = None, warehouse: str | None = None) -> list[StockLevel]:
        keys = sorted(
            key
            for key in self._levels.live_keys()
            if (sku is None or key[0] == sku) and (warehouse is None or key[1] == warehouse)
        )
        return [self.level(*key) for key in keys]

    def movements(
        self,
        *,
        sku: str | None = None,
        warehouse: str | None = None,
        since: datetime | None = None,
    ) -> Iterator[StockMovement]:
        for movement in (*self._tables.movements, *self.appended):
            if (
                (sku is None or movement.sku == sku)
                and (warehouse is None or movement.warehouse == warehouse)
                and (since is None or movement.occurred_at >= since)
            ):
                yield movement

    def set_bin(self, sku: str, warehouse: str, bin_location: str | None) -> None:
        self._bins.put((sku, warehouse), DELETED if bin_location is None else bin_location)

    def bins(self, warehouse: str) -> dict[str, str]:
        keys = sorted(key for key in self._bins.live_keys() if key[1] == warehouse)
        return {key[0]: self._bins.get(key) for key in keys}

    def apply_changes(self) -> None:
        self._tables.movements.extend(self.appended)


class MemoryReservations(MemoryVersionedDocuments[Reservation]):
    """Reservations keyed by id, saved with a version check."""

    kind = "reservation"
    aggregate = Reservation
    not_found = ReservationNotFound

    def for_document(self, document: str) -> list[Reservation]:
        return [r for r in self._all() if r.document == document]

    def backordered(self) -> list[Reservation]:
        waiting = [r for r in self._all() if r.status is ReservationStatus.ACTIVE and r.backordered]
        return sorted(waiting, key=lambda r: (r.priority, r.created_at, r.id))

    def expired(self, now: datetime, limit: int = 100) -> list[Reservation]:
        due = [
            r
            for r in self._all()
            if r.status is ReservationStatus.ACTIVE
            and r.expires_at is not None
            and r.expires_at <= now
        ]
        return sorted(due, key=lambda r: (r.expires_at or now, r.id))[:limit]


class MemoryStockPolicies:
    """Stock policies keyed by SKU."""

    def __init__(self, table: Overlay, converter: cattrs.Converter) -> None:
        self._table = table
        self._converter = converter

    def put(self, policy: StockPolicy) -> None:
        self._table.put(policy.sku, self._converter.unstructure(policy))

    def get(self, sku: str) -> StockPolicy | None:
        document = self._table.get(sku)
        return None if document is None else self._converter.structure(document, StockPolicy)

    def list(self) -> list[StockPolicy]:
        return [
            self._converter.structure(self._table.get(sku), StockPolicy)
            for sku in sorted(self._table.live_keys())
        ]


class MemoryPurchaseOrders(MemoryVersionedDocuments[PurchaseOrder]):
    """Purchase orders keyed by id, saved with a version check."""

    kind = "purchase order"
    aggregate = PurchaseOrder
    not_found = PurchaseOrderNotFound

    def open(self, *, warehouse: str | None = None) -> list[PurchaseOrder]:
        return [
            po
            for po in self._all()
            if po.status is PurchaseOrderStatus.OPEN
            and (warehouse is None or po.warehouse == warehouse)
        ]
