"""Inventory repositories over the shared SQL schema."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import cattrs

from orderkit.adapters.sql.repositories import SqlRepository
from orderkit.adapters.sql.session import SqlSession
from orderkit.errors import (
    AlreadyExists,
    ConcurrencyConflict,
    PurchaseOrderNotFound,
    ReservationNotFound,
    StorageIntegrityError,
    WarehouseNotFound,
)
from orderkit.inventory.ledger import MovementKind, StockMovement
from orderkit.inventory.policies import StockPolicy
from orderkit.inventory.purchasing import PurchaseOrder
from orderkit.inventory.reservations import Reservation
from orderkit.inventory.stock import StockLevel
from orderkit.inventory.warehouses import Warehouse

__all__ = [
    "SqlPurchaseOrders",
    "SqlReservations",
    "SqlStock",
    "SqlStockPolicies",
    "SqlWarehouses",
]

# The stock rules as one conditional update: if any rule would break, no row
# matches and nothing changes. Under BEGIN IMMEDIATE (SQLite) or the row lock
# the UPDATE takes (PostgreSQL), no other writer can slip in between.
_APPLY = (
    "UPDATE stock_levels SET on_hand = on_hand + :on_hand_delta, "
    "reserved = reserved + :reserved_delta, backordered = backordered + :backordered_delta "
    "WHERE sku = :sku AND warehouse = :warehouse "
    "AND on_hand + :on_hand_delta >= 0 AND reserved + :reserved_delta >= 0 "
    "AND backordered + :backordered_delta >= 0 "
    "AND reserved + :reserved_delta <= on_hand + :on_hand_delta "
    "AND (:backordered_delta <= 0 OR backordered + :backordered_delta <= :backorder_limit) "
    "RETURNING on_hand, reserved, backordered"
)
_RECORD = (
    "INSERT INTO stock_movements (sku, warehouse, kind, on_hand_delta, reserved_delta, "
    "backordered_delta, document, reason, occurred_at) VALUES (:sku, :warehouse, :kind, "
    ":on_hand_delta, :reserved_delta, :backordered_delta, :document, :reason, :occurred_at)"
)
_LEVEL_COLUMNS = "sku, warehouse, on_hand, reserved, backordered"


class SqlWarehouses(SqlRepository):
    """Warehouses in the ``warehouses`` table.

    Loaded warehouses are kept for the rest of the unit of work: inside one
    transaction they cannot change behind its back, and a batch of
    reservations would otherwise read the same rows again and again.
    """

    def __init__(self, session: SqlSession, converter: cattrs.Converter) -> None:
        super().__init__(session, converter)
        self._loaded: dict[str, Warehouse] = {}

    def _params(self, warehouse: Warehouse) -> dict[str, Any]:
        return {
            "code": warehouse.code,
            "priority": warehouse.priority,
            "active": int(warehouse.active),
            "document": self._json(warehouse),
        }

    def add(self, warehouse: Warehouse) -> None:
        """Insert a warehouse."""
        cursor = self._session.execute(
            "INSERT INTO warehouses (code, priority, active, document) "
            "VALUES (:code, :priority, :active, :document) ON CONFLICT DO NOTHING",
            self._params(warehouse),
        )
        if cursor.rowcount == 0:
            raise AlreadyExists("warehouse", warehouse.code)

    def replace(self, warehouse: Warehouse) -> None:
        """Update a warehouse."""
        cursor = self._session.execute(
            "UPDATE warehouses SET priority = :priority, active = :active, document = :document "
            "WHERE code = :code",
            self._params(warehouse),
        )
        if cursor.rowcount == 0:
            raise WarehouseNotFound(warehouse.code)

    def get(self, code: str) -> Warehouse:
        """Load a warehouse."""
        row = self._session.one(
            "SELECT document FROM warehouses WHERE code = :code", {"code": code}
        )
        if row is None:
            raise WarehouseNotFound(code)
        return self._converter.structure(self._dialect.decode_json(row[0]), Warehouse)

    def list(self) -> list[Warehouse]:
        """Every warehouse by priority, then code."""
        query = "SELECT document FROM warehouses ORDER BY priority, code"
        return [self._converter.structure(d, Warehouse) for d in self._documents(query)]


class SqlStock(SqlRepository):
    """Stock levels and the movement ledger."""

    def apply(self, movement: StockMovement, *, backorder_limit: int = 0) -> StockLevel:
        """Apply a movement with a conditional update, and record it in the ledger."""
        params: dict[str, Any] = {
            "backordered_delta": movement.backordered_delta,
            "backorder_limit": backorder_limit,
            "sku": movement.sku,
            "warehouse": movement.warehouse,
            "kind": movement.kind.value,
            "on_hand_delta": movement.on_hand_delta,
            "reserved_delta": movement.reserved_delta,
            "document": movement.document,
            "reason": movement.reason,
            "occurred_at": self._dialect.encode_time(movement.occurred_at),
        }
        row = self._session.one(_APPLY, params)
        if row is None:
            level = self._refused(movement, backorder_limit)
        else:
            level = StockLevel(movement.sku, movement.warehouse, row[0], row[1], row[2])
        self._session.execute(_RECORD, params)
        return level

    def _refused(self, movement: StockMovement, backorder_limit: int) -> StockLevel:
        # No row matched: either the level is new, or a rule refused the change.
        # StockLevel.apply says which rule, with the same error as every store.
        current = self.level(movement.sku, movement.warehouse)
        level = current.apply(
            movement.on_hand_delta,
            movement.reserved_delta,
            movement.backordered_delta,
            backorder_limit=backorder_limit,
        )
        cursor = self._session.execute(
            "INSERT INTO stock_levels (sku, warehouse, on_hand, reserved, backordered) "
            "VALUES (:sku, :warehouse, :on_hand, :reserved, :backordered) ON CONFLICT DO NOTHING",
            {
                "sku": level.sku,
                "warehouse": level.warehouse,
                "on_hand": level.on_hand,
                "reserved": level.reserved,
                "backordered": level.backordered,
            },
        )
        if cursor.rowcount != 1:
            raise StorageIntegrityError(
                f"stock of {movement.sku} in {movement.warehouse} changed under a write lock"
            )
        return level

    def level(self, sku: str, warehouse: str) -> StockLevel:
        """The level, zero when nothing was recorded."""
        row = self._session.one(
            f"SELECT {_LEVEL_COLUMNS} FROM stock_levels "
            "WHERE sku = :sku AND warehouse = :warehouse",
            {"sku": sku, "warehouse": warehouse},
        )
        return StockLevel(sku, warehouse) if row is None else _level(row)

    def levels(self, *, sku: str | None = None, warehouse: str | None = None) -> list[StockLevel]:
        """Recorded levels, optionally filtered, by SKU then warehouse."""
        where, params = _filters(sku, warehouse)
        cursor = self._session.execute(
            f"SELECT {_LEVEL_COLUMNS} FROM stock_levels{where} ORDER BY sku, warehouse", params
        )
        return [_level(row) for row in cursor.fetchall()]

    def movements(
        self, *, sku: str | None = None, warehouse: str | None = None
    ) -> Iterator[StockMovement]:
        """The ledger in the order it was written."""
        where, params = _filters(sku, warehouse)
        cursor = self._session.execute(
            "SELECT position, sku, warehouse, kind, on_hand_delta, reserved_delta, "
            f"backordered_delta, document, reason, occurred_at FROM stock_movements{where} "
            "ORDER BY position",
            params,
        )
        for row in cursor.fetchall():
            yield StockMovement(
                position=int(row[0]),
                sku=row[1],
                warehouse=row[2],
                kind=MovementKind(row[3]),
                on_hand_delta=int(row[4]),
                reserved_delta=int(row[5]),
                backordered_delta=int(row[6]),
                document=row[7],
                reason=row[8],
                occurred_at=self._dialect.decode_time(row[9]),
            )

    def set_bin(self, sku: str, warehouse: str, bin_location: str | None) -> None:
        """Shelve a SKU in a bin, or forget its bin."""
        params = {"sku": sku, "warehouse": warehouse, "bin": bin_location}
        if bin_location is None:
            self._session.execute(
                "DELETE FROM bin_locations WHERE sku = :sku AND warehouse = :warehouse", params
            )
            return
        self._session.execute(
            "INSERT INTO bin_locations (sku, warehouse, bin) VALUES (:sku, :warehouse, :bin) "
            "ON CONFLICT (sku, warehouse) DO UPDATE SET bin = :bin",
            params,
        )

    def bins(self, warehouse: str) -> dict[str, str]:
        """Bin locations of a warehouse by SKU."""
        cursor = self._session.execute(
            "SELECT sku, bin FROM bin_locations WHERE warehouse = :warehouse ORDER BY sku",
            {"warehouse": warehouse},
        )
        return {row[0]: row[1] for row in cursor.fetchall()}


def _level(row: Any) -> StockLevel:
    return StockLevel(row[0], row[1], int(row[2]), int(row[3]), int(row[4]))


def _filters(sku: str | None, warehouse: str | None) -> tuple[str, dict[str, Any]]:
    clauses = []
    params: dict[str, Any] = {}
    if sku is not None:
        clauses.append("sku = :sku")
        params["sku"] = sku
    if warehouse is not None:
        clauses.append("warehouse = :warehouse")
        params["warehouse"] = warehouse
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


class SqlReservations(SqlRepository):
    """Reservations in the ``reservations`` table, saved with a version check."""

    def _params(self, reservation: Reservation, version: int) -> dict[str, Any]:
        body = self._converter.unstructure(reservation)
        body["version"] = version
        expires = reservation.expires_at
        return {
            "id": reservation.id,
            "document": reservation.document,
            "status": reservation.status.value,
            "priority": reservation.priority,
            "created_at": self._dialect.encode_time(reservation.created_at),
            "backordered": reservation.backordered,
            "expires_at": None if expires is None else self._dialect.encode_time(expires),
            "version": version,
            "body": self._dialect.encode_json(body),
        }

    def add(self, reservation: Reservation) -> None:
        """Insert a new reservation."""
        if reservation.version != 0:
            raise ConcurrencyConflict("reservation", reservation.id, reservation.version)
        cursor = self._session.execute(
            "INSERT INTO reservations (id, document, status, priority, created_at, backordered, "
            "expires_at, version, body) VALUES (:id, :document, :status, :priority, "
            ":created_at, :backordered, :expires_at, :version, :body) ON CONFLICT DO NOTHING",
            self._params(reservation, 1),
        )
        if cursor.rowcount == 0:
            raise AlreadyExists("reservation", reservation.id)
        reservation.version = 1

    def save(self, reservation: Reservation) -> None:
        """Update a reservation if its version is unchanged."""
        params = self._params(reservation, reservation.version + 1)
        params["expected"] = reservation.version
        cursor = self._session.execute(
            "UPDATE reservations SET status = :status, priority = :priority, "
            "backordered = :backordered, expires_at = :expires_at, version = :version, "
            "body = :body WHERE id = :id AND version = :expected",
            params,
        )
        if cursor.rowcount == 0:
            self.get(reservation.id)  # raises ReservationNotFound when missing
            raise ConcurrencyConflict("reservation", reservation.id, reservation.version)
        reservation.version += 1

    def get(self, reservation_id: str) -> Reservation:
        """Load a reservation."""
        row = self._session.one(
            "SELECT body FROM reservations WHERE id = :id", {"id": reservation_id}
        )
        if row is None:
            raise ReservationNotFound(reservation_id)
        return self._converter.structure(self._dialect.decode_json(row[0]), Reservation)

    def for_document(self, document: str) -> list[Reservation]:
        """Reservations of a document, oldest first."""
        cursor = self._session.execute(
            "SELECT body FROM reservations WHERE document = :document ORDER BY id",
            {"document": document},
        )
        return [
            self._converter.structure(self._dialect.decode_json(row[0]), Reservation)
            for row in cursor.fetchall()
        ]

    def backordered(self) -> list[Reservation]:
        """Active reservations waiting for stock, by priority then age."""
        cursor = self._session.execute(
            "SELECT body FROM reservations WHERE status = 'active' AND backordered > 0 "
            "ORDER BY priority, created_at, id"
        )
        return [
            self._converter.structure(self._dialect.decode_json(row[0]), Reservation)
            for row in cursor.fetchall()
        ]

    def expired(self, now: datetime, limit: int = 100) -> list[Reservation]:
        """Active reservations past their expiry, soonest first."""
        cursor = self._session.execute(
            "SELECT body FROM reservations WHERE status = 'active' AND expires_at IS NOT NULL "
            "AND expires_at <= :now ORDER BY expires_at, id LIMIT :limit",
            {"now": self._dialect.encode_time(now), "limit": limit},
        )
        return [
            self._converter.structure(self._dialect.decode_json(row[0]), Reservation)
            for row in cursor.fetchall()
        ]


class SqlStockPolicies(SqlRepository):
    """Stock policies in the ``stock_policies`` table."""

    def put(self, policy: StockPolicy) -> None:
        """Insert or replace the SKU's policy."""
        self._session.execute(
            "INSERT INTO stock_policies (sku, supplier, document) VALUES (:sku, :supplier, "
            ":document) ON CONFLICT (sku) DO UPDATE SET supplier = :supplier, document = :document",
            {"sku": policy.sku, "supplier": policy.supplier, "document": self._json(policy)},
        )

    def get(self, sku: str) -> StockPolicy | None:
        """The SKU's policy, or ``None``."""
        row = self._session.one(
            "SELECT document FROM stock_policies WHERE sku = :sku", {"sku": sku}
        )
        if row is None:
            return None
        return self._converter.structure(self._dialect.decode_json(row[0]), StockPolicy)

    def list(self) -> list[StockPolicy]:
        """Every policy by SKU."""
        query = "SELECT document FROM stock_policies ORDER BY sku"
        return [self._converter.structure(d, StockPolicy) for d in self._documents(query)]


class SqlPurchaseOrders(SqlRepository):
    """Purchase orders in the ``purchase_orders`` table, saved with a version check."""

    def _params(self, purchase_order: PurchaseOrder, version: int) -> dict[str, Any]:
        body = self._converter.unstructure(purchase_order)
        body["version"] = version
        return {
            "id": purchase_order.id,
            "supplier": purchase_order.supplier,
            "warehouse": purchase_order.warehouse,
            "status": purchase_order.status.value,
            "version": version,
            "body": self._dialect.encode_json(body),
        }

    def add(self, purchase_order: PurchaseOrder) -> None:
        """Insert a new purchase order."""
        if purchase_order.version != 0:
            raise ConcurrencyConflict("purchase order", purchase_order.id, purchase_order.version)
        cursor = self._session.execute(
            "INSERT INTO purchase_orders (id, supplier, warehouse, status, version, body) "
            "VALUES (:id, :supplier, :warehouse, :status, :version, :body) "
            "ON CONFLICT DO NOTHING",
            self._params(purchase_order, 1),
        )
        if cursor.rowcount == 0:
            raise AlreadyExists("purchase order", purchase_order.id)
        purchase_order.version = 1

    def save(self, purchase_order: PurchaseOrder) -> None:
        """Update a purchase order if its version is unchanged."""
        params = self._params(purchase_order, purchase_order.version + 1)
        params["expected"] = purchase_order.version
        cursor = self._session.execute(
            "UPDATE purchase_orders SET status = :status, version = :version, body = :body "
            "WHERE id = :id AND version = :expected",
            params,
        )
        if cursor.rowcount == 0:
            self.get(purchase_order.id)  # raises PurchaseOrderNotFound when missing
            raise ConcurrencyConflict("purchase order", purchase_order.id, purchase_order.version)
        purchase_order.version += 1

    def get(self, purchase_order_id: str) -> PurchaseOrder:
        """Load a purchase order."""
        row = self._session.one(
            "SELECT body FROM purchase_orders WHERE id = :id", {"id": purchase_order_id}
        )
        if row is None:
            raise PurchaseOrderNotFound(purchase_order_id)
        return self._converter.structure(self._dialect.decode_json(row[0]), PurchaseOrder)

    def open(self, *, warehouse: str | None = None) -> list[PurchaseOrder]:
        """Open purchase orders, oldest first."""
        where = " AND warehouse = :warehouse" if warehouse is not None else ""
        cursor = self._session.execute(
            f"SELECT body FROM purchase_orders WHERE status = 'open'{where} ORDER BY id",
            {"warehouse": warehouse} if warehouse is not None else {},
        )
        return [
            self._converter.structure(self._dialect.decode_json(row[0]), PurchaseOrder)
            for row in cursor.fetchall()
        ]
