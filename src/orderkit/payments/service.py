"""``shop.payments``: every payment use case, each carried out by the service whose one job it is.

- :class:`~orderkit.payments.charge_service.ChargeService`: authorise,
  capture, void and refund single payments; webhooks, lost answers, lapses.
- :class:`~orderkit.payments.refund_service.RefundService`: refund orders
  by lines or amount across their payments.
- :class:`~orderkit.payments.review_service.ReviewService`: a person's
  decision on a payment under review.
- :class:`~orderkit.payments.statement_service.StatementService`: bank
  statements booked on the transfers that wait for them.
- :class:`~orderkit.payments.reconciliation_service.ReconciliationService`:
  what does not match between payments and goods.

Every call that reaches a gateway carries an idempotency key. The key, the
request's fingerprint and the payment are stored before the gateway is asked,
in a unit of work of their own; the gateway's answer is recorded in a second
one. In between no transaction is open, so a slow provider holds no lock. If
the process dies or the answer is lost in between, the payment keeps the
request as pending and ``resolve`` (or a retry with the same key) asks the
gateway what became of it, by the same key, so nothing is charged twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from orderkit.core.context import ServiceContext
from orderkit.errors import ConfigurationError
from orderkit.payments.charge_service import ChargeService
from orderkit.payments.gateway import PaymentGateway
from orderkit.payments.gateway_registry import GatewayRegistry
from orderkit.payments.order_payments import OrderPayments
from orderkit.payments.ports import OrderSteps, PaymentsUnitOfWork
from orderkit.payments.reconciliation_service import ReconciliationService
from orderkit.payments.refund_service import RefundService
from orderkit.payments.refunds import CreditNoteIssuer
from orderkit.payments.review_service import ReviewService
from orderkit.payments.statement_service import StatementService
from orderkit.payments.verification import VerificationPipeline
from orderkit.payments.verifier import PaymentVerifier

__all__ = ["PaymentService"]


class PaymentService:
    """Take, capture, give back and refund an order's payments through gateways.

    Reach it as ``shop.payments``; give the shop its gateways with
    ``Shop(gateways=[...])``. Each method is the method of the same name of
    the service that carries it out (see the module's list), so its
    documentation is there.

    Args:
        context: The shop's shared parts.
        gateways: The gateways payments can go through, by their ``name``.
            The first is the default, used when a call names none.
        builtin: Gateways the shop always has (``store_credit``); one of
            ``gateways`` with the same name replaces it. Never the default.
        credit_notes: The documents hook called with each refund that went
            through (:class:`~orderkit.payments.CreditNoteIssuer`).
        authorisation_window: How long an authorisation holds before it lapses.
        orders: Moves orders along: when payments come to cover an order
            waiting for payment, its ``secure_payment`` command is fired (if the
            shop's workflow has it) in the same unit of work; a failure holds
            or cancels it as the order policy says.
        verification: The checks run before authorisation and before capture
            (:class:`~orderkit.payments.VerificationPipeline`); none by default.
        allow_overpayment: Let authorisations take more than an order's open
            balance unless a call says otherwise; off by default.

    Raises:
        ConfigurationError: A gateway, the checks, the hook or the window
            cannot be used.

    Attributes:
        charges: Authorise, capture, void, refund single payments.
        refunding: Refund orders by lines or amount.
        reviews: A person's decisions on payments under review.
        statements: Bank statements booked on transfers.
        reconciling: Payments against goods.
    """

    def __init__(
        self,
        context: ServiceContext[PaymentsUnitOfWork],
        gateways: Iterable[PaymentGateway] = (),
        *,
        authorisation_window: timedelta = timedelta(days=7),
        orders: OrderSteps | None = None,
        verification: VerificationPipeline | None = None,
        builtin: Iterable[PaymentGateway] = (),
        credit_notes: CreditNoteIssuer | None = None,
        allow_overpayment: bool = False,
    ) -> None:
        if verification is not None and not isinstance(verification, VerificationPipeline):
            raise ConfigurationError(
                "verification", verification, "must be a VerificationPipeline or None"
            )
        registry = GatewayRegistry(gateways, builtin)
        verifier = PaymentVerifier(context, verification, orders)
        bookkeeping = OrderPayments(context, verifier, orders)
        self.charges = ChargeService(
            context,
            registry,
            verifier,
            bookkeeping,
            authorisation_window=authorisation_window,
            allow_overpayment=allow_overpayment,
        )
        self.refunding = RefundService(context, self.charges, bookkeeping, credit_notes)
        self.reviews = ReviewService(context, verifier, bookkeeping, self.charges)
        self.statements = StatementService(context, registry, bookkeeping)
        self.reconciling = ReconciliationService(context)

        self.authorisation_window = self.charges.authorisation_window
        self.authorise = self.charges.authorise
        self.capture = self.charges.capture
        self.cash_collected = self.charges.cash_collected
        self.void = self.charges.void
        self.refund = self.charges.refund
        self.resolve = self.charges.resolve
        self.notify = self.charges.notify
        self.expire_due = self.charges.expire_due
        self.gateway = self.charges.gateway
        self.get = self.charges.get
        self.for_order = self.charges.for_order
        self.for_orders = self.charges.for_orders
        self.refund_order = self.refunding.refund_order
        self.refunds = self.refunding.refunds
        self.refunds_for_orders = self.refunding.refunds_for_orders
        self.approve_review = self.reviews.approve_review
        self.reject_review = self.reviews.reject_review
        self.import_statement = self.statements.import_statement
        self.reconciliation = self.reconciling.reconciliation
