"""The movement ledger: every change to stock is an append-only movement.

A movement records *why* stock changed (its kind and the document behind it)
and *how* (the change to on-hand and to reserved units). A stock level is
nothing but the sum of its movements, so replaying the ledger reproduces every
level: :func:`replay` does exactly that, and the tests compare it with the
stored levels.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime

import attrs

from orderkit.core.checks import aware, blank_to_none, code, optional_text, parse_enum
from orderkit.core.quantity import MAX_QUANTITY
from orderkit.errors import InvalidQuantity, ValidationError
from orderkit.inventory.stock import StockLevel

__all__ = ["MovementKind", "StockMovement", "replay"]


class MovementKind(enum.StrEnum):
    """Why stock moved."""

    RECEIVE = "receive"
    """Units arrived (a purchase order, an opening balance)."""
    ADJUST = "adjust"
    """A correction with a reason: found, lost, miscounted."""
    COUNT = "count"
    """A cycle count posted the difference between counted and recorded."""
    RESERVE = "reserve"
    """Units were promised to an order or cart."""
    RELEASE = "release"
    """A promise was withdrawn (cancel, edit, expiry)."""
    COMMIT = "commit"
    """Reserved units left the warehouse in a shipment."""
    RETURN = "return"
    """Returned units went back on the shelf."""
    WRITE_OFF = "write_off"
    """Units were damaged, expired or stolen."""
    TRANSFER_OUT = "transfer_out"
    """Units left for another warehouse."""
    TRANSFER_IN = "transfer_in"
    """Units arrived from another warehouse."""
    BACKORDER = "backorder"
    """Units were ordered beyond stock and now wait for it."""
    ALLOCATE = "allocate"
    """Arrived stock was allocated to a waiting backorder."""
    CANCEL_BACKORDER = "cancel_backorder"
    """A waiting backorder was withdrawn."""


_SIGNS: dict[MovementKind, tuple[int, int, int]] = {
    # The sign of the change to (on hand, reserved, backordered) for one unit.
    MovementKind.RECEIVE: (1, 0, 0),
    MovementKind.RESERVE: (0, 1, 0),
    MovementKind.RELEASE: (0, -1, 0),
    MovementKind.COMMIT: (-1, -1, 0),
    MovementKind.RETURN: (1, 0, 0),
    MovementKind.WRITE_OFF: (-1, 0, 0),
    MovementKind.TRANSFER_OUT: (-1, 0, 0),
    MovementKind.TRANSFER_IN: (1, 0, 0),
    MovementKind.BACKORDER: (0, 0, 1),
    MovementKind.ALLOCATE: (0, 1, -1),
    MovementKind.CANCEL_BACKORDER: (0, 0, -1),
}


def _kind(value: object) -> MovementKind:
    return parse_enum(MovementKind, value, "kind")


@attrs.frozen(slots=True, kw_only=True)
class StockMovement:
    """One line of the ledger.

    Build movements with :meth:`of` (a kind and a positive quantity) or
    :meth:`correction` (an adjustment or count with a signed difference).

    Attributes:
        sku: The SKU.
        warehouse: The warehouse code.
        kind: Why it moved.
        on_hand_delta: The change to on-hand units.
        reserved_delta: The change to reserved units.
        backordered_delta: The change to backordered units.
        document: The document behind it (``"order:O1"``, ``"po:P7"``, ``"count:C3"``).
        reason: Free text, required for adjustments and write-offs.
        occurred_at: When it happened.
        position: Its place in the ledger, set by the store.
    """

    sku: str = attrs.field(validator=code())
    warehouse: str = attrs.field(validator=code())
    kind: MovementKind = attrs.field(converter=_kind)
    on_hand_delta: int
    reserved_delta: int
    backordered_delta: int = 0
    document: str | None = attrs.field(default=None, validator=optional_text(120))
    reason: str | None = attrs.field(
        default=None, converter=blank_to_none, validator=optional_text()
    )
    occurred_at: datetime = attrs.field(validator=aware())
    position: int | None = None

    def __attrs_post_init__(self) -> None:
        for name in ("on_hand_delta", "reserved_delta", "backordered_delta"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValidationError(name, value, "must be an int")
            if abs(value) > MAX_QUANTITY:
                # One bound for every stock quantity: what receive refuses,
                # an adjustment or a count cannot bring in either.
                raise InvalidQuantity(name, value, f"must be at most {MAX_QUANTITY} units")
        if self.on_hand_delta == 0 and self.reserved_delta == 0 and self.backordered_delta == 0:
            raise ValidationError("quantity", 0, "a movement must change something")
        needs_reason = self.kind in {MovementKind.ADJUST, MovementKind.WRITE_OFF}
        if needs_reason and not self.reason:
            raise ValidationError("reason", self.reason, f"a {self.kind} needs a reason")

    @classmethod
    def of(
        cls,
        kind: MovementKind | str,
        sku: str,
        warehouse: str,
        quantity: int,
        *,
        occurred_at: datetime,
        document: str | None = None,
        reason: str | None = None,
    ) -> StockMovement:
        """Build a movement of ``quantity`` units of a kind with a fixed direction.

        Raises:
            InvalidQuantity: ``quantity`` is not a positive int.
            ValidationError: The kind is a correction (use :meth:`correction`).
        """
        from orderkit.core.quantity import validate_quantity

        kind = _kind(kind)
        if kind not in _SIGNS:
            raise ValidationError("kind", kind, "corrections take a signed difference")
        quantity = validate_quantity(quantity)
        on_hand_sign, reserved_sign, backordered_sign = _SIGNS[kind]
        return cls(
            sku=sku,
            warehouse=warehouse,
            kind=kind,
            on_hand_delta=on_hand_sign * quantity,
            reserved_delta=reserved_sign * quantity,
            backordered_delta=backordered_sign * quantity,
            document=document,
            reason=reason,
            occurred_at=occurred_at,
        )

    @classmethod
    def correction(
        cls,
        kind: MovementKind | str,
        sku: str,
        warehouse: str,
        difference: int,
        *,
        occurred_at: datetime,
        reason: str,
        document: str | None = None,
    ) -> StockMovement:
        """Build an adjustment or count movement that changes on-hand units by ``difference``.

        Raises:
            ValidationError: ``difference`` is zero or not an int, or the kind is not
                ``adjust`` or ``count``.
        """
        kind = _kind(kind)
        if kind not in {MovementKind.ADJUST, MovementKind.COUNT}:
            raise ValidationError("kind", kind, "only adjust and count are corrections")
        if isinstance(difference, bool) or not isinstance(difference, int) or difference == 0:
            raise ValidationError("difference", difference, "must be a non-zero int")
        return cls(
            sku=sku,
            warehouse=warehouse,
            kind=kind,
            on_hand_delta=difference,
            reserved_delta=0,
            document=document,
            reason=reason,
            occurred_at=occurred_at,
        )


def replay(movements: Iterable[StockMovement]) -> dict[tuple[str, str], StockLevel]:
    """Rebuild every stock level from the ledger, enforcing the rules on the way.

    Returns:
        The level of every (SKU, warehouse) that has a movement.

    Raises:
        InsufficientStock, ValidationError: A movement breaks a rule, which
            means the ledger was tampered with.
    """
    levels: dict[tuple[str, str], StockLevel] = {}
    for movement in movements:
        key = (movement.sku, movement.warehouse)
        level = levels.get(key) or StockLevel(movement.sku, movement.warehouse)
        # Backorder limits are policy, checked when the movement was written;
        # the replay checks the rules of the counts themselves.
        levels[key] = level.apply(
            movement.on_hand_delta,
            movement.reserved_delta,
            movement.backordered_delta,
            backorder_limit=level.backordered + max(movement.backordered_delta, 0),
        )
    return levels
