"""A card gateway with magic card numbers, as providers offer in their test modes.

It keeps its own ledger of authorisations in memory and behaves like a
provider: it remembers every idempotency key and answers a repeated request
as it answered the first; it refuses to capture or refund more than it holds;
and it can lose its answer (a timeout) after charging or before.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Mapping, Sequence
from datetime import datetime

import attrs

from orderkit.core.money import Money
from orderkit.errors import WebhookRejected
from orderkit.payments.gateway import (
    GatewayNotification,
    GatewayOutcome,
    GatewayResult,
    GatewayTimeout,
)
from orderkit.payments.webhooks import WebhookSigner

__all__ = ["TestCardGateway"]

# Card number -> (outcome, code) on authorisation.
_CARDS: dict[str, tuple[GatewayOutcome, str | None]] = {
    "4242424242424242": (GatewayOutcome.APPROVED, None),
    "4000000000000002": (GatewayOutcome.DECLINED, "card_declined"),
    "4000000000009995": (GatewayOutcome.DECLINED, "insufficient_funds"),
    "4000000000000069": (GatewayOutcome.DECLINED, "expired_card"),
    "4000000000003220": (GatewayOutcome.REQUIRES_ACTION, "authentication_required"),
    "4000000000000119": (GatewayOutcome.ERROR, "processing_error"),
    "4000000000000259": (GatewayOutcome.APPROVED, "timeout_after_charge"),
    "4000000000000341": (GatewayOutcome.NOT_FOUND, "timeout_before_charge"),
    "4000000000000101": (GatewayOutcome.APPROVED, "cvc_mismatch"),
    "4000000000000036": (GatewayOutcome.APPROVED, "avs_mismatch"),
    "wallet": (GatewayOutcome.REQUIRES_ACTION, "redirect"),
}

# Card number -> the card checks reported with an approval, when not all "match".
_CHECKS = {
    "4000000000000101": {"avs": "match", "cvc": "mismatch"},
    "4000000000000036": {"avs": "mismatch", "cvc": "match"},
}


def _action_url(code: str | None, reference: str) -> str:
    if code == "redirect":
        return f"https://test-wallet.invalid/approve/{reference}"
    return f"https://test-cards.invalid/3ds/{reference}"


@attrs.define
class _Charge:
    reference: str
    authorised: Money
    captured: Money
    refunded: Money
    released: Money
    state: GatewayOutcome


class TestCardGateway:
    """A test-mode card provider in memory.

    Card numbers (``source``):

    | number | answer |
    |---|---|
    | 4242 4242 4242 4242 | approved |
    | 4000 0000 0000 0002 | declined, ``card_declined`` |
    | 4000 0000 0000 9995 | declined, ``insufficient_funds`` |
    | 4000 0000 0000 0069 | declined, ``expired_card`` |
    | 4000 0000 0000 3220 | requires action (3-D Secure); :meth:`complete_action` decides |
    | 4000 0000 0000 0119 | error, ``processing_error`` (nothing happened) |
    | 4000 0000 0000 0259 | timeout *after* charging: ``status`` says approved |
    | 4000 0000 0000 0341 | timeout *before* charging: ``status`` says not found |
    | 4000 0000 0000 0101 | approved, but the card code did not match (``checks["cvc"]``) |
    | 4000 0000 0000 0036 | approved, but the billing address did not match (``checks["avs"]``) |

    The source ``wallet`` stands for a wallet account (a PayPal-like
    redirect): it requires action with an ``action_url`` to send the buyer
    to, and :meth:`complete_action` decides as the wallet would.

    Approvals report their card checks (``GatewayResult.checks``): ``match``
    for both, except on the two cards above.

    Any other number is declined with ``invalid_number``.

    Examples:
        >>> from orderkit import Money
        >>> gateway = TestCardGateway()
        >>> gateway.authorise(Money("10.00", "EUR"), "4242424242424242", key="k1",
        ...                   metadata={}).outcome.value
        'approved'
    """

    __test__ = False  # not a pytest test class, despite its name

    name = "test_cards"

    def __init__(self, webhook_secrets: Sequence[str] = ("whsec_test_cards_0001",)) -> None:
        self.webhooks = WebhookSigner(webhook_secrets)
        """Signs the webhooks :meth:`notification` builds and verifies incoming ones."""
        self._events = (f"evt_{n:06d}" for n in itertools.count(1))
        self._lock = threading.Lock()
        self._charges: dict[str, _Charge] = {}
        self._answers: dict[str, GatewayResult] = {}
        self._references = (f"ch_{n:06d}" for n in itertools.count(1))
        self.calls = 0
        """How many requests reached the provider (repeated keys included)."""

    def authorise(
        self, amount: Money, source: str, *, key: str, metadata: Mapping[str, str]
    ) -> GatewayResult:
        """Authorise ``amount`` on the card ``source``; see the table above."""
        with self._lock:
            self.calls += 1
            if key in self._answers:
                return self._answers[key]
            number = source.replace(" ", "")
            outcome, code = _CARDS.get(number, (GatewayOutcome.DECLINED, "invalid_number"))
            if code == "timeout_before_charge":
                raise GatewayTimeout("authorise", key)
            reference = next(self._references)
            if outcome in {GatewayOutcome.APPROVED, GatewayOutcome.REQUIRES_ACTION}:
                zero = Money.zero(amount.currency)
                self._charges[reference] = _Charge(reference, amount, zero, zero, zero, outcome)
            approved = outcome is GatewayOutcome.APPROVED
            result = GatewayResult(
                outcome,
                reference=reference,
                amount=amount if approved else None,
                code=None if approved else code,
                message=f"test card: {code or 'approved'}",
                action_url=_action_url(code, reference)
                if outcome is GatewayOutcome.REQUIRES_ACTION
                else None,
                checks=_CHECKS.get(number, {"avs": "match", "cvc": "match"}) if approved else {},
            )
            self._answers[key] = result
            if code == "timeout_after_charge":
                raise GatewayTimeout("authorise", key)
            return result

    def complete_action(self, reference: str, *, approve: bool) -> None:
        """The customer finished (or failed) 3-D Secure for ``reference``."""
        with self._lock:
            charge = self._charges[reference]
            charge.state = GatewayOutcome.APPROVED if approve else GatewayOutcome.DECLINED
            for key, answer in self._answers.items():
                if answer.reference == reference:
                    self._answers[key] = attrs.evolve(
                        answer,
                        outcome=charge.state,
                        amount=charge.authorised if approve else None,
                        code=None if approve else "authentication_failed",
                        action_url=None,
                    )

    def capture(self, reference: str, amount: Money, *, key: str, final: bool) -> GatewayResult:
        """Capture ``amount`` of an approved authorisation."""
        with self._lock:
            self.calls += 1
            if key in self._answers:
                return self._answers[key]
            charge = self._charges.get(reference)
            left = None
            if charge is not None and charge.state is GatewayOutcome.APPROVED:
                left = charge.authorised - charge.captured - charge.released
            if left is None or amount > left:
                result = GatewayResult(
                    GatewayOutcome.DECLINED, reference, code="amount_too_large", message=str(left)
                )
            else:
                assert charge is not None
                charge.captured += amount
                if final:
                    charge.released = charge.authorised - charge.captured
                result = GatewayResult(GatewayOutcome.APPROVED, reference, amount=amount)
            self._answers[key] = result
            return result

    def void(self, reference: str, *, key: str) -> GatewayResult:
        """Release what is left of an authorisation."""
        with self._lock:
            self.calls += 1
            if key in self._answers:
                return self._answers[key]
            charge = self._charges.get(reference)
            if charge is None:
                result = GatewayResult(GatewayOutcome.NOT_FOUND, reference)
            else:
                charge.released = charge.authorised - charge.captured
                result = GatewayResult(GatewayOutcome.APPROVED, reference, amount=charge.released)
            self._answers[key] = result
            return result

    def refund(self, reference: str, amount: Money, *, key: str) -> GatewayResult:
        """Refund ``amount`` of what was captured."""
        with self._lock:
            self.calls += 1
            if key in self._answers:
                return self._answers[key]
            charge = self._charges.get(reference)
            if charge is None or amount > charge.captured - charge.refunded:
                result = GatewayResult(GatewayOutcome.DECLINED, reference, code="amount_too_large")
            else:
                charge.refunded += amount
                result = GatewayResult(GatewayOutcome.APPROVED, reference, amount=amount)
            self._answers[key] = result
            return result

    def status(self, key: str) -> GatewayResult:
        """The answer to the request sent with ``key``, or not found."""
        with self._lock:
            self.calls += 1
            return self._answers.get(key, GatewayResult(GatewayOutcome.NOT_FOUND))

    def notification(
        self,
        key: str,
        at: datetime,
        *,
        outcome: GatewayOutcome | None = None,
        event_id: str | None = None,
    ) -> tuple[str, bytes]:
        """The webhook the provider sends about the request ``key``: signature header and body.

        It reports the provider's answer to that request, or ``outcome`` when
        given (a provider also announces ``pending``, "processing", on its way).
        """
        with self._lock:
            answer = self._answers.get(key, GatewayResult(GatewayOutcome.NOT_FOUND))
            if outcome is not None:
                answer = attrs.evolve(answer, outcome=outcome)
            event = event_id or next(self._events)
        body = json.dumps(
            {
                "id": event,
                "key": key,
                "outcome": answer.outcome.value,
                "reference": answer.reference,
                "amount": None
                if answer.amount is None
                else {"value": str(answer.amount.amount), "currency": answer.amount.currency},
                "code": answer.code,
            }
        ).encode()
        return self.webhooks.sign(body, at), body

    def parse_notification(self, signature: str, body: bytes, now: datetime) -> GatewayNotification:
        """Verify a webhook of this provider and read it."""
        signed_at = self.webhooks.verify(signature, body, now)
        try:
            data = json.loads(body)
            amount = data["amount"]
            result = GatewayResult(
                GatewayOutcome(data["outcome"]),
                reference=data["reference"],
                amount=None if amount is None else Money(amount["value"], amount["currency"]),
                code=data["code"],
                message="webhook",
            )
            return GatewayNotification(str(data["id"]), str(data["key"]), result, signed_at)
        except (ValueError, KeyError, TypeError) as bad:
            raise WebhookRejected(f"not a notification: {bad}") from bad

    def ledger(self) -> dict[str, tuple[Money, Money, Money]]:
        """Every charge the provider made, by reference: authorised, captured, refunded."""
        with self._lock:
            return {
                reference: (charge.authorised, charge.captured, charge.refunded)
                for reference, charge in self._charges.items()
                if charge.state is GatewayOutcome.APPROVED
            }

    def holds(self, reference: str) -> tuple[Money, Money, Money]:
        """What the provider holds for ``reference``: authorised, captured, refunded."""
        with self._lock:
            charge = self._charges[reference]
            return charge.authorised, charge.captured, charge.refunded
