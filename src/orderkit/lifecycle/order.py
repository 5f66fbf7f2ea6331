"""The order aggregate and its lines."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import attrs

from orderkit._checks import aware, code, instance_of, stripped, text
from orderkit.addresses import Address
from orderkit.currencies import validate_currency
from orderkit.errors import CurrencyMismatch, ValidationError
from orderkit.money import Money
from orderkit.quantity import validate_quantity

__all__ = ["Order", "OrderLine"]


@attrs.frozen(slots=True)
class OrderLine:
    """One SKU on an order, priced when the order was placed.

    Attributes:
        sku: The product's SKU.
        name: The product's name at the time of ordering.
        quantity: How many units; a positive int.
        unit_price: The price of one unit.

    Raises:
        InvalidQuantity: ``quantity`` is not a positive int.
        ValidationError: ``unit_price`` is not Money or is negative.
    """

    sku: str = attrs.field(validator=code())
    name: str = attrs.field(converter=stripped, validator=text())
    quantity: int = attrs.field(converter=validate_quantity)
    unit_price: Money = attrs.field(validator=instance_of(Money))

    def __attrs_post_init__(self) -> None:
        if self.unit_price.amount < 0:
            raise ValidationError("unit_price", self.unit_price, "must not be negative")

    @property
    def total(self) -> Money:
        """Unit price times quantity."""
        return self.unit_price * self.quantity


def _lines(value: object) -> tuple[OrderLine, ...]:
    if not isinstance(value, Sequence) or isinstance(value, str) or not value:
        raise ValidationError("lines", value, "an order needs at least one line")
    for line in value:
        if not isinstance(line, OrderLine):
            raise ValidationError("lines", line, "must be an OrderLine")
    return tuple(value)


@attrs.define(slots=True, kw_only=True)
class Order:
    """An order: who bought what, through which channel, shipped where.

    The order is an aggregate: it is loaded, changed through its methods and
    saved as a whole, and its ``version`` lets the store refuse a save that
    would overwrite someone else's change.

    Attributes:
        id: The record id.
        number: The shop's sequential, human-friendly order number.
        channel: Where it was placed (``"web"``, ``"marketplace"``, ``"pos"``, ...).
        customer_id: The customer's id.
        currency: The order's currency; every line is priced in it.
        lines: The ordered SKUs.
        ship_to: The delivery address.
        placed_at: When it was placed (timezone-aware).
        shipping: The shipping fee; zero by default.
        state: The lifecycle state.
        version: The stored version, managed by the store (0 = never saved).

    Raises:
        ValidationError: No lines, or a malformed field.
        CurrencyMismatch: A line or the shipping fee is in another currency.
    """

    id: str = attrs.field(validator=code())
    number: int = attrs.field()
    channel: str = attrs.field(validator=code())
    customer_id: str = attrs.field(validator=code())
    currency: str = attrs.field(converter=validate_currency)
    lines: tuple[OrderLine, ...] = attrs.field(converter=_lines)
    ship_to: Address = attrs.field(validator=instance_of(Address))
    placed_at: datetime = attrs.field(validator=aware())
    shipping: Money = attrs.field(
        default=attrs.Factory(lambda self: Money.zero(self.currency), takes_self=True),
        validator=instance_of(Money),
    )
    state: str = attrs.field(default="placed", validator=code())
    version: int = attrs.field(default=0)

    def __attrs_post_init__(self) -> None:
        if isinstance(self.number, bool) or not isinstance(self.number, int) or self.number < 1:
            raise ValidationError("number", self.number, "must be an int >= 1")
        for line in self.lines:
            if line.unit_price.currency != self.currency:
                raise CurrencyMismatch("lines", self.currency, line.unit_price.currency)
        if self.shipping.currency != self.currency:
            raise CurrencyMismatch("shipping", self.currency, self.shipping.currency)
        if self.shipping.amount < 0:
            raise ValidationError("shipping", self.shipping, "must not be negative")

    @property
    def subtotal(self) -> Money:
        """The sum of the line totals."""
        return Money.sum((line.total for line in self.lines), self.currency)

    @property
    def grand_total(self) -> Money:
        """Subtotal plus shipping: what the customer pays."""
        return self.subtotal + self.shipping

    @property
    def item_count(self) -> int:
        """How many units the order holds across its lines."""
        return sum(line.quantity for line in self.lines)
