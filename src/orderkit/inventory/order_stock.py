"""How orders hold stock: the coupling between the order lifecycle and reservations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from orderkit.core.addresses import Address
from orderkit.errors import TransitionRefused, ValidationError, WarehouseNotFound
from orderkit.inventory.ports import InventoryUnitOfWork, order_document
from orderkit.inventory.reservation_service import ReservationRequest, ReservationService
from orderkit.lifecycle.ports import Order, OrdersUnitOfWork

__all__ = ["ReservationCoupling", "return_document", "stock_document"]


def _holds_nothing(order: Order) -> None:
    order.hold({})


def stock_document(order: Order) -> str:
    """The document name an order's reservations carry (``"order:1042"``)."""
    return order_document(order.number)


class ReservationCoupling:
    """The default :class:`~orderkit.StockCoupling`: orderkit's own reservations.

    The shop's units of work carry every capability's repositories, so the
    order service's unit of work is an inventory one too; the coupling says
    so once (:func:`_inventory`) instead of widening the orders' port.
    """

    def __init__(self, reservations: ReservationService) -> None:
        self._reservations = reservations

    def reserve(self, uow: OrdersUnitOfWork, order: Order) -> None:
        """Reserve the open lines, routed to the ship-to address, all or nothing."""
        lines = order.open_lines
        if not lines:
            return
        reservation = self._reservations.reserve_within(
            _inventory(uow),
            ReservationRequest(
                stock_document(order),
                lines,
                ship_to=order.ship_to,
                warehouse=order.pickup_point,  # collected there: held there
                priority=order.priority,
            ),
        )
        held: dict[str, int] = {}
        for line in reservation.lines:
            held[line.sku] = held.get(line.sku, 0) + line.quantity
        order.hold(
            {
                line.sku: line.open_quantity
                if not reservation.backordered
                else min(line.open_quantity, held.get(line.sku, 0))
                for line in order.lines
            }
        )

    def pickup_address(self, uow: OrdersUnitOfWork, pickup_point: str) -> Address:
        """The address of a warehouse flagged as pickup point.

        Raises:
            ValidationError: It is no pickup point (or no warehouse at all).
        """
        try:
            warehouse = _inventory(uow).warehouses.get(pickup_point)
        except WarehouseNotFound:
            warehouse = None
        if warehouse is None or not warehouse.pickup_point or not warehouse.active:
            raise ValidationError("pickup_point", pickup_point, "is no active pickup point")
        return warehouse.address

    def release(self, uow: OrdersUnitOfWork, order: Order) -> bool:
        """Release the order's active reservations; its lines hold nothing afterwards."""
        ended = self._reservations.end_within(_inventory(uow), stock_document(order))
        _holds_nothing(order)
        return bool(ended)

    def ship(self, uow: OrdersUnitOfWork, order: Order) -> None:
        """Commit the order's reservations: the units leave stock, no longer reserved.

        Raises:
            TransitionRefused: Some units are still backordered.
        """
        try:
            self._reservations.end_within(_inventory(uow), stock_document(order), commit=True)
        except ValidationError as exc:
            raise TransitionRefused(
                order.id, order.state, "ship", (), (f"stock is not all there: {exc.reason}",)
            ) from exc
        _holds_nothing(order)

    def restock(self, uow: OrdersUnitOfWork, order: Order, units: Mapping[str, int]) -> None:
        """Put returned units back where the order's reservations shipped them from.

        Every returned unit is taken to be sellable; units that never left
        through a reservation (an order placed while stock was not reserved)
        are not put back and stay the host's to count.
        """
        self._reservations.restock_within(
            _inventory(uow), stock_document(order), units, return_document=return_document(order)
        )


def return_document(order: Order) -> str:
    """The document an order's returned units come back under (``"return:order:1042"``)."""
    return f"return:{stock_document(order)}"


def _inventory(uow: OrdersUnitOfWork) -> InventoryUnitOfWork:
    return cast(InventoryUnitOfWork, uow)
