"""Events of the order lifecycle."""

from __future__ import annotations

from typing import ClassVar

import attrs

from orderkit.events import DomainEvent
from orderkit.money import Money

__all__ = ["OrderPlaced"]


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
