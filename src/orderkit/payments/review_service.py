"""A person's review of a payment the checks sent to one: let it through, or refuse it."""

from __future__ import annotations

from orderkit.core.access import writes
from orderkit.core.checks import require_text
from orderkit.core.context import ServiceContext, retried
from orderkit.errors import PaymentError
from orderkit.payments.charge_service import ChargeService
from orderkit.payments.order_payments import OrderPayments
from orderkit.payments.payment import Payment, PaymentState
from orderkit.payments.ports import PaymentsUnitOfWork
from orderkit.payments.verification import Verdict
from orderkit.payments.verifier import PaymentVerifier

__all__ = ["ReviewService"]


class ReviewService:
    """Decide payments under review, as a person; ``shop.payments`` hands its calls here.

    Args:
        context: The shop's shared parts.
        verifier: Records the person's decision and lifts the order's hold.
        bookkeeping: Keeps each order's amounts and state in step with its payments.
        charges: Voids what a refused payment had authorised.
    """

    def __init__(
        self,
        context: ServiceContext[PaymentsUnitOfWork],
        verifier: PaymentVerifier,
        bookkeeping: OrderPayments,
        charges: ChargeService,
    ) -> None:
        self._context = context
        self._verifier = verifier
        self._bookkeeping = bookkeeping
        self._charges = charges

    @writes("payments.review")
    def approve_review(self, payment_id: str, *, actor: str, note: str | None = None) -> Payment:
        """A person looked at a payment under review and lets it through.

        The decision is kept on the payment; the order leaves its fraud-review
        hold, and an order whose payments now cover it moves on. Later checks
        that ask for a review let this payment through; a reject still refuses.

        Raises:
            PaymentError: The payment is not under review.
        """
        return self._review(payment_id, Verdict.APPROVE, actor, note)

    @writes("payments.review")
    def reject_review(
        self, payment_id: str, *, actor: str, key: str, note: str | None = None
    ) -> Payment:
        """A person looked at a payment under review and refuses it.

        What was authorised is voided (under ``key``); the order stays on hold,
        or is cancelled when ``OrderPolicy.on_payment_failure`` is ``"cancel"``.

        Raises:
            PaymentError: The payment is not under review.
        """
        key = require_text(key, "key")
        payment = self._review(payment_id, Verdict.REJECT, actor, note)
        if payment.capturable.amount:
            payment = self._charges.void(payment.id, key=key)
        return payment

    @retried
    def _review(self, payment_id: str, verdict: Verdict, actor: str, note: str | None) -> Payment:
        actor = require_text(actor, "actor")
        note = None if note is None else require_text(note, "note", 1000)
        payment_id = require_text(payment_id, "payment_id")
        context = self._context
        with context.store.unit_of_work() as uow:
            payment = uow.payments.get(payment_id)
            if not payment.under_review:
                raise PaymentError(payment.order_id, f"payment {payment.id} is not under review")
            self._verifier.review(uow, payment, verdict, actor, note)
            if verdict is Verdict.REJECT and payment.state in {
                PaymentState.PENDING,
                PaymentState.REQUIRES_ACTION,
            }:
                self._bookkeeping.fail(uow, payment, "review_rejected")
            uow.payments.save(payment)
            self._bookkeeping.sync(uow, payment)
            uow.commit()
        return payment
