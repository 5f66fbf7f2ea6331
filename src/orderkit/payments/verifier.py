"""Running the verification pipeline inside a payment's unit of work, and what its verdicts do."""

from __future__ import annotations

from datetime import datetime

from orderkit.core.access import system_actor
from orderkit.core.context import ServiceContext
from orderkit.core.money import Money
from orderkit.errors import NotFound, PaymentError, PermissionDenied
from orderkit.lifecycle.ports import HoldReason, Order, OrderQuery, OrderState
from orderkit.payments.methods import PaymentMethod
from orderkit.payments.payment import Payment
from orderkit.payments.ports import OrderSteps, PaymentsUnitOfWork
from orderkit.payments.verification import (
    Verdict,
    VerificationContext,
    VerificationDecision,
    VerificationPipeline,
    VerificationStage,
)

PAYMENTS_ACTOR = system_actor("payments")
"""Who moves orders along when their payments change."""

__all__ = ["PAYMENTS_ACTOR", "PaymentVerifier"]

# Velocity counts stop here: far above any threshold worth setting.
_COUNT_LIMIT = 10_000


class PaymentVerifier:
    """Decides on a payment at a stage, and holds the order when a person must look."""

    def __init__(
        self,
        context: ServiceContext[PaymentsUnitOfWork],
        pipeline: VerificationPipeline | None,
        orders: OrderSteps | None,
    ) -> None:
        self._context = context
        self.pipeline = pipeline
        self._orders = orders

    def decide(
        self,
        uow: PaymentsUnitOfWork,
        stage: VerificationStage,
        order: Order,
        payment: Payment,
        amount: Money,
    ) -> VerificationDecision | None:
        """Run the pipeline (if it runs at ``stage``) and keep the decision on ``payment``.

        A review that a person already cleared becomes an approval; a reject stays one.
        """
        pipeline = self.pipeline
        if pipeline is None or not pipeline.runs_at(stage):
            return None
        # Before authorisation the payment being judged is not stored yet; it counts.
        unsaved = 1 if stage is VerificationStage.AUTHORISE else 0
        context = VerificationContext(
            stage=stage,
            order=order,
            payment=payment,
            amount=amount,
            email=payment.signals.email or _customer_email(uow, order.customer_id),
            signals=payment.signals,
            card_checks=payment.card_checks,
            now=self._context.clock.now(),
            orders_since=lambda since: _orders_since(uow, order.customer_id, since),
            attempts_since=lambda since: _attempts_since(uow, order.customer_id, since) + unsaved,
            signal_count=lambda signal, value, since: (
                uow.payments.count_since(signal, value, since) + unsaved
            ),
        )
        decision = pipeline.decide(context)
        payment.decide(decision)
        return decision

    def check_capture(
        self, uow: PaymentsUnitOfWork, payment: Payment, amount: Money | None
    ) -> VerificationDecision | None:
        """Run the checks before a capture; return the decision if it refuses.

        Cash on delivery is not checked: the courier already holds the money.
        A review holds the order for a fraud review; a reject follows
        ``on_payment_failure`` (hold, cancel, or leave the order as it is).
        An approval is kept on the payment, which the capture then saves.
        """
        if payment.method == PaymentMethod.CASH_ON_DELIVERY.value:
            return None
        order = uow.orders.get(payment.order_id)
        asked = amount if isinstance(amount, Money) else payment.capturable
        decision = self.decide(uow, VerificationStage.CAPTURE, order, payment, asked)
        verdict = effective(decision, payment)
        if decision is None or verdict is Verdict.APPROVE:
            return None
        policy = "hold" if self._orders is None else self._orders.policy.on_payment_failure
        if verdict is Verdict.REVIEW or policy == "hold":
            changed = self.hold(uow, order, decision)
        elif policy == "cancel":
            changed = self.fire(uow, order, "cancel", f"payment {payment.id}: {why(decision)}")
        else:
            changed = False
        if changed:
            uow.orders.save(order)
        uow.payments.save(payment)
        return decision

    def review(
        self,
        uow: PaymentsUnitOfWork,
        payment: Payment,
        verdict: Verdict,
        actor: str,
        note: str | None,
    ) -> None:
        """Keep a person's decision on a payment under review, and let the order follow.

        An approval releases the order's fraud-review hold; a reject cancels it
        when ``on_payment_failure`` is ``"cancel"`` and leaves it held otherwise.
        """
        if not payment.under_review:
            raise PaymentError(payment.order_id, f"payment {payment.id} is not under review")
        now = self._context.clock.now()
        reasons = (note,) if note else ()
        payment.decide(
            VerificationDecision(VerificationStage.MANUAL, verdict, 0, reasons, (), now, actor)
        )
        order = uow.orders.get(payment.order_id)
        reason = f"payment {payment.id} reviewed by {actor}" + (f": {note}" if note else "")
        cancels = self._orders is not None and self._orders.policy.on_payment_failure == "cancel"
        if verdict is Verdict.APPROVE and held_for_fraud_review(order):
            changed = self.fire(uow, order, "release", reason, actor)
        elif verdict is Verdict.REJECT and cancels:
            changed = self.fire(uow, order, "cancel", reason, actor)
        else:
            changed = False
        if changed:
            uow.orders.save(order)

    def hold(self, uow: PaymentsUnitOfWork, order: Order, decision: VerificationDecision) -> bool:
        """Put the order on hold for a fraud review, with the decision's reasons.

        Nothing happens where the workflow does not allow a hold (an order
        already held, or one that has shipped). The caller saves the order.
        """
        reason = f"{HoldReason.FRAUD_REVIEW.value}: {why(decision)}"
        return self.fire(uow, order, "hold", reason)

    def fire(
        self,
        uow: PaymentsUnitOfWork,
        order: Order,
        command: str,
        reason: str,
        actor: str = PAYMENTS_ACTOR,
    ) -> bool:
        """Fire ``command`` on the order if the workflow and the shop allow it; say if it did.

        Payments act as :data:`PAYMENTS_ACTOR`; a shop whose ``authorize``
        hook refuses it the transition keeps the order where it is (the
        payment is booked all the same). The caller saves the order.
        """
        orders = self._orders
        if orders is None:
            return False
        workflow = orders.policy.workflow
        at = self._context.clock.now()
        if command not in workflow.allowed(order.state) or workflow.refusals(
            order, command, at=at, actor=actor, reason=reason
        ):
            return False
        try:
            orders.fire_within(uow, order, command, actor=actor, reason=reason)
        except PermissionDenied:
            return False
        return True


def held_for_fraud_review(order: Order) -> bool:
    """Whether the order's latest hold was for a fraud review and it is still on hold."""
    holds = [entry for entry in order.history if entry.command == "hold"]
    return (
        order.state == OrderState.ON_HOLD
        and bool(holds)
        and (holds[-1].reason or "").startswith(HoldReason.FRAUD_REVIEW.value)
    )


def effective(decision: VerificationDecision | None, payment: Payment) -> Verdict:
    """The verdict that counts: a review a person already cleared lets the payment through."""
    if decision is None:
        return Verdict.APPROVE
    if decision.verdict is Verdict.REVIEW and payment.cleared_by_person:
        return Verdict.APPROVE
    return decision.verdict


def why(decision: VerificationDecision) -> str:
    """The decision's reasons in one line."""
    return "; ".join(decision.reasons) or f"verdict {decision.verdict.value}"


def _customer_email(uow: PaymentsUnitOfWork, customer_id: str) -> str | None:
    try:
        return uow.customers.get(customer_id).email
    except NotFound:
        return None


def _orders_since(uow: PaymentsUnitOfWork, customer_id: str, since: datetime | None) -> int:
    query = OrderQuery(customer_id=customer_id, placed_from=since)
    return len(uow.orders.find(query, limit=_COUNT_LIMIT))


def _attempts_since(uow: PaymentsUnitOfWork, customer_id: str, since: datetime) -> int:
    query = OrderQuery(customer_id=customer_id, placed_from=since)
    return sum(
        len(uow.payments.for_order(order.id))
        for order in uow.orders.find(query, limit=_COUNT_LIMIT)
    )
