"""Applying ledger movements inside a unit of work, and serving backorders as stock frees up.

Shared by the inventory, reservation and purchasing services, so every way
stock arrives or is freed allocates waiting backorders the same way.
"""

from __future__ import annotations

from orderkit.core.context import ServiceContext
from orderkit.inventory.events import BackorderAllocated, StockMoved
from orderkit.inventory.ledger import MovementKind, StockMovement
from orderkit.inventory.ports import InventoryUnitOfWork
from orderkit.inventory.stock import StockLevel

__all__ = ["apply_movement", "serve_backorders"]

_ARRIVALS = {MovementKind.RECEIVE, MovementKind.RETURN, MovementKind.TRANSFER_IN}


def apply_movement(
    context: ServiceContext[InventoryUnitOfWork], uow: InventoryUnitOfWork, movement: StockMovement
) -> StockLevel:
    """Apply a stock movement, record ``StockMoved``, and serve backorders on arrivals."""
    level = uow.stock.apply(movement)
    context.record(
        uow,
        StockMoved,
        aggregate_id=f"{movement.sku}@{movement.warehouse}",
        kind=movement.kind.value,
        on_hand_delta=movement.on_hand_delta,
        on_hand=level.on_hand,
        available=level.available,
        document=movement.document,
    )
    if movement.kind in _ARRIVALS or movement.on_hand_delta > 0:
        level = serve_backorders(context, uow, movement.sku, movement.warehouse, level)
    return level


def serve_backorders(
    context: ServiceContext[InventoryUnitOfWork],
    uow: InventoryUnitOfWork,
    sku: str,
    warehouse: str,
    level: StockLevel,
) -> StockLevel:
    """Allocate newly available units to waiting reservations, by priority then age."""
    if not level.backordered or not level.available:
        return level
    now = context.clock.now()
    for reservation in uow.reservations.backordered():
        line = next(
            (
                line
                for line in reservation.lines
                if (line.sku, line.warehouse) == (sku, warehouse) and line.backordered
            ),
            None,
        )
        if line is None:
            continue
        take = min(line.backordered, level.available)
        level = uow.stock.apply(
            StockMovement.of(
                MovementKind.ALLOCATE,
                sku,
                warehouse,
                take,
                occurred_at=now,
                document=reservation.document,
            )
        )
        reservation.allocate(sku, warehouse, take)
        uow.reservations.save(reservation)
        context.record(
            uow,
            BackorderAllocated,
            aggregate_id=reservation.id,
            document=reservation.document,
            sku=sku,
            warehouse=warehouse,
            quantity=take,
            still_backordered=reservation.backordered,
        )
        if not level.available:
            break
    return level
