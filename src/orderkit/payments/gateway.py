"""The port to payment providers: what orderkit asks of a gateway, and what it answers."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime
from typing import Protocol, runtime_checkable

import attrs

from orderkit.core.money import Money
from orderkit.errors import OrderkitError

__all__ = [
    "GatewayNotification",
    "GatewayOutcome",
    "GatewayResult",
    "GatewayTimeout",
    "PaymentGateway",
]


class GatewayOutcome(enum.StrEnum):
    """The gist of a gateway's answer."""

    APPROVED = "approved"
    DECLINED = "declined"
    REQUIRES_ACTION = "requires_action"
    """The customer must act first (3-D Secure, a redirect); ask again afterwards."""
    PENDING = "pending"
    """The provider has not decided yet (funds on their way)."""
    ERROR = "error"
    """The provider failed to process the request; nothing happened."""
    NOT_FOUND = "not_found"
    """Asked about a request it never received."""


@attrs.frozen
class GatewayResult:
    """A gateway's answer to one request.

    Attributes:
        outcome: The gist of the answer.
        reference: The provider's id for the transaction.
        amount: The amount the answer is about (authorised, captured, refunded).
        code: The provider's reason code (``card_declined``, ``insufficient_funds``).
        message: The provider's words, for the audit trail.
        action_url: Where the customer completes a required action.
        checks: Card checks reported with an authorisation: ``"avs"`` (the
            billing address) and ``"cvc"`` (the card code), each ``match``,
            ``partial``, ``mismatch`` or ``unavailable``.
    """

    outcome: GatewayOutcome
    reference: str | None = None
    amount: Money | None = None
    code: str | None = None
    message: str | None = None
    action_url: str | None = None
    checks: Mapping[str, str] = attrs.field(factory=dict)


@attrs.frozen
class GatewayNotification:
    """What a provider's webhook says, once its signature was verified.

    Attributes:
        event_id: The provider's id for the notification; a redelivery repeats it.
        key: The idempotency key of the request it is about.
        result: The provider's answer to that request, as it stands now.
        occurred_at: When the provider signed it.
    """

    event_id: str
    key: str
    result: GatewayResult
    occurred_at: datetime


class GatewayTimeout(OrderkitError):
    """The gateway did not answer in time: the request may or may not have taken effect.

    orderkit keeps the payment as it was and asks the gateway later, by the
    same idempotency key, what became of it.

    Attributes:
        operation: The request that timed out.
        key: Its idempotency key.
    """

    def __init__(self, operation: str, key: str) -> None:
        self.operation = operation
        self.key = key
        super().__init__(f"the gateway did not answer {operation} {key!r} in time")


@runtime_checkable
class PaymentGateway(Protocol):
    """Protocol: a payment provider, as orderkit talks to it.

    Every call carries an idempotency key: the provider must treat a repeated
    key as the same request (answer it again, never charge twice). Amounts are
    :class:`~orderkit.Money`. A call that gets no answer in time raises
    :class:`GatewayTimeout`; any other answer, refusals included, is a
    :class:`GatewayResult`.

    Gateway authors prove an adapter with
    :class:`orderkit.testing.gateway_contract.GatewayContract`.
    """

    name: str

    def authorise(
        self, amount: Money, source: str, *, key: str, metadata: Mapping[str, str]
    ) -> GatewayResult:
        """Reserve ``amount`` on the customer's ``source`` (a card token, an account)."""
        ...

    def capture(self, reference: str, amount: Money, *, key: str, final: bool) -> GatewayResult:
        """Take ``amount`` of an authorisation; ``final`` gives back the rest."""
        ...

    def void(self, reference: str, *, key: str) -> GatewayResult:
        """Give back what is left of an authorisation."""
        ...

    def refund(self, reference: str, amount: Money, *, key: str) -> GatewayResult:
        """Pay back ``amount`` of what was captured."""
        ...

    def status(self, key: str) -> GatewayResult:
        """Say what became of the request sent with ``key`` (after a timeout, a redirect)."""
        ...

    def parse_notification(self, signature: str, body: bytes, now: datetime) -> GatewayNotification:
        """Verify a webhook's signature and age, then read it.

        ``body`` is the raw request body, byte for byte; ``signature`` the
        provider's signature header (see :class:`~orderkit.payments.WebhookSigner`).

        Raises:
            WebhookRejected: The signature or the age does not hold, or the body
                is not a notification.
        """
        ...
