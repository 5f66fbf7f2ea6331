"""Record repositories of warehouses, stock levels and their ledger, reservations and purchasing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import attrs
import cattrs

from orderkit.adapters.records._tables import Counters, DocumentTable, VersionedRecords, moment
from orderkit.adapters.records.port import Record, RecordTransaction
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

__all__ = [
    "RecordPurchaseOrders",
    "RecordReservations",
    "RecordStock",
    "RecordStockPolicies",
    "RecordWarehouses",
]


class RecordWarehouses:
    """Warehouses under their code."""

    def __init__(self, tx: RecordTransaction, converter: cattrs.Converter) -> None:
        self._table = DocumentTable(tx, converter, "warehouses", Warehouse)

    def add(self, warehouse: Warehouse) -> None:
        if self._table.document((warehouse.code,)) is not None:
            raise AlreadyExists("warehouse", warehouse.code)
        self._table.store((warehouse.code,), warehouse)

    def replace(self, warehouse: Warehouse) -> None:
        if self._table.document((warehouse.code,)) is None:
            raise WarehouseNotFound(warehouse.code)
        self._table.store((warehouse.code,), warehouse)

    def get(self, code: str) -> Warehouse:
        found = self._table.load((code,))
        if found is None:
            raise WarehouseNotFound(code)
        return found

    def list(self) -> list[Warehouse]:
        found = [warehouse for _, warehouse in self._table.scan()]
        return sorted(found, key=lambda w: (w.priority, w.code))


class RecordStock:
    """Levels under (SKU, warehouse), the ledger by position, bins under (warehouse, SKU).

    Levels are also filed under (warehouse, SKU), so both ways of asking for
    them read only what they return.
    """

    def __init__(self, tx: RecordTransaction, converter: cattrs.Converter) -> None:
        self._tx = tx
        self._converter = converter

    def apply(self, movement: StockMovement, *, backorder_limit: int = 0) -> StockLevel:
        level = self.level(movement.sku, movement.warehouse).apply(
            movement.on_hand_delta,
            movement.reserved_delta,
            movement.backordered_delta,
            backorder_limit=backorder_limit,
        )
        row = {
            "on_hand": level.on_hand,
            "reserved": level.reserved,
            "backordered": level.backordered,
        }
        self._tx.put("stock_levels", (level.sku, level.warehouse), row)
        self._tx.put("stock_levels.warehouse", (level.warehouse, level.sku), {})
        position = Counters(self._tx).add("stock_movements.position")
        stored = attrs.evolve(movement, position=position)
        self._tx.put("stock_movements", (position,), self._converter.unstructure(stored))
        self._tx.put("stock_movements.sku", (movement.sku, position), {})
        return level

    def level(self, sku: str, warehouse: str) -> StockLevel:
        row = self._tx.get("stock_levels", (sku, warehouse))
        if row is None:
            return StockLevel(sku, warehouse)
        return StockLevel(sku, warehouse, row["on_hand"], row["reserved"], row["backordered"])

    def levels(self, *, sku: str | None = None, warehouse: str | None = None) -> list[StockLevel]:
        if sku is None and warehouse is not None:
            keys = sorted(
                (str(key[1]), warehouse)
                for key, _ in self._tx.scan("stock_levels.warehouse", (warehouse,))
            )
        else:
            prefix = () if sku is None else (sku,)
            keys = [
                (str(key[0]), str(key[1]))
                for key, _ in self._tx.scan("stock_levels", prefix)
                if warehouse is None or key[1] == warehouse
            ]
        return [self.level(*key) for key in keys]

    def movements(
        self,
        *,
        sku: str | None = None,
        warehouse: str | None = None,
        since: datetime | None = None,
    ) -> Iterator[StockMovement]:
        if sku is None:
            records: Iterator[Record] = (record for _, record in self._tx.scan("stock_movements"))
        else:  # one SKU's movements, by position, without reading the others
            records = self._by_position(
                key[1] for key, _ in self._tx.scan("stock_movements.sku", (sku,))
            )
        for record in records:
            if warehouse is None or record["warehouse"] == warehouse:
                movement: StockMovement = self._converter.structure(record, StockMovement)
                if since is None or movement.occurred_at >= since:
                    yield movement

    def _by_position(self, positions: Iterator[str | int]) -> Iterator[Record]:
        for position in positions:
            record = self._tx.get("stock_movements", (position,))
            if record is not None:
                yield record

    def set_bin(self, sku: str, warehouse: str, bin_location: str | None) -> None:
        if bin_location is None:
            self._tx.delete("stock_bins", (warehouse, sku))
        else:
            self._tx.put("stock_bins", (warehouse, sku), {"bin": bin_location})

    def bins(self, warehouse: str) -> dict[str, str]:
        return {
            str(key[1]): str(record["bin"])
            for key, record in self._tx.scan("stock_bins", (warehouse,))
        }


def _waiting(reservation: Reservation) -> list[tuple[int, str]]:
    if reservation.status is ReservationStatus.ACTIVE and reservation.backordered:
        return [(reservation.priority, moment(reservation.created_at))]
    return []


def _lapsing(reservation: Reservation) -> list[tuple[str]]:
    if reservation.status is ReservationStatus.ACTIVE and reservation.expires_at is not None:
        return [(moment(reservation.expires_at),)]
    return []


class RecordReservations(VersionedRecords[Reservation]):
    """Reservations under their id, indexed by document, by backorder queue and by expiry."""

    TABLE, KIND, LABEL = "reservations", Reservation, "reservation"
    NOT_FOUND = ReservationNotFound
    INDEXES = {"document": lambda r: [(r.document,)], "waiting": _waiting, "lapsing": _lapsing}

    def for_document(self, document: str) -> list[Reservation]:
        return self._table.by("document", (document,))

    def backordered(self) -> list[Reservation]:
        return self._table.by("waiting")

    def expired(self, now: datetime, limit: int = 100) -> list[Reservation]:
        return self._lapsing_by(now, limit)


class RecordStockPolicies:
    """Stock policies under their SKU."""

    def __init__(self, tx: RecordTransaction, converter: cattrs.Converter) -> None:
        self._table = DocumentTable(tx, converter, "stock_policies", StockPolicy)

    def put(self, policy: StockPolicy) -> None:
        self._table.store((policy.sku,), policy)

    def get(self, sku: str) -> StockPolicy | None:
        return self._table.load((sku,))

    def list(self) -> list[StockPolicy]:
        return [policy for _, policy in self._table.scan()]


def _open(purchase_order: PurchaseOrder) -> list[tuple[str]]:
    if purchase_order.status is PurchaseOrderStatus.OPEN:
        return [(purchase_order.warehouse,)]
    return []


class RecordPurchaseOrders(VersionedRecords[PurchaseOrder]):
    """Purchase orders under their id; the open ones indexed by warehouse."""

    TABLE, KIND, LABEL = "purchase_orders", PurchaseOrder, "purchase order"
    NOT_FOUND = PurchaseOrderNotFound
    INDEXES = {"open": _open}

    def open(self, *, warehouse: str | None = None) -> list[PurchaseOrder]:
        found = self._table.by("open", () if warehouse is None else (warehouse,))
        return sorted(found, key=lambda po: po.id)
