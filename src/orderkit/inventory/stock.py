"""The stock level of one SKU in one warehouse, and the rules that change it."""

from __future__ import annotations

import attrs

from orderkit._checks import code, count
from orderkit.errors import InsufficientStock, ValidationError
from orderkit.quantity import validate_quantity

__all__ = ["StockLevel"]


@attrs.frozen(slots=True)
class StockLevel:
    """How many units of a SKU a warehouse holds and how many are promised.

    Every change returns a new level; the invariant ``reserved <= on_hand``
    holds unless the SKU allows backorders.

    Attributes:
        sku: The SKU.
        warehouse: The warehouse code.
        on_hand: Units physically in the warehouse.
        reserved: Units promised to accepted orders and not yet shipped.

    Raises:
        ValidationError: A count is negative or ``reserved`` exceeds ``on_hand``
            for a level that does not allow backorders.

    Examples:
        >>> level = StockLevel("TEE-M", "CHI").receive(10).reserve(3)
        >>> level.available
        7
    """

    sku: str = attrs.field(validator=code())
    warehouse: str = attrs.field(validator=code())
    on_hand: int = attrs.field(default=0, validator=count())
    reserved: int = attrs.field(default=0, validator=count())
    backorderable: bool = attrs.field(default=False)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.backorderable, bool):
            raise ValidationError("backorderable", self.backorderable, "must be a bool")
        if self.reserved > self.on_hand and not self.backorderable:
            raise ValidationError(
                "reserved", self.reserved, f"exceeds on_hand {self.on_hand} without backorders"
            )

    @property
    def available(self) -> int:
        """Units that can still be promised: on hand minus reserved (never below zero)."""
        return max(self.on_hand - self.reserved, 0)

    def apply(self, on_hand_delta: int, reserved_delta: int) -> StockLevel:
        """Return the level after a ledger movement with these deltas.

        This is the one rule every store enforces, in Python or in SQL:
        neither count goes below zero, and ``reserved`` never exceeds
        ``on_hand`` unless the level allows backorders.

        Raises:
            InsufficientStock: A reservation asks for more than is available.
            ValidationError: The movement would take away reserved or missing
                units, or release more than is reserved.
        """
        on_hand = self.on_hand + on_hand_delta
        reserved = self.reserved + reserved_delta
        if reserved_delta > 0 and not self.backorderable and reserved > on_hand:
            raise InsufficientStock(self.sku, self.warehouse, reserved_delta, self.available)
        if reserved < 0:
            raise ValidationError(
                "quantity", -reserved_delta, f"only {self.reserved} are reserved"
            )
        if on_hand < 0 or (reserved > on_hand and not self.backorderable):
            raise ValidationError(
                "quantity",
                -on_hand_delta,
                f"{self.sku} in {self.warehouse}: {self.on_hand} on hand, "
                f"{self.reserved} reserved; unreserved stock is {self.available}",
            )
        return attrs.evolve(self, on_hand=on_hand, reserved=reserved)

    def receive(self, quantity: int) -> StockLevel:
        """Return the level after ``quantity`` units arrived."""
        return attrs.evolve(self, on_hand=self.on_hand + validate_quantity(quantity))

    def reserve(self, quantity: int) -> StockLevel:
        """Return the level after promising ``quantity`` units to an order.

        Raises:
            InsufficientStock: Fewer than ``quantity`` units are available and
                the SKU does not allow backorders.
        """
        quantity = validate_quantity(quantity)
        if quantity > self.available and not self.backorderable:
            raise InsufficientStock(self.sku, self.warehouse, quantity, self.available)
        return attrs.evolve(self, reserved=self.reserved + quantity)

    def release(self, quantity: int) -> StockLevel:
        """Return the level after ``quantity`` reserved units were freed again.

        Raises:
            ValidationError: More than the reserved units would be released.
        """
        quantity = validate_quantity(quantity)
        if quantity > self.reserved:
            raise ValidationError("quantity", quantity, f"only {self.reserved} are reserved")
        return attrs.evolve(self, reserved=self.reserved - quantity)

    def ship(self, quantity: int) -> StockLevel:
        """Return the level after ``quantity`` reserved units left the warehouse.

        Raises:
            ValidationError: More than the reserved or on-hand units would ship.
        """
        quantity = validate_quantity(quantity)
        if quantity > self.reserved or quantity > self.on_hand:
            raise ValidationError(
                "quantity",
                quantity,
                f"only {min(self.reserved, self.on_hand)} reserved units are on hand to ship",
            )
        return attrs.evolve(
            self, on_hand=self.on_hand - quantity, reserved=self.reserved - quantity
        )
