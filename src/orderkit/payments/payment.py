"""A payment: one tender of an order, its amounts, its state and every gateway exchange.

An order may be paid by several payments (a gift card and a card). Each one
keeps four amounts that only grow — authorised, captured, refunded and
released (the part of an authorisation given back) — and the rules between
them hold at every step:

- captured + released <= authorised
- refunded <= captured

A capture, void or refund on its way to the gateway is *pending*: its amount
already counts against what may still be captured or refunded, so two refunds
racing each other cannot both pass the check while the gateway answers.
"""

from __future__ import annotations

import enum
from datetime import datetime

import attrs
from attrs.validators import instance_of

from orderkit.core.money import Money
from orderkit.errors import InvalidAmount, PaymentError
from orderkit.payments.verification import (
    PaymentSignals,
    Verdict,
    VerificationDecision,
    VerificationStage,
)

__all__ = ["GatewayExchange", "Payment", "PaymentState", "PendingOperation"]


class PaymentState(enum.StrEnum):
    """Where a payment stands, derived from its amounts and the gateway's answers."""

    PENDING = "pending"
    """Created; the gateway has not answered yet (or its answer was lost)."""
    REQUIRES_ACTION = "requires_action"
    """The customer must act (3-D Secure, a redirect to a wallet)."""
    AUTHORISED = "authorised"
    PARTIALLY_CAPTURED = "partially_captured"
    CAPTURED = "captured"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    VOIDED = "voided"
    FAILED = "failed"
    EXPIRED = "expired"

    @property
    def settled(self) -> bool:
        """Whether nothing more can happen to the payment."""
        return self in {
            PaymentState.REFUNDED,
            PaymentState.VOIDED,
            PaymentState.FAILED,
            PaymentState.EXPIRED,
        }


@attrs.frozen
class GatewayExchange:
    """One call to the gateway and its answer, kept for the audit trail.

    Attributes:
        operation: ``authorise``, ``capture``, ``void``, ``refund`` or ``status``.
        key: The idempotency key the call carried.
        amount: The amount asked for, if any.
        outcome: The gateway's answer (``approved``, ``declined``, ...), or
            ``unknown`` when the call timed out.
        reference: The gateway's id for the transaction.
        code: The gateway's reason code (``insufficient_funds``).
        message: The gateway's words.
        at: When the answer came.
        checks: The card checks the gateway reported (``{"avs": "match"}``).
    """

    operation: str
    key: str
    amount: Money | None
    outcome: str
    reference: str | None
    code: str | None
    message: str | None
    at: datetime
    checks: dict[str, str] = attrs.field(factory=dict)


@attrs.frozen
class PendingOperation:
    """A capture, void or refund sent to the gateway and not yet answered.

    Attributes:
        operation: ``capture``, ``void`` or ``refund``.
        key: The idempotency key it was sent with.
        amount: The amount it counts against its bound.
        final: For a capture: whether it gives back the rest of the authorisation.
    """

    operation: str
    key: str
    amount: Money
    final: bool = False


def _state(value: str | PaymentState) -> PaymentState:
    # Stored documents hold the state's text; the converter's str hook keeps text as it is.
    return PaymentState(value)


def _zero(payment: Payment) -> Money:
    return Money.zero(payment.amount.currency)


@attrs.define(eq=False)
class Payment:
    """One payment of an order through one gateway.

    Attributes:
        id: The payment's id.
        order_id: The order it pays.
        method: How the customer pays (``card``, ``store_credit`` ...).
        gateway: The name of the gateway that handles it.
        key: The idempotency key of its authorisation.
        amount: The amount asked for when the payment was created.
        created_at: When it was created.
        state: Where it stands.
        reference: The gateway's id for it, once known.
        authorised: Authorised so far.
        captured: Captured so far.
        refunded: Refunded so far.
        released: Authorised but given back (voided, or left over by a final capture).
        authorised_until: When an uncaptured authorisation lapses.
        action_url: Where the customer completes a required action.
        pending: Captures, voids and refunds on their way to the gateway.
        exchanges: Every call to the gateway and its answer, oldest first.
        signals: What the checkout passed about the payer (IP, card fingerprint).
        decisions: Every verification decision, oldest first.
        overpayment_allowed: It may take more than the order's open balance
            (authorised with ``allow_overpayment=True``).
        version: The stored version, for optimistic concurrency.
    """

    id: str
    order_id: str
    method: str
    gateway: str
    key: str
    amount: Money = attrs.field(validator=instance_of(Money))
    created_at: datetime
    state: PaymentState = attrs.field(default=PaymentState.PENDING, converter=_state)
    reference: str | None = None
    authorised: Money = attrs.field(default=attrs.Factory(_zero, takes_self=True))
    captured: Money = attrs.field(default=attrs.Factory(_zero, takes_self=True))
    refunded: Money = attrs.field(default=attrs.Factory(_zero, takes_self=True))
    released: Money = attrs.field(default=attrs.Factory(_zero, takes_self=True))
    authorised_until: datetime | None = None
    action_url: str | None = None
    pending: list[PendingOperation] = attrs.field(factory=list)
    exchanges: list[GatewayExchange] = attrs.field(factory=list)
    signals: PaymentSignals = attrs.field(factory=PaymentSignals)
    decisions: list[VerificationDecision] = attrs.field(factory=list)
    overpayment_allowed: bool = False
    version: int = 0

    def __attrs_post_init__(self) -> None:
        if self.amount.amount <= 0:
            raise InvalidAmount("amount", self.amount, "a payment is for a positive amount")

    # -- what may still happen ---------------------------------------------------

    def _pending(self, operation: str) -> Money:
        return Money.sum(
            (p.amount for p in self.pending if p.operation == operation), self.amount.currency
        )

    @property
    def capturable(self) -> Money:
        """What may still be captured: authorised, less captured, released and pending."""
        if self.state not in {PaymentState.AUTHORISED, PaymentState.PARTIALLY_CAPTURED}:
            return _zero(self)
        return (
            self.authorised
            - self.captured
            - self.released
            - self._pending("capture")
            - self._pending("void")
        )

    @property
    def holds(self) -> Money:
        """What this payment holds, or may yet hold, of its order's total.

        The amount asked for while the gateway has not decided; afterwards
        what stays authorised (captured or not), less what was refunded.
        A failed payment holds nothing.
        """
        if self.state in {PaymentState.PENDING, PaymentState.REQUIRES_ACTION}:
            return self.amount
        return self.authorised - self.released - self.refunded

    @property
    def taken(self) -> Money:
        """What this payment took and kept, or is on its way to: captured less refunded."""
        return self.captured + self._pending("capture") - self.refunded

    @property
    def refundable(self) -> Money:
        """What may still be refunded: captured, less refunded and pending refunds."""
        return self.captured - self.refunded - self._pending("refund")

    @property
    def card_checks(self) -> dict[str, str]:
        """The card checks the gateway reported with the authorisation (empty if none)."""
        for exchange in reversed(self.exchanges):
            if exchange.operation == "authorise" and exchange.checks:
                return dict(exchange.checks)
        return {}

    @property
    def under_review(self) -> bool:
        """Whether the latest decision asks for a person's review and none has answered it.

        A person's approval answers every later review too (the checks that
        asked for it still hold, and the person saw them); a payment that
        failed, was voided or lapsed is under review no more.
        """
        return (
            bool(self.decisions)
            and self.decisions[-1].verdict is Verdict.REVIEW
            and not self.cleared_by_person
            and not self.state.settled
        )

    @property
    def cleared_by_person(self) -> bool:
        """Whether a person approved the payment after a review."""
        return any(
            decision.stage is VerificationStage.MANUAL and decision.verdict is Verdict.APPROVE
            for decision in self.decisions
        )

    @property
    def rejected_by_checks(self) -> bool:
        """Whether the latest decision rejected the payment."""
        return bool(self.decisions) and self.decisions[-1].verdict is Verdict.REJECT

    # -- changes -------------------------------------------------------------------

    def record(self, exchange: GatewayExchange) -> None:
        """Keep a gateway exchange in the audit trail."""
        self.exchanges.append(exchange)

    def decide(self, decision: VerificationDecision) -> None:
        """Keep a verification decision."""
        self.decisions.append(decision)

    def authorise(self, amount: Money, reference: str, until: datetime | None) -> None:
        """The gateway authorised ``amount``."""
        self._require_state("authorise", PaymentState.PENDING, PaymentState.REQUIRES_ACTION)
        self._check_amount("amount", amount, self.amount)
        self.authorised = amount
        self.reference = reference
        self.authorised_until = until
        self.action_url = None
        self.state = PaymentState.AUTHORISED

    def require_action(self, reference: str, url: str | None) -> None:
        """The customer must act before the gateway decides (3-D Secure, a redirect)."""
        self._require_state("require an action", PaymentState.PENDING)
        self.reference = reference
        self.action_url = url
        self.state = PaymentState.REQUIRES_ACTION

    @property
    def outstanding(self) -> Money:
        """What is still to arrive: the amount asked for, less what was captured."""
        left = self.amount - self.captured
        return left if left.amount > 0 else _zero(self)

    @property
    def _waits_for_money(self) -> bool:
        return (
            self.state in {PaymentState.PENDING, PaymentState.CAPTURED}
            and not (self.refunded.amount or self.released.amount or self.pending)
            and self.outstanding.amount > 0
        )

    @property
    def awaits_funds(self) -> bool:
        """Whether the payment waits for money the customer has not sent yet (a transfer)."""
        return (
            self.state is PaymentState.PENDING
            and self.reference is not None
            and not self.captured.amount
            and not self.pending
        )

    @property
    def receivable(self) -> Money:
        """What money arriving for the payment may still book (a transfer); zero if closed."""
        return self.outstanding if self._waits_for_money else _zero(self)

    def await_funds(self, reference: str) -> None:
        """The customer pays later (a bank transfer) under ``reference``; the payment waits."""
        self._require_state("wait for funds", PaymentState.PENDING)
        self.reference = reference

    def receive(self, amount: Money) -> None:
        """Money arrived for a payment that waits for funds: authorised and captured at once.

        A second transfer may complete a first one that fell short.

        Raises:
            InvalidAmount: Not positive, or more than is outstanding.
            PaymentError: The payment does not wait for money.
        """
        if not self._waits_for_money:
            raise PaymentError(
                self.order_id, f"payment {self.id} is {self.state} and takes no money"
            )
        self._check_amount("amount", amount, self.outstanding)
        self.authorised += amount
        self.captured += amount
        self._settle()

    def fail(self) -> None:
        """The gateway refused, or the customer gave up."""
        self._require_state("fail", PaymentState.PENDING, PaymentState.REQUIRES_ACTION)
        self.state = PaymentState.FAILED

    def begin(
        self, operation: str, key: str, amount: Money | None = None, *, final: bool = False
    ) -> PendingOperation:
        """Count a capture, void or refund against its bound before the gateway is asked.

        A void takes what is left to capture, and so does a capture without an
        amount; a refund names its amount. Voiding a payment that awaits a
        transfer stops expecting it (it becomes ``voided``).

        Raises:
            InvalidAmount: ``amount`` is not positive or exceeds what is left.
            PaymentError: The payment is not in a state that allows it.
        """
        if operation == "void" and self.awaits_funds:
            # A transfer not yet made: stop expecting it; nothing is held to give back.
            pending = PendingOperation("void", key, _zero(self))
            self.pending.append(pending)
            return pending
        if operation in {"capture", "void"}:
            self._require_state(operation, PaymentState.AUTHORISED, PaymentState.PARTIALLY_CAPTURED)
            # What a final capture or a void gives back is "the rest": it is only
            # known while no other capture is on its way.
            captures = [p for p in self.pending if p.operation == "capture"]
            if captures and (operation == "void" or final or any(p.final for p in captures)):
                raise PaymentError(
                    self.order_id,
                    "a capture is on its way; give back the rest after it is answered",
                )
            if operation == "void":
                amount = self.capturable
                if not amount.amount:
                    raise PaymentError(
                        self.order_id, f"nothing is left to void on payment {self.id}"
                    )
            else:
                amount = self.capturable if amount is None else amount
                self._check_amount("amount", amount, self.capturable)
        elif operation == "refund":
            self._require_state(
                "refund",
                PaymentState.PARTIALLY_CAPTURED,
                PaymentState.CAPTURED,
                PaymentState.PARTIALLY_REFUNDED,
            )
            self._check_amount("amount", amount, self.refundable)
        else:
            raise PaymentError(self.order_id, f"cannot begin a {operation!r}")
        assert amount is not None
        pending = PendingOperation(operation, key, amount, final and operation == "capture")
        self.pending.append(pending)
        return pending

    def pending_operation(self, key: str) -> PendingOperation | None:
        """The capture, void or refund on its way with ``key``, if any."""
        return next((p for p in self.pending if p.key == key), None)

    def finish(self, key: str, *, succeeded: bool) -> PendingOperation:
        """End the pending operation ``key``: book it, or forget it.

        A successful final capture releases what is left of the authorisation;
        a successful void releases its amount.

        Raises:
            PaymentError: No operation with that key is pending.
        """
        operation = self.pending_operation(key)
        if operation is None:
            raise PaymentError(self.order_id, f"no capture, void or refund {key!r} is pending")
        self.pending.remove(operation)
        if succeeded and operation.operation == "capture":
            self.captured += operation.amount
            if operation.final:
                self.released = self.authorised - self.captured
        elif succeeded and operation.operation == "void":
            self.released += operation.amount
        elif succeeded:
            self.refunded += operation.amount
        self._settle()
        return operation

    def expire(self, now: datetime) -> bool:
        """Let an authorisation lapse when its window is over and nothing was captured."""
        if (
            self.state is PaymentState.AUTHORISED
            and self.authorised_until is not None
            and now >= self.authorised_until
            and not self.pending
        ):
            self.released = self.authorised
            self.state = PaymentState.EXPIRED
            return True
        return False

    def _settle(self) -> None:
        """Derive the state from the amounts after a capture, refund or void."""
        if self.refunded.amount and self.refunded == self.captured:
            self.state = PaymentState.REFUNDED
        elif self.refunded.amount:
            self.state = PaymentState.PARTIALLY_REFUNDED
        elif not self.captured.amount:
            self.state = (
                PaymentState.VOIDED if self.released == self.authorised else PaymentState.AUTHORISED
            )
        elif self.captured + self.released == self.authorised:
            self.state = PaymentState.CAPTURED
        else:
            self.state = PaymentState.PARTIALLY_CAPTURED

    def _require_state(self, action: str, *allowed: PaymentState) -> None:
        if self.state not in allowed:
            raise PaymentError(
                self.order_id, f"cannot {action} payment {self.id}: it is {self.state}"
            )

    def _check_amount(self, field: str, amount: Money | None, limit: Money) -> None:
        if not isinstance(amount, Money):
            raise InvalidAmount(field, amount, "give a Money")
        if amount.currency != self.amount.currency:
            raise InvalidAmount(field, amount, f"the payment is in {self.amount.currency}")
        if amount.amount <= 0:
            raise InvalidAmount(field, amount, "must be positive")
        if amount > limit:
            raise InvalidAmount(field, amount, f"only {limit} is left on payment {self.id}")
