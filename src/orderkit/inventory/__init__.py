"""Inventory: stock per warehouse, never oversold, and everything that moves it.

Warehouses, stock levels, the movement ledger, reservations, routing, stock
policies, purchase orders and replenishment. Pure Python, no I/O.
"""

from orderkit.inventory.events import (
    BackorderAllocated,
    PurchaseOrderProblem,
    ReservationCommitted,
    ReservationExpired,
    ReservationReleased,
    StockMoved,
    StockReserved,
)
from orderkit.inventory.ledger import MovementKind, StockMovement, replay
from orderkit.inventory.policies import BackorderMode, StockPolicy
from orderkit.inventory.purchasing import PurchaseOrder, PurchaseOrderLine, PurchaseOrderStatus
from orderkit.inventory.replenishment import (
    DemandProfile,
    ReplenishmentAdvice,
    advise,
    demand_profile,
)
from orderkit.inventory.repository import (
    PurchaseOrderRepository,
    ReservationRepository,
    StockPolicyRepository,
    StockRepository,
    WarehouseRepository,
)
from orderkit.inventory.reservations import (
    Reservation,
    ReservationLine,
    ReservationStatus,
    summed_lines,
)
from orderkit.inventory.routing import (
    Allocation,
    ByPriority,
    FewestShipments,
    Nearest,
    Ranked,
    RankingStrategy,
    RoutingPlan,
    RoutingRequest,
    RoutingStrategy,
    distance_km,
    route,
)
from orderkit.inventory.stock import StockLevel
from orderkit.inventory.warehouses import Warehouse

__all__ = [
    "Allocation",
    "BackorderAllocated",
    "BackorderMode",
    "ByPriority",
    "DemandProfile",
    "FewestShipments",
    "MovementKind",
    "Nearest",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "PurchaseOrderProblem",
    "PurchaseOrderRepository",
    "PurchaseOrderStatus",
    "Ranked",
    "RankingStrategy",
    "ReplenishmentAdvice",
    "Reservation",
    "ReservationCommitted",
    "ReservationExpired",
    "ReservationLine",
    "ReservationReleased",
    "ReservationRepository",
    "ReservationStatus",
    "RoutingPlan",
    "RoutingRequest",
    "RoutingStrategy",
    "StockLevel",
    "StockMoved",
    "StockMovement",
    "StockPolicy",
    "StockPolicyRepository",
    "StockRepository",
    "StockReserved",
    "Warehouse",
    "WarehouseRepository",
    "advise",
    "demand_profile",
    "distance_km",
    "replay",
    "route",
    "summed_lines",
]
