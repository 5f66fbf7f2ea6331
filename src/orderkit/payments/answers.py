"""Gateway answers: how they are kept in the audit trail, and which of them refuse."""

from __future__ import annotations

from datetime import datetime

from orderkit.core.money import Money
from orderkit.errors import PaymentDeclined
from orderkit.payments.gateway import GatewayOutcome, GatewayResult
from orderkit.payments.payment import GatewayExchange, Payment, PaymentState

__all__ = ["REFUSALS", "REJECTED", "exchange", "raise_if_refused"]

REFUSALS = frozenset({GatewayOutcome.DECLINED, GatewayOutcome.ERROR, GatewayOutcome.NOT_FOUND})
"""Outcomes after which nothing happened at the provider."""

REJECTED = "verification_rejected"
"""The code of a payment or capture the verification checks refused."""


def exchange(
    operation: str, key: str, amount: Money, result: GatewayResult | None, at: datetime
) -> GatewayExchange:
    """The audit-trail entry of one request and its answer (``None``: no answer came)."""
    if result is None:
        return GatewayExchange(operation, key, amount, "unknown", None, None, "no answer", at)
    return GatewayExchange(
        operation,
        key,
        amount,
        result.outcome.value,
        result.reference,
        result.code,
        result.message,
        at,
        dict(result.checks),
    )


def raise_if_refused(payment: Payment, key: str) -> None:
    """Raise what the request ``key`` was answered with, if it was refused.

    A payment the checks rejected never reached the gateway: it has no
    exchange under its key, and its latest decision says why.

    Raises:
        PaymentDeclined: The gateway or the checks refused the request.
    """
    if (
        key == payment.key
        and payment.state is PaymentState.FAILED
        and not any(entry.key == key for entry in payment.exchanges)
    ):
        reasons = payment.decisions[-1].reasons if payment.decisions else ()
        raise PaymentDeclined(
            payment.order_id,
            payment.id,
            REJECTED,
            "the checks rejected the payment: " + ("; ".join(reasons) or "rejected"),
        )
    for entry in reversed(payment.exchanges):
        if entry.key == key:
            if entry.outcome in REFUSALS:
                raise PaymentDeclined(
                    payment.order_id,
                    payment.id,
                    entry.code,
                    f"the gateway refused the {entry.operation}: {entry.code or entry.outcome}",
                )
            return
