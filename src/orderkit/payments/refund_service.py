"""Refunding an order: value what is paid back, spread it over the payments, pay it, note it."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterable, Mapping

from orderkit.core.access import reads, writes
from orderkit.core.checks import parse_enum, require_code, require_text
from orderkit.core.context import ServiceContext, retried
from orderkit.core.money import Money
from orderkit.errors import (
    ConfigurationError,
    CreditAccountNotFound,
    CurrencyMismatch,
    InvalidAmount,
    PaymentError,
    ValidationError,
)
from orderkit.lifecycle.ports import Order, OrderRef, load_order, order_ids
from orderkit.payments.charge_service import ChargeService
from orderkit.payments.events import PaymentRefunded, RefundIssued
from orderkit.payments.idempotency import claim_request, request_fingerprint
from orderkit.payments.order_payments import OrderPayments
from orderkit.payments.payment import GatewayExchange
from orderkit.payments.ports import PaymentsUnitOfWork
from orderkit.payments.refunds import (
    CreditNoteIssuer,
    Refund,
    RefundDestination,
    RefundLine,
    RefundPart,
    RefundState,
    refund_lines,
    shipping_left,
    spread_amount,
    spread_over_payments,
)
from orderkit.payments.repository import IdempotencyRecord
from orderkit.store_credit.ports import CreditKind, credit_within

__all__ = ["RefundService"]


class RefundService:
    """Refund orders by lines or by amount, across their payments.

    ``shop.payments`` hands its calls here.

    Args:
        context: The shop's shared parts.
        charges: Pays each part back through the payment's gateway.
        bookkeeping: Keeps each order's amounts and state in step with its payments.
        credit_notes: The documents hook called with each refund that went through.

    Raises:
        ConfigurationError: ``credit_notes`` is not callable.
    """

    def __init__(
        self,
        context: ServiceContext[PaymentsUnitOfWork],
        charges: ChargeService,
        bookkeeping: OrderPayments,
        credit_notes: CreditNoteIssuer | None,
    ) -> None:
        if credit_notes is not None and not callable(credit_notes):
            raise ConfigurationError(
                "credit_notes", credit_notes, "must be callable(order, refund)"
            )
        self._context = context
        self._charges = charges
        self._bookkeeping = bookkeeping
        self._credit_notes = credit_notes

    @writes("payments.refund")
    def refund_order(
        self,
        order: OrderRef,
        *,
        key: str,
        lines: Mapping[str, int] | None = None,
        amount: Money | None = None,
        shipping: bool | Money = False,
        to: RefundDestination | str = RefundDestination.ORIGINAL,
        credit_account: str | None = None,
        reason: str | None = None,
        withhold: Money | None = None,
    ) -> Refund:
        """Refund units of lines, or an amount, and shipping if asked, across the order's payments.

        A refund of lines pays back what those units cost (their share of
        discounts taken off, tax included), counted so that refunding a
        line's units one at a time adds up to refunding them at once; units
        refunded before cannot be refunded again. A refund of an amount is
        spread over the lines for the credit note. The total is taken from the
        payments in proportion to what each can still refund, and never
        exceeds what was captured and not yet refunded.

        ``to="store_credit"`` pays it onto a store-credit account
        (``credit_account``, by default ``"credit-{customer id}"``, opened if
        new) at once, in the same unit of work as the payment's record.

        When every part is answered, the shop's credit-note hook is called
        and :class:`~orderkit.payments.RefundIssued` is recorded. The same
        key returns the same refund (a part whose answer was lost is asked
        about again); a part the gateway refused stays refused: refund it
        again under a new key.

        Args:
            order: The order, by id, number or as loaded.
            key: The idempotency key of the whole refund.
            lines: ``{sku: units}`` to refund.
            amount: An amount to refund instead of lines.
            shipping: ``True`` for all the shipping left, or a part of it.
            to: ``"original"`` (the payments' own gateways) or ``"store_credit"``.
            credit_account: The store-credit account, for ``to="store_credit"``.
            reason: Why, for the credit note and the audit trail.
            withhold: An amount kept back of what the lines and shipping are
                worth (a restocking fee, the return postage); the units still
                count as refunded. Never more than they are worth.

        Raises:
            InvalidAmount: More than the payments can refund, or a bad amount.
            InvalidQuantity: More units of a line than are left to refund.
            ValidationError: Nothing to refund, an unknown SKU, lines and an
                amount together, or a malformed argument.
            IdempotencyConflict: ``key`` was used for a different request.
        """
        key = require_text(key, "key")
        destination = parse_enum(RefundDestination, to, "to")
        if lines is not None and not isinstance(lines, Mapping):
            raise ValidationError("lines", lines, "give {sku: units}")
        if lines is not None and amount is not None:
            raise ValidationError("amount", amount, "refund lines or an amount, not both")
        if amount is not None and (not isinstance(amount, Money) or amount.amount <= 0):
            raise InvalidAmount("amount", amount, "give a positive Money")
        if not isinstance(shipping, bool | Money):
            raise ValidationError("shipping", shipping, "give True, False or a Money")
        if credit_account is not None:
            credit_account = require_code(credit_account, "credit_account")
            if destination is not RefundDestination.STORE_CREDIT:
                raise ValidationError(
                    "credit_account", credit_account, "only for to='store_credit'"
                )
        reason = None if reason is None else require_text(reason, "reason", 500)
        if withhold is not None and (not isinstance(withhold, Money) or withhold.amount < 0):
            raise InvalidAmount("withhold", withhold, "give a Money of zero or more")
        request: dict[str, object] = {
            "withhold": withhold,
            "lines": dict(lines) if lines is not None else None,
            "amount": amount,
            "shipping": shipping,
            "to": destination.value,
            "credit_account": credit_account,
        }
        refund = self._open(order, key, request, reason)
        for part in refund.parts:
            if part.state == "pending":
                self._pay(refund, part)
        return self._close(refund.id)

    @reads("payments.read")
    def refunds(self, order: OrderRef) -> list[Refund]:
        """Return an order's refunds, oldest first."""
        with self._context.store.unit_of_work(readonly=True) as uow:
            return uow.refunds.for_order(load_order(uow, order).id)

    @reads("payments.read")
    def refunds_for_orders(self, orders: Iterable[OrderRef]) -> dict[str, list[Refund]]:
        """The refunds of many orders in one read, oldest first, by order id.

        Raises:
            OrderNotFound: An order is unknown; nothing is returned.
            ValidationError: ``orders`` is not a list of orders.
        """
        with self._context.store.unit_of_work(readonly=True) as uow:
            return {
                order_id: uow.refunds.for_order(order_id) for order_id in order_ids(uow, orders)
            }

    # -- opening -------------------------------------------------------------------

    @retried
    def _open(
        self, order: OrderRef, key: str, request: dict[str, object], reason: str | None
    ) -> Refund:
        context = self._context
        with context.store.unit_of_work() as uow:
            loaded = load_order(uow, order)
            fingerprint = request_fingerprint("refund_order", {"order": loaded.id, **request})
            refund_id = context.ids.new()
            now = context.clock.now()
            record = IdempotencyRecord(key, "refund_order", fingerprint, refund_id, now)
            existing = claim_request(uow.idempotency_keys, record)
            if existing is not None:
                return uow.refunds.get(existing.payment_id)
            refund = self._value(uow, loaded, key, refund_id, request, reason)
            uow.refunds.add(refund)
            uow.commit()
        return refund

    def _value(
        self,
        uow: PaymentsUnitOfWork,
        order: Order,
        key: str,
        refund_id: str,
        request: dict[str, object],
        reason: str | None,
    ) -> Refund:
        """Work out what is paid back and by which payment; raise if it cannot be."""
        earlier = [r for r in uow.refunds.for_order(order.id) if r.state is not RefundState.FAILED]
        zero = Money.zero(order.currency)
        lines_asked = request["lines"]
        amount_asked = request["amount"]
        if isinstance(amount_asked, Money) and amount_asked.currency != order.currency:
            raise CurrencyMismatch("amount", order.currency, amount_asked.currency)
        if lines_asked is not None:
            assert isinstance(lines_asked, dict)
            units: Counter[str] = Counter()
            for earlier_refund in earlier:
                for line in earlier_refund.lines:
                    units[line.sku] += line.quantity
            lines: tuple[RefundLine, ...] = refund_lines(order, lines_asked, units)
        elif isinstance(amount_asked, Money):
            lines = spread_amount(order, amount_asked)
        else:
            lines = ()
        shipping = _shipping(order, request["shipping"], earlier)
        worth = Money.sum((line.amount for line in lines), order.currency) + shipping
        withheld = request["withhold"]
        if isinstance(withheld, Money):
            if withheld.currency != order.currency:
                raise CurrencyMismatch("withhold", order.currency, withheld.currency)
            if withheld >= worth:
                raise InvalidAmount("withhold", withheld, f"the refund is worth {worth}")
        else:
            withheld = zero
        total = worth - withheld
        if not total.amount:
            raise ValidationError(
                "lines", request["lines"], "nothing to refund: name lines, an amount or shipping"
            )
        payments = uow.payments.for_order(order.id)
        shares = spread_over_payments(total, {p.id: p.refundable for p in payments})
        destination = RefundDestination(str(request["to"]))
        account = request["credit_account"]
        if destination is RefundDestination.STORE_CREDIT:
            account = account or f"credit-{order.customer_id}"
            _check_credit_account(uow, str(account), order.currency)
        parts = [
            RefundPart(payment_id, share, f"{key}:{payment_id}")
            for payment_id, share in shares.items()
        ]
        return Refund(
            id=refund_id,
            order_id=order.id,
            key=key,
            amount=total,
            lines=lines,
            shipping=shipping if shipping.amount else zero,
            destination=destination,
            created_at=self._context.clock.now(),
            parts=parts,
            credit_account=None if account is None else str(account),
            reason=reason,
            withheld=withheld if withheld.amount else None,
        )

    # -- paying ----------------------------------------------------------------------

    def _pay(self, refund: Refund, part: RefundPart) -> None:
        """Pay one part; its outcome is read back from the payment when the refund closes."""
        if refund.destination is RefundDestination.STORE_CREDIT:
            self._to_store_credit(refund, part)
            return
        # A refusal stays in the payment's audit trail, where _settle reads it.
        with contextlib.suppress(PaymentError, InvalidAmount):
            self._charges.refund(part.payment_id, part.amount, key=part.key)

    @retried
    def _to_store_credit(self, refund: Refund, part: RefundPart) -> None:
        context = self._context
        with context.store.unit_of_work() as uow:
            payment = uow.payments.get(part.payment_id)
            if any(exchange.key == part.key for exchange in payment.exchanges):
                return  # paid on an earlier attempt
            order = uow.orders.get(refund.order_id)
            account = refund.credit_account or f"credit-{order.customer_id}"
            now = context.clock.now()
            try:
                payment.begin("refund", part.key, part.amount)
            except (PaymentError, InvalidAmount) as refused:
                payment.record(
                    GatewayExchange(
                        "refund",
                        part.key,
                        part.amount,
                        "declined",
                        account,
                        "not_refundable",
                        str(refused),
                        now,
                    )
                )
                uow.payments.save(payment)
                uow.commit()
                return
            payment.finish(part.key, succeeded=True)
            payment.record(
                GatewayExchange(
                    "refund",
                    part.key,
                    part.amount,
                    "approved",
                    account,
                    None,
                    f"to store credit {account}",
                    now,
                )
            )
            credit_within(
                uow,
                account,
                part.amount,
                key=part.key,
                now=now,
                kind=CreditKind.STORE_CREDIT,
                customer_id=order.customer_id,
                note=f"refund {refund.id} of order {order.number}",
            )
            context.record(
                uow,
                PaymentRefunded,
                aggregate_id=payment.id,
                order_id=payment.order_id,
                amount=part.amount,
            )
            uow.payments.save(payment)
            self._bookkeeping.sync(uow, payment)
            uow.commit()

    # -- closing -------------------------------------------------------------------

    def _close(self, refund_id: str) -> Refund:
        refund = self._settle(refund_id)
        if refund.state is RefundState.PENDING or refund.issued_at is not None:
            return refund
        number = None
        if self._credit_notes is not None and refund.refunded.amount:
            with self._context.store.unit_of_work(readonly=True) as uow:
                order = uow.orders.get(refund.order_id)
            number = self._credit_notes(order, refund)
            if number is not None and not isinstance(number, str):
                raise ValidationError("credit_note", number, "the hook returns a str or None")
        return self._issue(refund_id, number)

    @retried
    def _settle(self, refund_id: str) -> Refund:
        """Read each pending part's outcome from its payment's audit trail."""
        with self._context.store.unit_of_work() as uow:
            refund = uow.refunds.get(refund_id)
            changed = False
            for part in refund.parts:
                if part.state != "pending":
                    continue
                payment = uow.payments.get(part.payment_id)
                if payment.pending_operation(part.key) is not None:
                    continue  # the gateway's answer is not in yet
                answer = next((e for e in reversed(payment.exchanges) if e.key == part.key), None)
                if answer is None and refund.destination is RefundDestination.ORIGINAL:
                    refund.settle(part.key, "failed", "not_refundable")
                elif answer is not None:
                    booked = answer.outcome == "approved"
                    refund.settle(part.key, "refunded" if booked else "failed", answer.code)
                else:
                    continue
                changed = True
            if changed:
                uow.refunds.save(refund)
                uow.commit()
        return refund

    @retried
    def _issue(self, refund_id: str, number: str | None) -> Refund:
        context = self._context
        with context.store.unit_of_work() as uow:
            refund = uow.refunds.get(refund_id)
            if refund.issued_at is not None:
                return refund
            refund.credit_note = number
            refund.issued_at = context.clock.now()
            if refund.refunded.amount:  # a refund every gateway refused announces nothing
                context.record(
                    uow,
                    RefundIssued,
                    aggregate_id=refund.id,
                    order_id=refund.order_id,
                    amount=refund.refunded,
                    destination=refund.destination.value,
                    credit_note=number,
                )
                self._bookkeeping.follow_refund(uow, refund.order_id, f"refund {refund.id}")
            uow.refunds.save(refund)
            uow.commit()
        return refund


def _shipping(order: Order, asked: object, earlier: list[Refund]) -> Money:
    """The shipping to pay back: all that is left of it, a given part, or none."""
    zero = Money.zero(order.currency)
    if asked is False:
        return zero
    left = shipping_left(order, earlier)
    if asked is True:
        if not left.amount:
            raise ValidationError("shipping", asked, "no shipping is left to refund")
        return left
    assert isinstance(asked, Money)
    if asked.currency != order.currency:
        raise CurrencyMismatch("shipping", order.currency, asked.currency)
    if asked.amount <= 0 or asked > left:
        raise InvalidAmount("shipping", asked, f"{left} of shipping is left to refund")
    return asked


def _check_credit_account(uow: PaymentsUnitOfWork, account_id: str, currency: str) -> None:
    try:
        account = uow.credit_accounts.get(account_id)
    except CreditAccountNotFound:
        return
    if account.currency != currency:
        raise CurrencyMismatch("credit_account", account.currency, currency)
