"""Keeping an order in step with its payments: its amounts, and its state while it waits."""

from __future__ import annotations

from orderkit.core.context import ServiceContext
from orderkit.core.money import Money
from orderkit.lifecycle.ports import HoldReason, Order, OrderState
from orderkit.payments.events import PaymentFailed
from orderkit.payments.payment import Payment, PaymentState
from orderkit.payments.ports import OrderSteps, PaymentsUnitOfWork
from orderkit.payments.verifier import PaymentVerifier, why

__all__ = ["OrderPayments"]


class OrderPayments:
    """Books a payment's change on its order, inside the caller's unit of work.

    Args:
        context: The shop's shared parts.
        verifier: Fires the order's commands where the workflow allows them.
        orders: The order service whose policy says what a failure does;
            without it, orders' amounts follow but their state does not.
    """

    def __init__(
        self,
        context: ServiceContext[PaymentsUnitOfWork],
        verifier: PaymentVerifier,
        orders: OrderSteps | None,
    ) -> None:
        self._context = context
        self._verifier = verifier
        self._orders = orders

    def fail(self, uow: PaymentsUnitOfWork, payment: Payment, code: str | None) -> None:
        """The payment failed (refused, or rejected by the checks): record it and say so."""
        payment.fail()
        self._context.record(
            uow, PaymentFailed, aggregate_id=payment.id, order_id=payment.order_id, code=code
        )

    def sync(self, uow: PaymentsUnitOfWork, payment: Payment) -> None:
        """Set the order's amounts to the sum of its payments (this one as it is now).

        An order waiting for payment that its payments now cover moves on; one
        whose payment failed is held, cancelled or left waiting per policy.
        """
        order = uow.orders.get(payment.order_id)
        payments = [p for p in uow.payments.for_order(order.id) if p.id != payment.id]
        payments.append(payment)
        currency = order.currency
        order.authorised = Money.sum((p.authorised - p.released for p in payments), currency)
        order.captured = Money.sum((p.captured for p in payments), currency)
        order.refunded = Money.sum((p.refunded for p in payments), currency)
        if self._orders is not None and order.state == OrderState.AWAITING_PAYMENT:
            self._react(uow, self._orders, order, payment, payments)
        uow.orders.save(order)

    def follow_refund(self, uow: PaymentsUnitOfWork, order_id: str, reason: str) -> None:
        """Move an order whose payments were refunded in full to ``refunded``, where it may go.

        Only when something was captured and all of it came back, and only
        from a state the workflow lets ``refund`` leave (delivered, returned);
        a cancelled order keeps its state and shows ``refunded`` as its
        payment status.
        """
        order = uow.orders.get(order_id)
        if order.captured.amount <= 0 or order.refunded < order.captured:
            return
        if self._verifier.fire(uow, order, "refund", reason):
            uow.orders.save(order)

    def _react(
        self,
        uow: PaymentsUnitOfWork,
        orders: OrderSteps,
        order: Order,
        payment: Payment,
        payments: list[Payment],
    ) -> None:
        """Move an order waiting for payment on: secured, or held or cancelled after a failure."""
        if payment.state is PaymentState.FAILED:
            policy = orders.policy.on_payment_failure
            if payment.rejected_by_checks:
                hold_reason = HoldReason.FRAUD_REVIEW
                why_failed = why(payment.decisions[-1])
            else:
                hold_reason = HoldReason.PAYMENT_REVIEW
                code = payment.exchanges[-1].code if payment.exchanges else None
                why_failed = code or "refused"
            reason = f"payment {payment.id} failed ({why_failed})"
            if policy == "hold":
                self._verifier.fire(uow, order, "hold", f"{hold_reason.value}: {reason}")
            elif policy == "cancel":
                self._verifier.fire(uow, order, "cancel", reason)
        elif not any(other.under_review for other in payments):
            self._verifier.fire(uow, order, "secure_payment", f"payment {payment.id}")
