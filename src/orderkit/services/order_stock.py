"""How orders hold stock: the coupling between the order lifecycle and reservations."""

from __future__ import annotations

from typing import Protocol

import attrs

from orderkit.errors import TransitionRefused, ValidationError
from orderkit.lifecycle.order import Order
from orderkit.services.reservations import ReservationRequest, ReservationService
from orderkit.storage import UnitOfWork

__all__ = ["ReservationCoupling", "StockCoupling"]


class StockCoupling(Protocol):
    """Protocol: what the order service does with stock, inside its unit of work.

    The order service calls :meth:`reserve` when an order is confirmed,
    :meth:`release` when it is cancelled or expires, :meth:`reserve` again
    after :meth:`release` when an edit or a partial cancellation changes the
    lines (the re-reservation hook), and :meth:`ship` when it ships. Replace
    ``shop.orders.stock`` with your own implementation to reserve elsewhere
    (an external WMS) or differently.
    """

    def reserve(self, uow: UnitOfWork, order: Order) -> None:
        """Hold stock for the order's open lines and record it in the lines' counters."""
        ...

    def release(self, uow: UnitOfWork, order: Order) -> bool:
        """Give back whatever the order holds; return whether it held anything."""
        ...

    def ship(self, uow: UnitOfWork, order: Order) -> None:
        """Take what the order holds out of on-hand stock."""
        ...


def _holds_nothing(order: Order) -> None:
    order.lines = tuple(attrs.evolve(line, reserved=0) for line in order.lines)


def stock_document(order: Order) -> str:
    """The document name an order's reservations carry (``"order:1042"``)."""
    return f"order:{order.number}"


class ReservationCoupling:
    """The default coupling: orderkit's own reservations (see :class:`ReservationService`)."""

    def __init__(self, reservations: ReservationService) -> None:
        self._reservations = reservations

    def reserve(self, uow: UnitOfWork, order: Order) -> None:
        """Reserve the open lines, routed to the ship-to address, all or nothing."""
        lines = order.open_lines
        if not lines:
            return
        reservation = self._reservations.reserve_within(
            uow,
            ReservationRequest(
                stock_document(order), lines, ship_to=order.ship_to, priority=order.priority
            ),
        )
        held: dict[str, int] = {}
        for line in reservation.lines:
            held[line.sku] = held.get(line.sku, 0) + line.quantity
        order.lines = tuple(
            attrs.evolve(
                line,
                reserved=line.open_quantity
                if not reservation.backordered
                else min(line.open_quantity, held.get(line.sku, 0)),
            )
            for line in order.lines
        )

    def release(self, uow: UnitOfWork, order: Order) -> bool:
        """Release the order's active reservations; its lines hold nothing afterwards."""
        ended = self._reservations.end_within(uow, stock_document(order))
        _holds_nothing(order)
        return bool(ended)

    def ship(self, uow: UnitOfWork, order: Order) -> None:
        """Commit the order's reservations: the units leave stock, no longer reserved.

        Raises:
            TransitionRefused: Some units are still backordered.
        """
        try:
            self._reservations.end_within(uow, stock_document(order), commit=True)
        except ValidationError as exc:
            raise TransitionRefused(
                order.id, order.state, "ship", (), (f"stock is not all there: {exc.reason}",)
            ) from exc
        _holds_nothing(order)
