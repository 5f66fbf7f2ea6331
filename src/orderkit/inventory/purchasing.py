"""Purchase orders: stock on its way from a supplier, received in one or more parts."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime

import attrs

from orderkit.core.checks import aware, code, count, parse_enum, text
from orderkit.core.quantity import validate_quantity
from orderkit.errors import PurchaseOrderClosed, ValidationError

__all__ = ["PurchaseOrder", "PurchaseOrderLine", "PurchaseOrderStatus"]


class PurchaseOrderStatus(enum.StrEnum):
    """Where a purchase order stands."""

    OPEN = "open"
    """Ordered; receipts are accepted."""
    RECEIVED = "received"
    """Every unit arrived."""
    CLOSED = "closed"
    """Closed by hand before everything arrived; the rest will not come."""


@attrs.frozen(slots=True)
class PurchaseOrderLine:
    """Units of one SKU ordered from the supplier, and how many arrived (more, when accepted)."""

    sku: str = attrs.field(validator=code())
    ordered: int = attrs.field(converter=validate_quantity)
    received: int = attrs.field(default=0, validator=count())

    @property
    def outstanding(self) -> int:
        """Units still to come."""
        return max(self.ordered - self.received, 0)

    @property
    def over(self) -> int:
        """Units that arrived beyond those ordered."""
        return max(self.received - self.ordered, 0)


def _status(value: object) -> PurchaseOrderStatus:
    return parse_enum(PurchaseOrderStatus, value, "status")


def _lines(value: object) -> tuple[PurchaseOrderLine, ...]:
    if not isinstance(value, Sequence) or not value:
        raise ValidationError("lines", value, "a purchase order needs at least one line")
    for line in value:
        if not isinstance(line, PurchaseOrderLine):
            raise ValidationError("lines", line, "must be a PurchaseOrderLine")
    skus = [line.sku for line in value]
    if len(set(skus)) != len(skus):
        raise ValidationError("lines", value, "one line per SKU")
    return tuple(value)


@attrs.define(slots=True, kw_only=True)
class PurchaseOrder:
    """An order to a supplier for stock delivered to one warehouse.

    Attributes:
        id: The record id.
        supplier: Who delivers.
        warehouse: Where the stock arrives.
        lines: Ordered and received units per SKU.
        created_at: When it was placed.
        expected_at: When the goods are expected, if known.
        status: Open, received or closed.
        flagged_late: Whether it was flagged late (``shop.purchasing.flag_late``).
        version: The stored version (optimistic concurrency).
    """

    id: str = attrs.field(validator=code())
    supplier: str = attrs.field(validator=text(120))
    warehouse: str = attrs.field(validator=code())
    lines: tuple[PurchaseOrderLine, ...] = attrs.field(converter=_lines)
    created_at: datetime = attrs.field(validator=aware())
    expected_at: datetime | None = None
    status: PurchaseOrderStatus = attrs.field(default=PurchaseOrderStatus.OPEN, converter=_status)
    flagged_late: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))
    version: int = 0

    def outstanding(self, sku: str) -> int:
        """Units of ``sku`` still to come (0 once the order is not open)."""
        if self.status is not PurchaseOrderStatus.OPEN:
            return 0
        return sum(line.outstanding for line in self.lines if line.sku == sku)

    def receive(self, sku: str, quantity: int, *, accept_over: bool = False) -> None:
        """Record that ``quantity`` units of ``sku`` arrived; the order completes itself.

        Args:
            sku: The SKU.
            quantity: The units that arrived.
            accept_over: Keep units beyond those outstanding (the supplier
                sent more and the shop keeps them) instead of refusing.

        Raises:
            PurchaseOrderClosed: The order is not open.
            ValidationError: ``sku`` is not on the order, or more arrived than
                is outstanding and ``accept_over`` is false.
            InvalidQuantity: ``quantity`` is not a positive int.
        """
        if self.status is not PurchaseOrderStatus.OPEN:
            raise PurchaseOrderClosed(self.id, self.status.value)
        quantity = validate_quantity(quantity)
        for index, line in enumerate(self.lines):
            if line.sku == sku:
                if quantity > line.outstanding and not accept_over:
                    raise ValidationError(
                        "quantity", quantity, f"only {line.outstanding} of {sku} are outstanding"
                    )
                received = attrs.evolve(line, received=line.received + quantity)
                self.lines = (*self.lines[:index], received, *self.lines[index + 1 :])
                if all(line.outstanding == 0 for line in self.lines):
                    self.status = PurchaseOrderStatus.RECEIVED
                return
        raise ValidationError("sku", sku, f"is not on purchase order {self.id}")

    def problems(self, at: datetime) -> tuple[str, ...]:
        """What is wrong with this purchase order at ``at``: late, short or over, with detail."""
        found = []
        if self.status is PurchaseOrderStatus.OPEN and self.expected_at and self.expected_at < at:
            found.append(f"late: expected {self.expected_at.isoformat(timespec='minutes')}")
        if self.status is PurchaseOrderStatus.CLOSED:
            short = [f"{ln.sku} {ln.outstanding}" for ln in self.lines if ln.outstanding]
            if short:
                found.append("short: " + ", ".join(short))
        over = [f"{ln.sku} {ln.over}" for ln in self.lines if ln.over]
        if over:
            found.append("over: " + ", ".join(over))
        return tuple(found)

    def close(self) -> None:
        """Close the order; outstanding units are no longer expected.

        Raises:
            PurchaseOrderClosed: The order is not open.
        """
        if self.status is not PurchaseOrderStatus.OPEN:
            raise PurchaseOrderClosed(self.id, self.status.value)
        self.status = PurchaseOrderStatus.CLOSED
