"""Importing a bank statement: each incoming line booked once, on the payment it names."""

from __future__ import annotations

import hashlib
import re

from orderkit.core.access import writes
from orderkit.core.checks import require_text
from orderkit.core.context import ServiceContext, retried
from orderkit.core.money import Money
from orderkit.payments.bank_statement import (
    StatementFormat,
    StatementLine,
    StatementMatch,
    StatementReconciliation,
    read_statement,
)
from orderkit.payments.creditor_reference import find_creditor_references
from orderkit.payments.events import PaymentCaptured
from orderkit.payments.gateway_registry import GatewayRegistry
from orderkit.payments.order_payments import OrderPayments
from orderkit.payments.payment import GatewayExchange, Payment
from orderkit.payments.ports import PaymentsUnitOfWork
from orderkit.payments.repository import IdempotencyRecord

__all__ = ["StatementService"]

_TOKENS = re.compile(r"[^\s,;:/]+")


class StatementService:
    """Books the incoming lines of bank statements on the transfers that wait for them.

    ``shop.payments`` hands its calls here.

    Args:
        context: The shop's shared parts.
        gateways: The shop's gateways (the statement names one).
        bookkeeping: Brings an order's amounts and state up to date with a
            payment, inside the unit of work.
    """

    def __init__(
        self,
        context: ServiceContext[PaymentsUnitOfWork],
        gateways: GatewayRegistry,
        bookkeeping: OrderPayments,
    ) -> None:
        self._context = context
        self._gateways = gateways
        self._bookkeeping = bookkeeping

    @writes("payments.import_statement")
    def import_statement(
        self,
        statement: str,
        *,
        gateway: str = "bank_transfer",
        statement_format: StatementFormat | None = None,
    ) -> StatementReconciliation:
        """Book the money on a bank statement on the transfers that wait for it.

        Each incoming line is matched by the reference in its purpose text
        (an ISO 11649 ``RF`` reference, even with spaces or run into other
        words; else any word of it) to a payment of ``gateway``, and booked:
        up to what the payment still awaits; more is reported as overpaid,
        less as underpaid (a second transfer may complete it). An order whose
        payments now cover it moves on. A line is booked once however often
        the statement is imported.

        Args:
            statement: The bank's CSV export, as text.
            gateway: The gateway whose payments the references name.
            statement_format: The CSV's columns, date and number format.

        Raises:
            ValidationError: A malformed row or a missing column; nothing is booked.
        """
        name, _ = self._gateways.named(require_text(gateway, "gateway"))
        return self._run(statement, name, statement_format)

    def _run(
        self, statement: str, gateway: str, statement_format: StatementFormat | None
    ) -> StatementReconciliation:
        """Read the whole statement first (a bad row changes nothing), then book line by line."""
        lines = read_statement(statement, statement_format)
        matched: list[StatementMatch] = []
        unmatched: list[StatementLine] = []
        again: list[StatementLine] = []
        outgoing: list[StatementLine] = []
        for line in lines:
            if line.amount.amount <= 0:
                outgoing.append(line)
                continue
            found, match = self._book(gateway, line)
            if match is not None:
                matched.append(match)
            elif found:
                again.append(line)
            else:
                unmatched.append(line)
        return StatementReconciliation(
            tuple(matched), tuple(unmatched), tuple(again), tuple(outgoing)
        )

    @retried
    def _book(self, gateway: str, line: StatementLine) -> tuple[bool, StatementMatch | None]:
        """Book one line; say whether it names a payment, and what was booked now."""
        context = self._context
        with context.store.unit_of_work() as uow:
            payment = _named_payment(uow, gateway, line.text)
            if payment is None:
                return False, None
            now = context.clock.now()
            key = f"statement:{gateway}:{line.line_id}"
            fingerprint = hashlib.sha256(
                f"{line.booked_on}|{line.amount}|{line.text}".encode()
            ).hexdigest()
            record = IdempotencyRecord(key, "statement", fingerprint, payment.id, now)
            if uow.idempotency_keys.claim(record) is not None:
                return True, None
            booked = _receivable(payment, line.amount)
            if booked.amount:
                payment.receive(booked)
                context.record(
                    uow,
                    PaymentCaptured,
                    aggregate_id=payment.id,
                    order_id=payment.order_id,
                    amount=booked,
                )
            payment.record(
                GatewayExchange(
                    "receive",
                    key,
                    line.amount,
                    "approved" if booked.amount else "unexpected",
                    payment.reference,
                    None,
                    f"statement row {line.row}, {line.booked_on}: {line.text}",
                    now,
                )
            )
            uow.payments.save(payment)
            if booked.amount:
                self._bookkeeping.sync(uow, payment)
            uow.commit()
        excess = line.amount - booked if booked.amount else line.amount
        return True, StatementMatch(
            line, payment.id, payment.order_id, booked, payment.outstanding, excess
        )


def _named_payment(uow: PaymentsUnitOfWork, gateway: str, text: str) -> Payment | None:
    """The payment the purpose text names: a creditor reference first, then any word of it."""
    candidates = [*find_creditor_references(text), *_TOKENS.findall(text), text.strip()]
    tried: set[str] = set()
    for candidate in candidates:
        if not candidate or candidate in tried:
            continue
        tried.add(candidate)
        found = uow.payments.by_reference(gateway, candidate)
        if found:
            waiting = [payment for payment in found if payment.outstanding.amount]
            return (waiting or found)[0]
    return None


def _receivable(payment: Payment, amount: Money) -> Money:
    """How much of ``amount`` the payment can take: up to what it still awaits, if it waits."""
    waiting = payment.receivable
    if amount.currency != waiting.currency:
        return Money.zero(waiting.currency)
    return min(amount, waiting)
