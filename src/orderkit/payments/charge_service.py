"""Charging single payments through gateways: authorise, capture, void, refund — each once.

Every call carries an idempotency key. The key, the request's fingerprint and
the payment are stored before the gateway is asked, in a unit of work of their
own; the gateway's answer is recorded in a second one. In between no
transaction is open, so a slow provider holds no lock. If the process dies or
the answer is lost in between, the payment keeps the request as pending and
:meth:`ChargeService.resolve` (or a retry with the same key) asks the gateway
what became of it — by the same key, so nothing is charged twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import timedelta

from orderkit.core.access import reads, writes
from orderkit.core.checks import require_limit, require_text
from orderkit.core.context import ServiceContext, retried
from orderkit.core.money import Money
from orderkit.errors import (
    ConfigurationError,
    CurrencyMismatch,
    InvalidAmount,
    PaymentDeclined,
    PaymentError,
    PaymentUnderReview,
    ValidationError,
)
from orderkit.lifecycle.ports import OrderRef, OrderState, load_order, order_ids
from orderkit.payments.answers import (
    REFUSALS,
    REJECTED,
    exchange,
    raise_if_refused,
)
from orderkit.payments.balance import OrderBalance
from orderkit.payments.events import (
    PaymentAuthorised,
    PaymentCaptured,
    PaymentExpired,
    PaymentRefunded,
    PaymentVoided,
)
from orderkit.payments.gateway import (
    GatewayNotification,
    GatewayOutcome,
    GatewayResult,
    GatewayTimeout,
    PaymentGateway,
)
from orderkit.payments.gateway_registry import GatewayRegistry
from orderkit.payments.idempotency import check_same, claim_request, request_fingerprint
from orderkit.payments.methods import PaymentMethod
from orderkit.payments.order_payments import OrderPayments
from orderkit.payments.payment import Payment, PaymentState, PendingOperation
from orderkit.payments.ports import PaymentsUnitOfWork
from orderkit.payments.repository import IdempotencyRecord
from orderkit.payments.verification import (
    PaymentSignals,
    Verdict,
    VerificationDecision,
    VerificationStage,
)
from orderkit.payments.verifier import (
    PaymentVerifier,
    effective,
    why,
)

__all__ = ["ChargeService"]

_GATEWAY_REQUESTS = frozenset({"authorise", "capture", "void", "refund"})
_BOOKED = {"capture": PaymentCaptured, "void": PaymentVoided, "refund": PaymentRefunded}


class ChargeService:
    """Authorise, capture, void and refund single payments through their gateways.

    It also takes in the gateways' webhooks, asks them what became of lost
    answers, and lets authorisations lapse; ``shop.payments`` hands its
    calls here.

    Args:
        context: The shop's shared parts.
        gateways: The shop's gateways.
        verifier: The checks run before authorisation and before capture.
        bookkeeping: Keeps each order's amounts and state in step with its payments.
        authorisation_window: How long an authorisation holds before it lapses.
        allow_overpayment: Whether authorisations may take more than the
            order's open balance unless a call says otherwise.

    Raises:
        ConfigurationError: The window is not a positive timedelta.
    """

    def __init__(
        self,
        context: ServiceContext[PaymentsUnitOfWork],
        gateways: GatewayRegistry,
        verifier: PaymentVerifier,
        bookkeeping: OrderPayments,
        *,
        authorisation_window: timedelta = timedelta(days=7),
        allow_overpayment: bool = False,
    ) -> None:
        if not isinstance(authorisation_window, timedelta) or authorisation_window <= timedelta(0):
            raise ConfigurationError(
                "authorisation_window", authorisation_window, "must be a positive timedelta"
            )
        self._context = context
        self._gateways = gateways
        self._verifier = verifier
        self._bookkeeping = bookkeeping
        self.authorisation_window = authorisation_window
        self.allow_overpayment = allow_overpayment

    # -- authorise -------------------------------------------------------------------

    @writes("payments.authorise")
    def authorise(
        self,
        order: OrderRef,
        amount: Money,
        source: str,
        *,
        key: str,
        gateway: str | None = None,
        method: str = "card",
        signals: PaymentSignals | None = None,
        allow_overpayment: bool | None = None,
    ) -> Payment:
        """Authorise ``amount`` of an order on the customer's ``source``.

        The order's open balance bounds it: its grand total less what its
        live payments already hold (refunds give room back). A payment over
        it is refused before the gateway is asked, checked under the order's
        lock, so racing checkouts cannot take more than the order costs.

        Returns the payment: ``authorised``; ``requires_action`` (send the
        customer to ``action_url``, then call :meth:`resolve`); or ``pending``
        when the gateway's answer was lost (call :meth:`resolve` later). The
        same call with the same key returns the same payment and never charges
        twice.

        The shop's verification checks run first. A reject refuses the payment
        without asking the gateway (the order is held or cancelled per
        ``OrderPolicy.on_payment_failure``); a review lets the authorisation go
        ahead and puts the order on hold for a fraud review.

        Args:
            order: The order, by id, number or as loaded.
            amount: How much to authorise, in the order's currency.
            source: The customer's card token, account or voucher code.
            key: The idempotency key; a retry must send the same one.
            gateway: The gateway's name; the shop's first gateway by default.
            method: How the customer pays (``card``, ``wallet``, ...).
            signals: What the checkout knows of the payer, for the checks.
            allow_overpayment: Take more than the open balance on purpose (a
                tip, a weight-priced line authorised high); the shop's
                ``allow_overpayment`` setting by default. The order then
                shows as ``overpaid`` once more is captured than it costs.

        Raises:
            PaymentDeclined: The gateway or the checks refused (the failed
                payment is stored, with the answer and the decision on it;
                ``code`` is ``"verification_rejected"`` for the checks).
            IdempotencyConflict: ``key`` was used for a different request.
            BalanceExceeded: ``amount`` is more than the order's open balance.
            CurrencyMismatch: ``amount`` is not in the order's currency.
            InvalidAmount, ValidationError: Malformed input; nothing changes.
            OrderNotFound: No such order.
        """
        key = require_text(key, "key")
        source = require_text(source, "source")
        method = require_text(method, "method", 40)
        name, adapter = self._gateways.named(gateway)
        if not isinstance(amount, Money) or amount.amount <= 0:
            raise InvalidAmount("amount", amount, "give a positive Money")
        if signals is None:
            signals = PaymentSignals()
        elif not isinstance(signals, PaymentSignals):
            raise ValidationError("signals", signals, "must be PaymentSignals or None")
        if allow_overpayment is None:
            allow_overpayment = self.allow_overpayment
        elif not isinstance(allow_overpayment, bool):
            raise ValidationError(
                "allow_overpayment", allow_overpayment, "must be True, False or None"
            )
        payment = self._open(
            order, amount, source, key, name, method, signals, overpay=allow_overpayment
        )
        if payment.state is not PaymentState.PENDING:
            raise_if_refused(payment, key)
            return payment
        try:
            result: GatewayResult | None = adapter.authorise(
                amount,
                source,
                key=key,
                metadata={"order_id": payment.order_id, "payment_id": payment.id},
            )
        except GatewayTimeout:
            result = None
        payment = self._record_authorisation(payment.id, result)
        raise_if_refused(payment, key)
        return payment

    @retried
    def _open(
        self,
        order: OrderRef,
        amount: Money,
        source: str,
        key: str,
        gateway: str,
        method: str,
        signals: PaymentSignals,
        *,
        overpay: bool,
    ) -> Payment:
        context = self._context
        with context.store.unit_of_work() as uow:
            loaded = load_order(uow, order)
            if amount.currency != loaded.currency:
                raise CurrencyMismatch("amount", loaded.currency, amount.currency)
            request: dict[str, object] = {
                "order": loaded.id,
                "amount": amount,
                "source": source,
                "gateway": gateway,
                "method": method,
            }
            if overpay:
                request["overpay"] = True  # absent otherwise: earlier keys keep their fingerprint
            fingerprint = request_fingerprint("authorise", request)
            now = context.clock.now()
            payment_id = context.ids.new()
            record = IdempotencyRecord(key, "authorise", fingerprint, payment_id, now)
            existing = claim_request(uow.idempotency_keys, record)
            if existing is not None:
                return uow.payments.get(existing.payment_id)
            if not overpay:
                paid_so_far = uow.payments.held_for_order(loaded.id)
                OrderBalance.of(loaded.id, loaded.grand_total, paid_so_far).check_authorisation(
                    amount
                )
            payment = Payment(
                id=payment_id,
                order_id=loaded.id,
                method=method,
                gateway=gateway,
                key=key,
                amount=amount,
                created_at=now,
                signals=signals,
                overpayment_allowed=overpay,
            )
            decision = self._verifier.decide(
                uow, VerificationStage.AUTHORISE, loaded, payment, amount
            )
            verdict = effective(decision, payment)
            if verdict is Verdict.REJECT:
                self._bookkeeping.fail(uow, payment, REJECTED)
            uow.payments.add(payment)
            if verdict is Verdict.REJECT:
                self._bookkeeping.sync(uow, payment)
            elif verdict is Verdict.REVIEW:
                assert decision is not None
                if self._verifier.hold(uow, loaded, decision):
                    uow.orders.save(loaded)
            uow.commit()
        return payment

    @retried
    def _record_authorisation(self, payment_id: str, result: GatewayResult | None) -> Payment:
        with self._context.store.unit_of_work() as uow:
            payment = uow.payments.get(payment_id)
            if self._apply_authorisation(uow, payment, result):
                uow.commit()
        return payment

    def _apply_authorisation(
        self, uow: PaymentsUnitOfWork, payment: Payment, result: GatewayResult | None
    ) -> bool:
        """Record the gateway's answer to the authorisation; False if it came too late.

        Once the payment has left ``pending`` and ``requires_action``, a later
        answer (a retry's, a webhook's "processing") changes nothing.
        """
        if payment.state not in {PaymentState.PENDING, PaymentState.REQUIRES_ACTION}:
            return False
        context = self._context
        now = context.clock.now()
        payment.record(exchange("authorise", payment.key, payment.amount, result, now))
        outcome = None if result is None else result.outcome
        if result is not None and outcome is GatewayOutcome.APPROVED:
            authorised = result.amount or payment.amount
            payment.authorise(
                authorised, result.reference or payment.id, now + self.authorisation_window
            )
            context.record(
                uow,
                PaymentAuthorised,
                aggregate_id=payment.id,
                order_id=payment.order_id,
                amount=authorised,
            )
        elif result is not None and outcome is GatewayOutcome.PENDING:
            if result.reference and payment.state is PaymentState.PENDING:
                payment.await_funds(result.reference)  # a transfer: the money comes later
        elif result is not None and outcome is GatewayOutcome.REQUIRES_ACTION:
            if payment.state is PaymentState.PENDING:
                payment.require_action(result.reference or payment.id, result.action_url)
        elif result is not None and outcome in REFUSALS:
            self._bookkeeping.fail(uow, payment, result.code)
        self._bookkeeping.sync(uow, payment)
        uow.payments.save(payment)
        return True

    # -- capture, void, refund ---------------------------------------------------------

    @writes("payments.capture")
    def capture(
        self, payment_id: str, amount: Money | None = None, *, key: str, final: bool = False
    ) -> Payment:
        """Take ``amount`` (all that is left by default) of an authorised payment.

        ``final`` gives the rest of the authorisation back to the customer.

        Raises:
            PaymentDeclined: The gateway refused; nothing was captured.
            InvalidAmount: More than is left to capture, or not positive.
            BalanceExceeded: The order's payments would take more than it
                costs (unless the payment was authorised with
                ``allow_overpayment=True``).
            PaymentError: The payment is not authorised.
            IdempotencyConflict: ``key`` was used for a different request.
        """
        return self._operate("capture", payment_id, amount, key, final=final)

    @writes("payments.capture")
    def cash_collected(self, order: OrderRef, *, key: str) -> list[Payment]:
        """The courier confirmed the delivery and the cash: capture the order's cash payments.

        Captures, in full and as final, every authorised payment of the order
        whose method is ``cash_on_delivery`` (through
        :class:`~orderkit.adapters.gateways.CashOnDeliveryGateway` or a
        courier's own gateway). ``key`` makes the confirmation idempotent:
        each payment's capture carries ``"{key}:{payment id}"``.

        Returns:
            The cash payments, as they are now.

        Raises:
            PaymentError: The order has no cash payment to capture.
        """
        key = require_text(key, "key")
        with self._context.store.unit_of_work(readonly=True) as uow:
            order_id = load_order(uow, order).id
            cash = [
                payment
                for payment in uow.payments.for_order(order_id)
                if payment.method == PaymentMethod.CASH_ON_DELIVERY.value
                and payment.state
                in {PaymentState.AUTHORISED, PaymentState.PARTIALLY_CAPTURED, PaymentState.CAPTURED}
            ]
        if not cash:
            raise PaymentError(order_id, "the order has no cash-on-delivery payment to capture")
        collected = []
        for payment in cash:
            capture_key = f"{key}:{payment.id}"
            already = any(exchange.key == capture_key for exchange in payment.exchanges)
            if payment.state is PaymentState.CAPTURED and not already:
                collected.append(payment)  # collected before, under another confirmation
            else:
                collected.append(self.capture(payment.id, key=capture_key, final=True))
        return collected

    @writes("payments.void")
    def void(self, payment_id: str, *, key: str) -> Payment:
        """Give back what is left of an authorisation.

        Raises:
            PaymentDeclined: The gateway refused.
            PaymentError: Nothing is left to give back.
            IdempotencyConflict: ``key`` was used for a different request.
        """
        return self._operate("void", payment_id, None, key)

    @writes("payments.refund")
    def refund(self, payment_id: str, amount: Money, *, key: str) -> Payment:
        """Pay back ``amount`` of what was captured.

        Two refunds racing each other never pay back more than was captured:
        each counts against the bound before the gateway is asked.

        Raises:
            PaymentDeclined: The gateway refused; nothing was refunded.
            InvalidAmount: More than is left to refund, or not positive.
            PaymentError: Nothing was captured.
            IdempotencyConflict: ``key`` was used for a different request.
        """
        if not isinstance(amount, Money):
            raise InvalidAmount("amount", amount, "give a Money")
        return self._operate("refund", payment_id, amount, key)

    def _operate(
        self,
        operation: str,
        payment_id: str,
        amount: Money | None,
        key: str,
        *,
        final: bool = False,
    ) -> Payment:
        key = require_text(key, "key")
        payment_id = require_text(payment_id, "payment_id")
        if amount is not None and not isinstance(amount, Money):
            raise InvalidAmount("amount", amount, "give a Money or None")
        if not isinstance(final, bool):
            raise ValidationError("final", final, "must be True or False")
        fingerprint = request_fingerprint(
            operation, {"payment": payment_id, "amount": amount, "final": final}
        )
        payment, pending, refusal = self._begin(
            operation, payment_id, amount, key, fingerprint, final
        )
        if refusal is not None:
            self._refused_by_checks(payment, refusal, key)
        if pending is None:  # answered before: the first answer stands
            raise_if_refused(payment, key)
            return payment
        _, adapter = self._gateways.named(payment.gateway)
        reference = payment.reference or payment.id
        try:
            if operation == "capture":
                result: GatewayResult | None = adapter.capture(
                    reference, pending.amount, key=key, final=pending.final
                )
            elif operation == "void":
                result = adapter.void(reference, key=key)
            else:
                result = adapter.refund(reference, pending.amount, key=key)
        except GatewayTimeout:
            result = None
        payment = self._finish(payment.id, key, result)
        raise_if_refused(payment, key)
        return payment

    @retried
    def _begin(
        self,
        operation: str,
        payment_id: str,
        amount: Money | None,
        key: str,
        fingerprint: str,
        final: bool,
    ) -> tuple[Payment, PendingOperation | None, VerificationDecision | None]:
        """Claim the key and count the operation against its bound, once the checks allow it.

        A capture the checks refuse claims nothing: the same key may be used
        again once a person cleared the payment.
        """
        context = self._context
        with context.store.unit_of_work() as uow:
            payment = uow.payments.get(payment_id)
            record = IdempotencyRecord(key, operation, fingerprint, payment.id, context.clock.now())
            existing = uow.idempotency_keys.get(key)
            if existing is None and operation == "capture":
                refusal = self._verifier.check_capture(uow, payment, amount)
                if refusal is not None:
                    uow.commit()
                    return payment, None, refusal
            if existing is None:
                existing = claim_request(uow.idempotency_keys, record)
            else:
                check_same(existing, record)
            if existing is not None:
                return payment, payment.pending_operation(key), None
            pending = payment.begin(operation, key, amount, final=final)
            if operation == "capture" and not payment.overpayment_allowed:
                self._check_capture(uow, payment.order_id, pending.amount)
            uow.payments.save(payment)
            uow.commit()
        return payment, pending, None

    @staticmethod
    def _check_capture(uow: PaymentsUnitOfWork, order_id: str, amount: Money) -> None:
        """Refuse a capture that would take more than the order costs, under its lock.

        The stored payments are read, so the capture being begun counts once.
        """
        order = uow.orders.get(order_id)
        taken = uow.payments.held_for_order(order.id)
        balance = OrderBalance.of(order.id, order.grand_total, taken)
        balance.check_capture(amount)

    def _refused_by_checks(
        self, payment: Payment, decision: VerificationDecision, key: str
    ) -> None:
        """Raise for a capture the checks refused; a reject of a cancelled order voids it."""
        if decision.verdict is Verdict.REJECT:
            if self.get(payment.id).capturable.amount and self._order_cancelled(payment):
                self.void(payment.id, key=f"{key}:void")
            raise PaymentDeclined(
                payment.order_id,
                payment.id,
                REJECTED,
                f"the checks rejected the capture: {why(decision)}",
            )
        raise PaymentUnderReview(payment.order_id, payment.id, decision.reasons)

    def _order_cancelled(self, payment: Payment) -> bool:
        with self._context.store.unit_of_work(readonly=True) as uow:
            return uow.orders.get(payment.order_id).state == OrderState.CANCELLED

    @retried
    def _finish(self, payment_id: str, key: str, result: GatewayResult | None) -> Payment:
        with self._context.store.unit_of_work() as uow:
            payment = uow.payments.get(payment_id)
            if self._apply_answer(uow, payment, key, result):
                uow.commit()
        return payment

    def _apply_answer(
        self, uow: PaymentsUnitOfWork, payment: Payment, key: str, result: GatewayResult | None
    ) -> bool:
        """Record the answer to the pending operation ``key``; False if none is pending."""
        pending = payment.pending_operation(key)
        if pending is None:
            return False  # answered already: by a retry, a webhook or resolve()
        context = self._context
        payment.record(
            exchange(pending.operation, key, pending.amount, result, context.clock.now())
        )
        if result is not None and result.outcome is not GatewayOutcome.PENDING:
            booked = result.outcome is GatewayOutcome.APPROVED
            payment.finish(key, succeeded=booked)
            if booked:
                fields = {"final": pending.final} if pending.operation == "capture" else {}
                context.record(
                    uow,
                    _BOOKED[pending.operation],
                    aggregate_id=payment.id,
                    order_id=payment.order_id,
                    amount=pending.amount,
                    **fields,
                )
            self._bookkeeping.sync(uow, payment)
        uow.payments.save(payment)
        return True

    # -- afterwards ------------------------------------------------------------------

    @writes("payments.resolve")
    def resolve(self, payment_id: str) -> Payment:
        """Ask the gateway what became of everything the payment still waits for.

        After a timeout, a crash between the gateway's answer and its record,
        or the customer's 3-D Secure: the authorisation and every pending
        capture, void or refund are asked about by their idempotency keys.
        """
        payment = self.get(payment_id)
        _, adapter = self._gateways.named(payment.gateway)
        if payment.state in {PaymentState.PENDING, PaymentState.REQUIRES_ACTION}:
            answer = adapter.status(payment.key)
            if answer.outcome is not GatewayOutcome.REQUIRES_ACTION:
                payment = self._record_authorisation(payment.id, answer)
        for pending in list(payment.pending):
            payment = self._finish(payment.id, pending.key, adapter.status(pending.key))
        return payment

    @writes("payments.notify")
    def notify(self, gateway: str, signature: str, body: bytes) -> Payment | None:
        """Take in a provider's webhook: verify it, then record what it says, once.

        Pass the signature header and the raw body as they arrived. A webhook
        delivered again (the same event id) changes nothing; one that arrives
        after a later answer (a "processing" after "succeeded") changes nothing
        either; one about a request orderkit never sent is ignored.

        Returns:
            The payment it is about, or ``None`` if orderkit knows no such request.

        Raises:
            WebhookRejected: The signature, the age or the body does not hold;
                nothing was recorded (answer the provider with an error status).
        """
        name, adapter = self._gateways.named(gateway)
        if not isinstance(body, bytes):
            raise ValidationError("body", body, "give the raw request body as bytes")
        notice = adapter.parse_notification(signature, body, self._context.clock.now())
        return self._take_notification(name, notice, body)

    @retried
    def _take_notification(
        self, gateway: str, notice: GatewayNotification, body: bytes
    ) -> Payment | None:
        context = self._context
        with context.store.unit_of_work() as uow:
            request = uow.idempotency_keys.get(notice.key)
            if request is None or request.operation not in _GATEWAY_REQUESTS:
                return None  # not a request orderkit sent to a gateway
            payment = uow.payments.get(request.payment_id)
            event = IdempotencyRecord(
                f"event:{gateway}:{notice.event_id}",
                "notification",
                hashlib.sha256(body).hexdigest(),
                payment.id,
                context.clock.now(),
            )
            if uow.idempotency_keys.claim(event) is not None:
                return payment  # delivered before
            if notice.key == payment.key:
                self._apply_authorisation(uow, payment, notice.result)
            else:
                self._apply_answer(uow, payment, notice.key, notice.result)
            uow.commit()
        return payment

    @writes("payments.expire")
    @retried
    def expire_due(self, limit: int = 100) -> list[Payment]:
        """Let uncaptured authorisations lapse once their window is over.

        The provider lets them lapse on its side too; nothing is sent to it.
        Run this from a scheduler, as often as the window needs.

        Returns:
            The payments that expired now, soonest first.

        Raises:
            ValidationError: ``limit`` is not a positive int.
        """
        require_limit(limit)
        context = self._context
        expired = []
        with context.store.unit_of_work() as uow:
            now = context.clock.now()
            for payment in uow.payments.expiring(now, limit):
                if payment.expire(now):
                    context.record(
                        uow,
                        PaymentExpired,
                        aggregate_id=payment.id,
                        order_id=payment.order_id,
                        amount=payment.released,
                    )
                    self._bookkeeping.sync(uow, payment)
                    uow.payments.save(payment)
                    expired.append(payment)
            uow.commit()
        return expired

    @reads("payments.read")
    def gateway(self, name: str) -> PaymentGateway:
        """Return the gateway called ``name`` (``store_credit`` is always there).

        Raises:
            ValidationError: The shop has no gateway of that name.
        """
        return self._gateways.named(require_text(name, "name"))[1]

    @reads("payments.read")
    def get(self, payment_id: str) -> Payment:
        """Return a payment.

        Raises:
            PaymentNotFound: No payment has that id.
        """
        with self._context.store.unit_of_work(readonly=True) as uow:
            return uow.payments.get(require_text(payment_id, "payment_id"))

    @reads("payments.read")
    def for_order(self, order: OrderRef) -> list[Payment]:
        """Return an order's payments, oldest first."""
        with self._context.store.unit_of_work(readonly=True) as uow:
            return uow.payments.for_order(load_order(uow, order).id)

    @reads("payments.read")
    def for_orders(self, orders: Iterable[OrderRef]) -> dict[str, list[Payment]]:
        """The payments of many orders in one read, oldest first, by order id.

        For reports and notebooks: one unit of work instead of one per order.

        Raises:
            OrderNotFound: An order is unknown; nothing is returned.
            ValidationError: ``orders`` is not a list of orders.
        """
        with self._context.store.unit_of_work(readonly=True) as uow:
            return {
                order_id: uow.payments.for_order(order_id) for order_id in order_ids(uow, orders)
            }
