"""Cash on delivery as a gateway: nothing is held at checkout; the courier collects."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Mapping
from datetime import datetime

from orderkit.core.money import Money
from orderkit.errors import WebhookRejected
from orderkit.payments.gateway import GatewayNotification, GatewayOutcome, GatewayResult

__all__ = ["CashOnDeliveryGateway"]


class CashOnDeliveryGateway:
    """Cash paid to the courier, kept as a payment like any other.

    An authorisation holds nothing: it records that the order will be paid on
    the doorstep, so the order can be fulfilled unpaid. The money is captured
    when the delivery with cash collected is confirmed
    (:meth:`~orderkit.payments.service.PaymentService.cash_collected`); a
    refund is paid back by transfer or by the courier. It keeps its own ledger
    of what was promised, collected and paid back, and sends no webhooks.

    Examples:
        >>> from orderkit import Money
        >>> cash = CashOnDeliveryGateway()
        >>> cash.authorise(Money("12.00", "EUR"), "cash", key="k", metadata={}).outcome.value
        'approved'
    """

    name = "cash_on_delivery"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._answers: dict[str, GatewayResult] = {}
        self._ledger: dict[str, list[Money]] = {}  # reference -> [promised, collected, paid back]
        self._references = (f"cod_{n:06d}" for n in itertools.count(1))

    def _once(self, key: str, answer: GatewayResult) -> GatewayResult:
        return self._answers.setdefault(key, answer)

    def authorise(
        self, amount: Money, source: str, *, key: str, metadata: Mapping[str, str]
    ) -> GatewayResult:
        """Record the promise to pay ``amount`` in cash on delivery."""
        with self._lock:
            if key in self._answers:
                return self._answers[key]
            reference = next(self._references)
            zero = Money.zero(amount.currency)
            self._ledger[reference] = [amount, zero, zero]
            return self._once(key, GatewayResult(GatewayOutcome.APPROVED, reference, amount))

    def capture(self, reference: str, amount: Money, *, key: str, final: bool) -> GatewayResult:
        """Record cash collected by the courier."""
        with self._lock:
            if key in self._answers:
                return self._answers[key]
            promised, collected, paid_back = self._ledger[reference]
            if amount > promised - collected:
                refused = GatewayResult(GatewayOutcome.DECLINED, reference, code="more_than_due")
                return self._once(key, refused)
            self._ledger[reference] = [promised, collected + amount, paid_back]
            return self._once(key, GatewayResult(GatewayOutcome.APPROVED, reference, amount))

    def void(self, reference: str, *, key: str) -> GatewayResult:
        """Drop the promise (the customer refused the parcel)."""
        with self._lock:
            return self._once(key, GatewayResult(GatewayOutcome.APPROVED, reference))

    def refund(self, reference: str, amount: Money, *, key: str) -> GatewayResult:
        """Record cash paid back."""
        with self._lock:
            if key in self._answers:
                return self._answers[key]
            promised, collected, paid_back = self._ledger[reference]
            if amount > collected - paid_back:
                refused = GatewayResult(GatewayOutcome.DECLINED, reference, code="more_than_paid")
                return self._once(key, refused)
            self._ledger[reference] = [promised, collected, paid_back + amount]
            return self._once(key, GatewayResult(GatewayOutcome.APPROVED, reference, amount))

    def status(self, key: str) -> GatewayResult:
        """The answer given to ``key``, or not found."""
        with self._lock:
            return self._answers.get(key, GatewayResult(GatewayOutcome.NOT_FOUND))

    def parse_notification(self, signature: str, body: bytes, now: datetime) -> GatewayNotification:
        """Refuse: cash on delivery sends no webhooks."""
        raise WebhookRejected("cash on delivery sends no webhooks")
