"""Events of payments; ``aggregate_id`` is the payment's id."""

from __future__ import annotations

from typing import ClassVar

import attrs

from orderkit.core.events import DomainEvent
from orderkit.core.money import Money

__all__ = [
    "PaymentAuthorised",
    "PaymentCaptured",
    "PaymentExpired",
    "PaymentFailed",
    "PaymentRefunded",
    "PaymentVoided",
    "RefundIssued",
]


@attrs.frozen(slots=True, kw_only=True)
class PaymentAuthorised(DomainEvent):
    """The gateway authorised a payment of an order."""

    aggregate_type: ClassVar[str] = "payment"

    order_id: str
    amount: Money


@attrs.frozen(slots=True, kw_only=True)
class PaymentFailed(DomainEvent):
    """The gateway refused a payment, or the customer did not complete it."""

    aggregate_type: ClassVar[str] = "payment"

    order_id: str
    code: str | None = None


@attrs.frozen(slots=True, kw_only=True)
class PaymentCaptured(DomainEvent):
    """Money was taken; ``final`` says the rest of the authorisation was given back."""

    aggregate_type: ClassVar[str] = "payment"

    order_id: str
    amount: Money
    final: bool = False


@attrs.frozen(slots=True, kw_only=True)
class PaymentVoided(DomainEvent):
    """What was left of an authorisation was given back."""

    aggregate_type: ClassVar[str] = "payment"

    order_id: str
    amount: Money


@attrs.frozen(slots=True, kw_only=True)
class PaymentRefunded(DomainEvent):
    """Money was paid back."""

    aggregate_type: ClassVar[str] = "payment"

    order_id: str
    amount: Money


@attrs.frozen(slots=True, kw_only=True)
class PaymentExpired(DomainEvent):
    """An authorisation lapsed uncaptured; ``amount`` is what it had held."""

    aggregate_type: ClassVar[str] = "payment"

    order_id: str
    amount: Money


@attrs.frozen(slots=True, kw_only=True)
class RefundIssued(DomainEvent):
    """A refund of an order went through (``aggregate_id`` is the refund's id).

    ``amount`` is what was paid back; a part a gateway refused is not in it.
    """

    aggregate_type: ClassVar[str] = "refund"

    order_id: str
    amount: Money
    destination: str
    credit_note: str | None = None
