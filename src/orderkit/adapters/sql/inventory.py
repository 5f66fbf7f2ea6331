"""Inventory repositories over the shared SQL schema."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from orderkit.adapters.sql.base import SqlRepository
from orderkit.adapters.sql.versioned import SqlVersionedRepository
from orderkit.errors import (
    AlreadyExists,
    PurchaseOrderNotFound,
    ReservationNotFound,
    StorageBusy,
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
# Where the database can write in a WITH clause (PostgreSQL), the change and
# its ledger row travel as one statement: one round trip instead of two.
_APPLY_AND_RECORD = (
    f"WITH changed AS ({_APPLY}), recorded AS ("
    "INSERT INTO stock_movements (sku, warehouse, kind, on_hand_delta, reserved_delta, "
    "backordered_delta, document, reason, occurred_at) SELECT :sku, :warehouse, :kind, "
    ":on_hand_delta, :reserved_delta, :backordered_delta, :document, :reason, :occurred_at "
    "FROM changed) SELECT on_hand, reserved, backordered FROM changed"
)
_LEVEL_COLUMNS = "sku, warehouse, on_hand, reserved, backordered"
_ATTEMPTS = 3


class SqlWarehouses(SqlRepository):
    """Warehouses in the ``warehouses`` table.

    Every reservation reads warehouses, and they seldom change: a stored
    document is turned into a :class:`Warehouse` once per distinct text. The
    rows are still read in every unit of work, so a change is seen at once.
    """

    def _warehouse(self, code: str, stored: Any) -> Warehouse:
        return self._from_text("warehouses", code, stored, Warehouse)

    def _params(self, warehouse: Warehouse) -> dict[str, Any]:
        return {
            "code": warehouse.code,
            "priority": warehouse.priority,
            "active": int(warehouse.active),
            "document": self._json(warehouse),
        }

    def add(self, warehouse: Warehouse) -> None:
        """Insert a warehouse."""
        changed = self._session.write(
            "INSERT INTO warehouses (code, priority, active, document) "
            "VALUES (:code, :priority, :active, :document) ON CONFLICT DO NOTHING",
            self._params(warehouse),
        )
        if changed == 0:
            raise AlreadyExists("warehouse", warehouse.code)

    def replace(self, warehouse: Warehouse) -> None:
        """Update a warehouse."""
        changed = self._session.write(
            "UPDATE warehouses SET priority = :priority, active = :active, document = :document "
            "WHERE code = :code",
            self._params(warehouse),
        )
        if changed == 0:
            raise WarehouseNotFound(warehouse.code)

    def get(self, code: str) -> Warehouse:
        """Load a warehouse."""
        row = self._session.one(
            "SELECT document FROM warehouses WHERE code = :code", {"code": code}
        )
        if row is None:
            raise WarehouseNotFound(code)
        return self._warehouse(code, row[0])

    def list(self) -> list[Warehouse]:
        """Every warehouse by priority, then code."""
        query = "SELECT code, document FROM warehouses ORDER BY priority, code"
        return [self._warehouse(code, stored) for code, stored in self._batches(query)]


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
        recorded = self._dialect.writes_in_with
        query = _APPLY_AND_RECORD if recorded else _APPLY
        for _ in range(_ATTEMPTS):
            row = self._session.one(query, params)
            if row is not None:
                level = StockLevel(movement.sku, movement.warehouse, row[0], row[1], row[2])
                break
            created = self._refused(movement, backorder_limit)
            if created is not None:
                level, recorded = created, False
                break
        else:
            raise StorageBusy(
                f"stock of {movement.sku} in {movement.warehouse} kept changing; try again"
            )
        if not recorded:
            self._session.write(_RECORD, params)
        return level

    def _refused(self, movement: StockMovement, backorder_limit: int) -> StockLevel | None:
        """Explain why no row matched, or create the level; ``None`` means "update again".

        Either the level does not exist yet (create it), or a rule refused the
        change (StockLevel.apply raises the same error as every store), or,
        where the database lets another writer commit in between (PostgreSQL's
        read committed), the row changed since the update looked at it.
        """
        current = self.level(movement.sku, movement.warehouse)
        level = current.apply(
            movement.on_hand_delta,
            movement.reserved_delta,
            movement.backordered_delta,
            backorder_limit=backorder_limit,
        )
        created = self._session.write(
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
        return level if created == 1 else None

    def level(self, sku: str, warehouse: str) -> StockLevel:
        """The level, zero when nothing was recorded."""
        row = self._session.one(
            f"SELECT {_LEVEL_COLUMNS} FROM stock_levels "
            f"WHERE sku = :sku AND warehouse = :warehouse{self._session.for_update}",
            {"sku": sku, "warehouse": warehouse},
        )
        return StockLevel(sku, warehouse) if row is None else _level(row)

    def levels(self, *, sku: str | None = None, warehouse: str | None = None) -> list[StockLevel]:
        """Recorded levels, optionally filtered, by SKU then warehouse."""
        where, params = _filters(sku, warehouse)
        found = self._session.rows(
            f"SELECT {_LEVEL_COLUMNS} FROM stock_levels{where} ORDER BY sku, warehouse", params
        )
        return [_level(row) for row in found]

    def movements(
        self,
        *,
        sku: str | None = None,
        warehouse: str | None = None,
        since: datetime | None = None,
    ) -> Iterator[StockMovement]:
        """The ledger in the order it was written."""
        where, params = _filters(sku, warehouse)
        if since is not None:
            where += (" AND " if where else " WHERE ") + "occurred_at >= :since"
            params["since"] = self._dialect.encode_time(since)
        found = self._session.rows(
            "SELECT position, sku, warehouse, kind, on_hand_delta, reserved_delta, "
            f"backordered_delta, document, reason, occurred_at FROM stock_movements{where} "
            "ORDER BY position",
            params,
        )
        for row in found:
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
            self._session.write(
                "DELETE FROM bin_locations WHERE sku = :sku AND warehouse = :warehouse", params
            )
            return
        self._session.write(
            "INSERT INTO bin_locations (sku, warehouse, bin) VALUES (:sku, :warehouse, :bin) "
            "ON CONFLICT (sku, warehouse) DO UPDATE SET bin = :bin",
            params,
        )

    def bins(self, warehouse: str) -> dict[str, str]:
        """Bin locations of a warehouse by SKU."""
        found = self._session.rows(
            "SELECT sku, bin FROM bin_locations WHERE warehouse = :warehouse ORDER BY sku",
            {"warehouse": warehouse},
        )
        return {row[0]: row[1] for row in found}


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


class SqlReservations(SqlVersionedRepository[Reservation]):
    """Reservations in the ``reservations`` table, saved with a version check."""

    table = "reservations"
    kind = "reservation"
    aggregate = Reservation
    not_found = ReservationNotFound

    def _columns(self, reservation: Reservation) -> dict[str, Any]:
        expires = reservation.expires_at
        return {
            "document": reservation.document,
            "status": reservation.status.value,
            "priority": reservation.priority,
            "created_at": self._dialect.encode_time(reservation.created_at),
            "backordered": reservation.backordered,
            "expires_at": None if expires is None else self._dialect.encode_time(expires),
        }

    def add(self, reservation: Reservation) -> None:
        """Insert a new reservation."""
        if not self._insert(reservation):
            raise AlreadyExists("reservation", reservation.id)

    def for_document(self, document: str) -> list[Reservation]:
        """Reservations of a document, oldest first."""
        return self._select("document = :document", "id", {"document": document})

    def backordered(self) -> list[Reservation]:
        """Active reservations waiting for stock, by priority then age."""
        return self._select("status = 'active' AND backordered > 0", "priority, created_at, id")

    def expired(self, now: datetime, limit: int = 100) -> list[Reservation]:
        """Active reservations past their expiry, soonest first."""
        return self._select(
            "status = 'active' AND expires_at IS NOT NULL AND expires_at <= :now",
            "expires_at, id",
            {"now": self._dialect.encode_time(now)},
            limit=limit,
        )


class SqlStockPolicies(SqlRepository):
    """Stock policies in the ``stock_policies`` table."""

    def put(self, policy: StockPolicy) -> None:
        """Insert or replace the SKU's policy."""
        self._session.write(
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


class SqlPurchaseOrders(SqlVersionedRepository[PurchaseOrder]):
    """Purchase orders in the ``purchase_orders`` table, saved with a version check."""

    table = "purchase_orders"
    kind = "purchase order"
    aggregate = PurchaseOrder
    not_found = PurchaseOrderNotFound

    def _columns(self, purchase_order: PurchaseOrder) -> dict[str, Any]:
        return {
            "supplier": purchase_order.supplier,
            "warehouse": purchase_order.warehouse,
            "status": purchase_order.status.value,
        }

    def add(self, purchase_order: PurchaseOrder) -> None:
        """Insert a new purchase order."""
        if not self._insert(purchase_order):
            raise AlreadyExists("purchase order", purchase_order.id)

    def open(self, *, warehouse: str | None = None) -> list[PurchaseOrder]:
        """Open purchase orders, oldest first."""
        if warehouse is None:
            return self._select("status = 'open'", "id")
        return self._select(
            "status = 'open' AND warehouse = :warehouse", "id", {"warehouse": warehouse}
        )
