"""What inventory needs from a store, and what other capabilities may use of it."""

from __future__ import annotations

from typing import Protocol

from orderkit.catalog.ports import CatalogUnitOfWork
from orderkit.inventory.ledger import MovementKind, StockMovement
from orderkit.inventory.repository import (
    PurchaseOrderRepository,
    ReservationRepository,
    StockPolicyRepository,
    StockRepository,
    WarehouseRepository,
)
from orderkit.inventory.reservations import Reservation, ReservationStatus
from orderkit.inventory.routing import distance_km
from orderkit.inventory.stock import StockLevel

__all__ = [
    "InventoryUnitOfWork",
    "MovementKind",
    "PurchaseOrderRepository",
    "Reservation",
    "ReservationRepository",
    "ReservationStatus",
    "StockLevel",
    "StockMovement",
    "StockPolicyRepository",
    "StockRepository",
    "WarehouseRepository",
    "distance_km",
    "order_document",
]


def order_document(number: int) -> str:
    """The document name the reservations of order ``number`` carry (``"order:1042"``)."""
    return f"order:{number}"


class InventoryUnitOfWork(CatalogUnitOfWork, Protocol):
    """Protocol: a unit of work with warehouses, stock, reservations and purchasing."""

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
