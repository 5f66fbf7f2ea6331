"""The ports through which warehouses, stock and reservations are stored."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Protocol

from orderkit.inventory.ledger import StockMovement
from orderkit.inventory.policies import StockPolicy
from orderkit.inventory.purchasing import PurchaseOrder
from orderkit.inventory.reservations import Reservation
from orderkit.inventory.stock import StockLevel
from orderkit.inventory.warehouses import Warehouse

__all__ = [
    "PurchaseOrderRepository",
    "ReservationRepository",
    "StockPolicyRepository",
    "StockRepository",
    "WarehouseRepository",
]


class WarehouseRepository(Protocol):
    """Protocol: warehouses inside one unit of work, keyed by code."""

    def add(self, warehouse: Warehouse) -> None:
        """Store a new warehouse.

        Raises:
            AlreadyExists: The code is taken.
        """
        ...

    def replace(self, warehouse: Warehouse) -> None:
        """Store a new version of an existing warehouse.

        Raises:
            WarehouseNotFound: No warehouse has that code.
        """
        ...

    def get(self, code: str) -> Warehouse:
        """Return the warehouse with ``code``.

        Raises:
            WarehouseNotFound: No warehouse has that code.
        """
        ...

    def list(self) -> list[Warehouse]:
        """Return every warehouse by priority, then code."""
        ...


class StockRepository(Protocol):
    """Protocol: stock levels and their ledger.

    :meth:`apply` is the only way to change a level. It checks the rules of
    :meth:`StockLevel.apply <orderkit.inventory.StockLevel.apply>` against the
    *stored* level at the moment of writing (a conditional update in SQL), so
    no interleaving of writers can oversell, and it appends the movement to the
    ledger in the same transaction.
    """

    def apply(self, movement: StockMovement, *, backorder_limit: int = 0) -> StockLevel:
        """Change the level of the movement's SKU and warehouse and record the movement.

        A level that does not exist yet starts at zero.

        Args:
            movement: The movement to apply and record.
            backorder_limit: The most units that may be backordered in total after
                the movement; checked only when backorders grow.

        Raises:
            InsufficientStock: A reservation exceeds the available units, or a
                backorder the limit.
            ValidationError: The movement would take away reserved or missing units.
        """
        ...

    def level(self, sku: str, warehouse: str) -> StockLevel:
        """Return the level, zero when nothing was ever recorded."""
        ...

    def levels(self, *, sku: str | None = None, warehouse: str | None = None) -> list[StockLevel]:
        """Return the recorded levels, optionally of one SKU or warehouse, by SKU, warehouse."""
        ...

    def movements(
        self,
        *,
        sku: str | None = None,
        warehouse: str | None = None,
        since: datetime | None = None,
    ) -> Iterator[StockMovement]:
        """Yield the ledger in the order it was written, optionally filtered.

        Args:
            sku: Only this SKU's movements.
            warehouse: Only this warehouse's movements.
            since: Only movements at or after this time.
        """
        ...

    def set_bin(self, sku: str, warehouse: str, bin_location: str | None) -> None:
        """Record where the SKU is shelved in the warehouse (``None`` forgets it)."""
        ...

    def bins(self, warehouse: str) -> dict[str, str]:
        """Return the bin location of every shelved SKU in ``warehouse``."""
        ...


class ReservationRepository(Protocol):
    """Protocol: reservations, saved with an optimistic version check."""

    def add(self, reservation: Reservation) -> None:
        """Store a new reservation (version 0); sets its version to 1.

        Raises:
            AlreadyExists: The id is taken.
        """
        ...

    def save(self, reservation: Reservation) -> None:
        """Store a changed reservation if nobody else changed it since it was loaded.

        Raises:
            ConcurrencyConflict: The stored version differs.
            ReservationNotFound: It was never added.
        """
        ...

    def get(self, reservation_id: str) -> Reservation:
        """Return the reservation.

        Raises:
            ReservationNotFound: No reservation has that id.
        """
        ...

    def for_document(self, document: str) -> list[Reservation]:
        """Return the reservations made for ``document``, oldest first."""
        ...

    def expired(self, now: datetime, limit: int = 100) -> list[Reservation]:
        """Return up to ``limit`` active reservations whose expiry is at or before ``now``."""
        ...

    def backordered(self) -> list[Reservation]:
        """Return active reservations with backordered units, by priority, then age."""
        ...


class StockPolicyRepository(Protocol):
    """Protocol: the stock policy of each SKU that has one."""

    def put(self, policy: StockPolicy) -> None:
        """Store the policy of its SKU, replacing any earlier one."""
        ...

    def get(self, sku: str) -> StockPolicy | None:
        """Return the SKU's policy, or ``None`` when it has none (no backorders, defaults)."""
        ...

    def list(self) -> list[StockPolicy]:
        """Return every stored policy by SKU."""
        ...


class PurchaseOrderRepository(Protocol):
    """Protocol: purchase orders, saved with an optimistic version check."""

    def add(self, purchase_order: PurchaseOrder) -> None:
        """Store a new purchase order (version 0); sets its version to 1.

        Raises:
            AlreadyExists: The id is taken.
        """
        ...

    def save(self, purchase_order: PurchaseOrder) -> None:
        """Store a changed purchase order if nobody else changed it since it was loaded.

        Raises:
            ConcurrencyConflict: The stored version differs.
            PurchaseOrderNotFound: It was never added.
        """
        ...

    def get(self, purchase_order_id: str) -> PurchaseOrder:
        """Return the purchase order.

        Raises:
            PurchaseOrderNotFound: No purchase order has that id.
        """
        ...

    def open(self, *, warehouse: str | None = None) -> list[PurchaseOrder]:
        """Return the open purchase orders, optionally for one warehouse, oldest first."""
        ...
