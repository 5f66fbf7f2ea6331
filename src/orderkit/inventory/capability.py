"""The declaration of inventory: its events."""

from __future__ import annotations

from orderkit.core.capability import Capability
from orderkit.inventory.events import (
    BackorderAllocated,
    PurchaseOrderProblem,
    ReservationCommitted,
    ReservationExpired,
    ReservationReleased,
    StockMoved,
    StockReserved,
)

__all__ = ["CAPABILITY"]

CAPABILITY = Capability(
    name="inventory",
    events=(
        BackorderAllocated,
        PurchaseOrderProblem,
        ReservationCommitted,
        ReservationExpired,
        ReservationReleased,
        StockMoved,
        StockReserved,
    ),
)
"""What inventory brings to a shop."""
