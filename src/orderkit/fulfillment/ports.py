"""What fulfilment needs from a store, from stock and from orders."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from orderkit.core.addresses import Address
from orderkit.fulfillment.carriers import Carrier, LabelRequest, TrackingEvent
from orderkit.fulfillment.parcels import Parcel
from orderkit.fulfillment.shipments import LEFT_STOCK, Shipment, ShipmentState
from orderkit.inventory.ports import InventoryUnitOfWork
from orderkit.lifecycle.ports import Order, OrderPolicy, OrdersUnitOfWork

__all__ = [
    "LEFT_STOCK",
    "Carrier",
    "DeliveryHook",
    "FulfilmentUnitOfWork",
    "LabelRequest",
    "OrderSteps",
    "Parcel",
    "Shipment",
    "ShipmentRepository",
    "ShipmentState",
    "ShipmentStock",
    "TrackingEvent",
]


class ShipmentRepository(Protocol):
    """Protocol: where shipments are kept, saved with a version check."""

    def add(self, shipment: Shipment) -> None:
        """Store a new shipment.

        Raises:
            AlreadyExists: A shipment with its id is stored.
        """
        ...

    def save(self, shipment: Shipment) -> None:
        """Store a changed shipment over the version it was loaded at.

        Raises:
            ShipmentNotFound: It was never added.
            ConcurrencyConflict: Another unit of work saved it since it was loaded.
        """
        ...

    def get(self, shipment_id: str) -> Shipment:
        """The shipment with that id.

        Raises:
            ShipmentNotFound: There is none.
        """
        ...

    def for_order(self, order_number: int) -> list[Shipment]:
        """The shipments of an order, oldest first."""
        ...

    def for_orders(self, first: int, last: int) -> list[Shipment]:
        """The shipments of the orders numbered ``first`` to ``last``, by order, oldest first.

        What a report over many orders reads, instead of asking order by order.
        """
        ...

    def by_tracking_number(self, tracking_number: str) -> Shipment | None:
        """The shipment with this tracking number (its own or a parcel's), or ``None``."""
        ...

    def in_state(self, state: ShipmentState) -> list[Shipment]:
        """The shipments in ``state``, oldest first."""
        ...


class FulfilmentUnitOfWork(OrdersUnitOfWork, InventoryUnitOfWork, Protocol):
    """Protocol: a unit of work with shipments, the orders they serve and the stock they move."""

    @property
    def shipments(self) -> ShipmentRepository:
        """The shipments of this transaction."""
        ...


class ShipmentStock(Protocol):
    """Protocol: how shipments move stock (the shop's reservation service is one)."""

    def ship_within(
        self,
        uow: InventoryUnitOfWork,
        document: str,
        warehouse: str,
        units: Mapping[str, int],
        *,
        shipment: str,
    ) -> None:
        """Ship units ``document`` holds in ``warehouse``, naming ``shipment`` in the ledger."""
        ...

    def hand_over_within(
        self,
        uow: InventoryUnitOfWork,
        sku: str,
        warehouse: str,
        quantity: int,
        *,
        from_document: str,
        to_document: str,
    ) -> None:
        """Record in the ledger that held units now wait for ``to_document``."""
        ...

    def give_back_within(
        self,
        uow: InventoryUnitOfWork,
        document: str,
        warehouse: str,
        sku: str,
        quantity: int,
        *,
        missing: str,
    ) -> int:
        """Stop holding units a picker could not find; return the units written off."""
        ...

    def restock_within(
        self,
        uow: InventoryUnitOfWork,
        document: str,
        units: Mapping[str, int],
        *,
        return_document: str,
    ) -> dict[str, int]:
        """Put units back where ``document``'s reservations shipped them from."""
        ...

    def top_up_within(
        self,
        uow: InventoryUnitOfWork,
        document: str,
        lines: Sequence[tuple[str, int]],
        *,
        ship_to: Address | None,
        priority: int,
    ) -> int:
        """Reserve more units for ``document`` by the usual rules.

        Returns the units held or backordered: 0 when no warehouse can cover
        them and backorders are not allowed.
        """
        ...


class OrderSteps(Protocol):
    """Protocol: how shipments move their order along (the shop's order service is one)."""

    @property
    def policy(self) -> OrderPolicy:
        """The shop's order policy (its workflow)."""
        ...

    def fire_within(
        self, uow: OrdersUnitOfWork, order: Order, command: str, *, actor: str, reason: str | None
    ) -> None:
        """Fire ``command`` on ``order`` inside the caller's unit of work."""
        ...


class DeliveryHook(Protocol):
    """Protocol: told, inside the unit of work, that an order's last units were delivered."""

    def __call__(self, uow: FulfilmentUnitOfWork, order: Order, delivered_at: datetime, /) -> None:
        """React to the delivery of ``order`` at ``delivered_at``."""
        ...
