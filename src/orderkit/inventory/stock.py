"""The stock level of one SKU in one warehouse, and the rules that change it."""

from __future__ import annotations

import attrs

from orderkit.core.checks import code, count
from orderkit.core.quantity import validate_quantity
from orderkit.errors import InsufficientStock, ValidationError

__all__ = ["StockLevel"]


@attrs.frozen(slots=True)
class StockLevel:
    """How many units of a SKU a warehouse holds, has promised, and owes.

    Every change returns a new level. The rules, which every store enforces at
    the moment of writing, are: no count is ever negative, and **reserved never
    exceeds on hand** — not even for SKUs that allow backorders, because units
    ordered beyond stock are counted as *backordered*, not reserved, until stock
    arrives and they are allocated.

    Attributes:
        sku: The SKU.
        warehouse: The warehouse code.
        on_hand: Units physically in the warehouse.
        reserved: Units promised to accepted orders and not yet shipped.
        backordered: Units ordered beyond stock, waiting for stock to arrive.
        incoming: Units on open purchase orders (informational; filled in by
            the inventory service, not stored with the level).

    Raises:
        ValidationError: A count is negative or ``reserved`` exceeds ``on_hand``.

    Examples:
        >>> level = StockLevel("TEE-M", "CHI").receive(10).reserve(3)
        >>> level.available
        7
    """

    sku: str = attrs.field(validator=code())
    warehouse: str = attrs.field(validator=code())
    on_hand: int = attrs.field(default=0, validator=count())
    reserved: int = attrs.field(default=0, validator=count())
    backordered: int = attrs.field(default=0, validator=count())
    incoming: int = attrs.field(default=0, validator=count(), eq=False)

    def __attrs_post_init__(self) -> None:
        if self.reserved > self.on_hand:
            raise ValidationError(
                "reserved",
                self.reserved,
                f"exceeds on_hand {self.on_hand}; stock is never oversold",
            )

    @property
    def available(self) -> int:
        """Units that can still be promised: on hand minus reserved."""
        return self.on_hand - self.reserved

    def apply(
        self,
        on_hand_delta: int,
        reserved_delta: int,
        backordered_delta: int = 0,
        *,
        backorder_limit: int = 0,
    ) -> StockLevel:
        """Return the level after a ledger movement with these deltas.

        This is the one rule set every store enforces, in Python or in SQL.

        Args:
            on_hand_delta: Change to on-hand units.
            reserved_delta: Change to reserved units.
            backordered_delta: Change to backordered units.
            backorder_limit: How many units may be backordered in total; only
                checked when backorders grow.

        Raises:
            InsufficientStock: A reservation asks for more than is available, or
                a backorder goes beyond the limit.
            ValidationError: The movement would take away reserved or missing
                units, or release more than is reserved or backordered.
        """
        on_hand = self.on_hand + on_hand_delta
        reserved = self.reserved + reserved_delta
        backordered = self.backordered + backordered_delta
        if reserved_delta > 0 and reserved > on_hand:
            raise InsufficientStock(self.sku, self.warehouse, reserved_delta, self.available)
        if backordered_delta > 0 and backordered > backorder_limit:
            room = max(backorder_limit - self.backordered, 0)
            raise InsufficientStock(self.sku, self.warehouse, backordered_delta, room)
        if reserved < 0:
            raise ValidationError("quantity", -reserved_delta, f"only {self.reserved} are reserved")
        if backordered < 0:
            raise ValidationError(
                "quantity", -backordered_delta, f"only {self.backordered} are backordered"
            )
        if on_hand < 0 or reserved > on_hand:
            raise ValidationError(
                "quantity",
                -on_hand_delta,
                f"{self.sku} in {self.warehouse}: {self.on_hand} on hand, "
                f"{self.reserved} reserved; unreserved stock is {self.available}",
            )
        return attrs.evolve(self, on_hand=on_hand, reserved=reserved, backordered=backordered)

    def receive(self, quantity: int) -> StockLevel:
        """Return the level after ``quantity`` units arrived."""
        return self.apply(validate_quantity(quantity), 0)

    def reserve(self, quantity: int) -> StockLevel:
        """Return the level after promising ``quantity`` units to an order.

        Raises:
            InsufficientStock: Fewer than ``quantity`` units are available.
        """
        return self.apply(0, validate_quantity(quantity))

    def release(self, quantity: int) -> StockLevel:
        """Return the level after ``quantity`` reserved units were freed again.

        Raises:
            ValidationError: More than the reserved units would be released.
        """
        return self.apply(0, -validate_quantity(quantity))

    def ship(self, quantity: int) -> StockLevel:
        """Return the level after ``quantity`` reserved units left the warehouse.

        Raises:
            ValidationError: More than the reserved units would ship.
        """
        quantity = validate_quantity(quantity)
        return self.apply(-quantity, -quantity)
