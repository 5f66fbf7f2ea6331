"""Events of the order lifecycle."""

from __future__ import annotations

from typing import ClassVar

import attrs

from orderkit.core.events import DomainEvent
from orderkit.core.money import Money

__all__ = ["OrderEdited", "OrderPlaced", "OrderTransitioned"]


@attrs.frozen(slots=True, kw_only=True)
class OrderPlaced(DomainEvent):
    """A customer placed an order.

    Attributes:
        number: The order number.
        customer_id: Who placed it.
        channel: Through which channel.
        grand_total: What the customer pays.
    """

    aggregate_type: ClassVar[str] = "order"

    number: int
    customer_id: str
    channel: str
    grand_total: Money


@attrs.frozen(slots=True, kw_only=True)
class OrderTransitioned(DomainEvent):
    """An order moved through its workflow (one event per history entry).

    Attributes:
        number: The order number.
        command: The command that moved it.
        from_state: The state before.
        to_state: The state after.
        actor: Who issued the command.
        reason: Why, when given.
    """

    aggregate_type: ClassVar[str] = "order"

    number: int
    command: str
    from_state: str
    to_state: str
    actor: str
    reason: str | None = None


@attrs.frozen(slots=True, kw_only=True)
class OrderEdited(DomainEvent):
    """An order's lines or addresses changed before fulfilment, or lines were cancelled.

    Attributes:
        number: The order number.
        changes: What changed, one short phrase each (``"TEE-M 2 -> 3"``).
        grand_total: The new grand total.
        actor: Who changed it.
    """

    aggregate_type: ClassVar[str] = "order"

    number: int
    changes: tuple[str, ...]
    grand_total: Money
    actor: str
