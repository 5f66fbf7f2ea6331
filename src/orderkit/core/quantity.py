"""Quantities of stock and order lines: positive whole numbers, nothing else."""

from __future__ import annotations

from orderkit.errors import InvalidQuantity

__all__ = ["MAX_QUANTITY", "validate_quantity"]

MAX_QUANTITY = 100_000_000
"""The largest quantity one call accepts; anything larger is a typo, not an order."""


def validate_quantity(value: object, field: str = "quantity") -> int:
    """Return ``value`` if it is a whole number from 1 to :data:`MAX_QUANTITY`.

    ``bool`` is refused although it is an ``int`` subclass, and so are floats
    even when whole (``2.0``): a float quantity is a bug upstream.

    Args:
        value: The quantity to check.
        field: The argument name to report in the error.

    Raises:
        InvalidQuantity: ``value`` is not an int, is below 1, or above the maximum.

    Examples:
        >>> validate_quantity(3)
        3
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidQuantity(field, value, "must be a whole number (int)")
    if value < 1:
        raise InvalidQuantity(field, value, "must be at least 1")
    if value > MAX_QUANTITY:
        raise InvalidQuantity(field, value, f"must be at most {MAX_QUANTITY:,}")
    return value
