"""Events of returns, claims and the follow-up after delivery."""

from __future__ import annotations

from typing import ClassVar

import attrs

from orderkit.core.events import DomainEvent
from orderkit.core.money import Money

__all__ = [
    "CarrierClaimSettled",
    "ClaimFiled",
    "FeedbackGiven",
    "FollowUpDue",
    "ReturnInspected",
    "ReturnMoved",
    "ReturnReceived",
    "ReturnRequested",
    "ReturnResolved",
]


@attrs.frozen(slots=True, kw_only=True)
class ReturnRequested(DomainEvent):
    """A customer asked to send units back; ``lines`` holds ``(sku, units, reason)``."""

    aggregate_type: ClassVar[str] = "return"

    order_number: int
    lines: tuple[tuple[str, int, str], ...]
    resolution: str


@attrs.frozen(slots=True, kw_only=True)
class ReturnMoved(DomainEvent):
    """A return changed state (approved, rejected, cancelled, received, closed)."""

    aggregate_type: ClassVar[str] = "return"

    order_number: int
    from_state: str
    to_state: str
    actor: str
    note: str | None = None


@attrs.frozen(slots=True, kw_only=True)
class ReturnReceived(DomainEvent):
    """Units of a return arrived in the warehouse; ``units`` holds ``(sku, units)``."""

    aggregate_type: ClassVar[str] = "return"

    order_number: int
    units: tuple[tuple[str, int], ...]
    tracking_number: str | None = None


@attrs.frozen(slots=True, kw_only=True)
class ReturnInspected(DomainEvent):
    """Returned units were inspected: ``outcome`` is ``restock``, ``damaged`` or ``refused``."""

    aggregate_type: ClassVar[str] = "return"

    order_number: int
    sku: str
    outcome: str
    quantity: int
    warehouse: str | None


@attrs.frozen(slots=True, kw_only=True)
class ReturnResolved(DomainEvent):
    """A return's money (or exchange) was settled: ``refunded`` paid back, ``kept`` in fees."""

    aggregate_type: ClassVar[str] = "return"

    order_number: int
    resolution: str
    refunded: Money
    kept: Money
    exchange_order_id: str | None = None


@attrs.frozen(slots=True, kw_only=True)
class ClaimFiled(DomainEvent):
    """A claim was made on a shipment and settled for the customer (replaced or refunded)."""

    aggregate_type: ClassVar[str] = "claim"

    order_number: int
    shipment_id: str
    kind: str
    remedy: str
    units: tuple[tuple[str, int], ...]


@attrs.frozen(slots=True, kw_only=True)
class CarrierClaimSettled(DomainEvent):
    """The carrier answered a claim: ``state`` is ``paid`` or ``denied``."""

    aggregate_type: ClassVar[str] = "claim"

    carrier: str
    state: str
    paid: Money | None


@attrs.frozen(slots=True, kw_only=True)
class FeedbackGiven(DomainEvent):
    """A customer rated an order."""

    aggregate_type: ClassVar[str] = "order"

    order_number: int
    rating: int


@attrs.frozen(slots=True, kw_only=True)
class FollowUpDue(DomainEvent):
    """Time to ask the customer how their delivered order went (an email, a survey)."""

    aggregate_type: ClassVar[str] = "order"

    order_number: int
    customer_id: str
