"""Events of fulfilment: shipments made, moved along, and short picks."""

from __future__ import annotations

from typing import ClassVar

import attrs

from orderkit.core.events import DomainEvent

__all__ = ["ShipmentCreated", "ShipmentMoved", "ShipmentProblem", "ShortPicked"]


@attrs.frozen(slots=True, kw_only=True)
class ShipmentCreated(DomainEvent):
    """A shipment was made for an order; ``lines`` holds ``(sku, units)``."""

    aggregate_type: ClassVar[str] = "shipment"

    order_number: int
    warehouse: str
    lines: tuple[tuple[str, int], ...]


@attrs.frozen(slots=True, kw_only=True)
class ShipmentMoved(DomainEvent):
    """A shipment took a step (picked, packed, shipped, delivered, cancelled, ...)."""

    aggregate_type: ClassVar[str] = "shipment"

    order_number: int
    from_state: str
    to_state: str
    actor: str
    note: str | None = None


@attrs.frozen(slots=True, kw_only=True)
class ShortPicked(DomainEvent):
    """A picker found fewer units than a shipment planned.

    ``missing`` units (of a kit: whole kits) were not found in ``warehouse``;
    ``written_off`` units (of a kit: its components) were taken off on-hand
    stock; ``reserved_again`` were reserved for the order again (or
    backordered); the rest wait unreserved on the order.
    """

    aggregate_type: ClassVar[str] = "shipment"

    order_number: int
    sku: str
    warehouse: str
    missing: int
    written_off: int
    reserved_again: int


@attrs.frozen(slots=True, kw_only=True)
class ShipmentProblem(DomainEvent):
    """Something went wrong with a shipment on its way: tell the people who fix it.

    ``kind`` is the state it came to (``delivery_failed``, ``exception``,
    ``returned_to_sender``); ``detail`` what the carrier said.
    """

    aggregate_type: ClassVar[str] = "shipment"

    order_number: int
    kind: str
    detail: str | None = None
