"""Events of inventory: stock moved, reservations made and ended."""

from __future__ import annotations

from typing import ClassVar

import attrs

from orderkit.core.events import DomainEvent

__all__ = [
    "BackorderAllocated",
    "PurchaseOrderProblem",
    "ReservationCommitted",
    "ReservationExpired",
    "ReservationReleased",
    "StockMoved",
    "StockReserved",
]


@attrs.frozen(slots=True, kw_only=True)
class StockMoved(DomainEvent):
    """Stock changed outside a reservation; ``aggregate_id`` is ``"SKU@WAREHOUSE"``."""

    aggregate_type: ClassVar[str] = "stock"

    kind: str
    on_hand_delta: int
    on_hand: int
    available: int
    document: str | None = None


@attrs.frozen(slots=True, kw_only=True)
class StockReserved(DomainEvent):
    """Stock was reserved for a document; ``aggregate_id`` is the reservation id.

    ``lines`` holds ``(sku, warehouse, reserved units)``; ``backordered`` counts
    the units that wait for stock.
    """

    aggregate_type: ClassVar[str] = "reservation"

    document: str
    lines: tuple[tuple[str, str, int], ...]
    backordered: int = 0


@attrs.frozen(slots=True, kw_only=True)
class ReservationReleased(DomainEvent):
    """A reservation was given back."""

    aggregate_type: ClassVar[str] = "reservation"

    document: str


@attrs.frozen(slots=True, kw_only=True)
class ReservationExpired(DomainEvent):
    """A reservation lapsed and its stock was given back."""

    aggregate_type: ClassVar[str] = "reservation"

    document: str


@attrs.frozen(slots=True, kw_only=True)
class ReservationCommitted(DomainEvent):
    """The reserved stock shipped."""

    aggregate_type: ClassVar[str] = "reservation"

    document: str


@attrs.frozen(slots=True, kw_only=True)
class BackorderAllocated(DomainEvent):
    """Arrived stock was allocated to a waiting reservation."""

    aggregate_type: ClassVar[str] = "reservation"

    document: str
    sku: str
    warehouse: str
    quantity: int
    still_backordered: int


@attrs.frozen(slots=True, kw_only=True)
class PurchaseOrderProblem(DomainEvent):
    """Something is wrong with an incoming purchase order: ``kind`` ``late``, ``short`` or ``over``.

    ``detail`` names the SKUs and units (``"MUG 4"``) or the expected date.
    """

    aggregate_type: ClassVar[str] = "purchase_order"

    supplier: str
    warehouse: str
    kind: str
    detail: str
