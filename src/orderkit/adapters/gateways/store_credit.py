"""The payment gateway of gift cards and store credit, on the shop's own store."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from orderkit.core.context import ServiceContext, retried
from orderkit.core.money import Money
from orderkit.errors import CreditAccountNotFound, WebhookRejected
from orderkit.payments.gateway import GatewayNotification, GatewayOutcome, GatewayResult
from orderkit.store_credit.accounts import CreditAccount, CreditEntry, CreditEntryKind, HeldCredit
from orderkit.store_credit.ports import StoreCreditUnitOfWork, book_credit

__all__ = ["StoreCreditGateway"]


class StoreCreditGateway:
    """The payment gateway of gift cards and store credit, on the shop's own store.

    Every shop has one, named ``store_credit``; pay with it by naming it:
    ``shop.payments.authorise(order, amount, "GIFT-0001", key=..., gateway="store_credit",
    method="store_credit")``. The ``source`` is the account's code.

    Declines: ``unknown_account``, ``currency_mismatch``, ``expired_card``,
    ``insufficient_funds``; captures and refunds beyond what was held or
    taken: ``amount_too_large``. Each request is answered once per key.
    """

    name = "store_credit"

    def __init__(self, context: ServiceContext[StoreCreditUnitOfWork]) -> None:
        self._context = context

    @retried
    def authorise(
        self, amount: Money, source: str, *, key: str, metadata: Mapping[str, str]
    ) -> GatewayResult:
        """Hold ``amount`` on the account ``source``: its balance drops at once."""
        context = self._context
        with context.store.unit_of_work() as uow:
            try:
                account: CreditAccount | None = uow.credit_accounts.get(source)
            except CreditAccountNotFound:
                account = None
            # Read the ledger after the account is locked: a concurrent retry
            # of this key has then either written its entry or not begun.
            done = uow.credit_accounts.entry(key)
            if done is not None:
                return _answer(done)
            if account is None:
                return _declined(key, "unknown_account")
            now = context.clock.now()
            if account.currency != amount.currency:
                return _declined(key, "currency_mismatch")
            if account.expired(now):
                return _declined(key, "expired_card")
            if amount > account.balance:
                return _declined(key, "insufficient_funds", f"{account.balance} left")
            account.take(amount)
            note = metadata.get("order_id")
            entry = book_credit(uow, account, key, CreditEntryKind.HOLD, amount, now, key, note)
            uow.credit_accounts.save(account)
            uow.commit()
        return _answer(entry)

    @retried
    def capture(self, reference: str, amount: Money, *, key: str, final: bool) -> GatewayResult:
        """Take ``amount`` of the hold ``reference``; ``final`` releases the rest."""
        context = self._context
        with context.store.unit_of_work() as uow:
            done = uow.credit_accounts.entry(key)
            if done is not None:
                return _answer(done)
            held = HeldCredit(uow.credit_accounts.for_reference(reference))
            if not held.entries or amount > held.left:
                return _declined(reference, "amount_too_large")
            account = uow.credit_accounts.get(held.account_id)
            now = context.clock.now()
            entry = book_credit(
                uow, account, key, CreditEntryKind.CAPTURE, amount, now, reference, None
            )
            rest = held.left - amount
            if final and rest.amount:
                account.give(rest)
                book_credit(
                    uow, account, f"{key}:rest", CreditEntryKind.RELEASE, rest, now, reference, None
                )
                uow.credit_accounts.save(account)
            uow.commit()
        return _answer(entry)

    @retried
    def void(self, reference: str, *, key: str) -> GatewayResult:
        """Give what is left of the hold ``reference`` back to the balance."""
        context = self._context
        with context.store.unit_of_work() as uow:
            done = uow.credit_accounts.entry(key)
            if done is not None:
                return _answer(done)
            held = HeldCredit(uow.credit_accounts.for_reference(reference))
            if not held.entries or not held.left.amount:
                return GatewayResult(GatewayOutcome.NOT_FOUND, reference)
            account = uow.credit_accounts.get(held.account_id)
            account.give(held.left)
            now = context.clock.now()
            entry = book_credit(
                uow, account, key, CreditEntryKind.RELEASE, held.left, now, reference, None
            )
            uow.credit_accounts.save(account)
            uow.commit()
        return _answer(entry)

    @retried
    def refund(self, reference: str, amount: Money, *, key: str) -> GatewayResult:
        """Pay ``amount`` of what the hold ``reference`` took back onto the account."""
        context = self._context
        with context.store.unit_of_work() as uow:
            done = uow.credit_accounts.entry(key)
            if done is not None:
                return _answer(done)
            held = HeldCredit(uow.credit_accounts.for_reference(reference))
            if not held.entries or amount > held.refundable:
                return _declined(reference, "amount_too_large")
            account = uow.credit_accounts.get(held.account_id)
            account.give(amount)
            now = context.clock.now()
            entry = book_credit(
                uow, account, key, CreditEntryKind.REFUND, amount, now, reference, None
            )
            uow.credit_accounts.save(account)
            uow.commit()
        return _answer(entry)

    def status(self, key: str) -> GatewayResult:
        """The answer to the request sent with ``key``; not found if it changed nothing."""
        with self._context.store.unit_of_work(readonly=True) as uow:
            done = uow.credit_accounts.entry(key)
        return GatewayResult(GatewayOutcome.NOT_FOUND) if done is None else _answer(done)

    def parse_notification(self, signature: str, body: bytes, now: datetime) -> GatewayNotification:
        """Store credit sends no webhooks: every one is rejected."""
        raise WebhookRejected("the store_credit gateway sends no webhooks")


def _answer(entry: CreditEntry) -> GatewayResult:
    return GatewayResult(
        GatewayOutcome.APPROVED,
        reference=entry.reference or entry.key,
        amount=entry.amount,
        message=f"{entry.kind.value} on {entry.account_id}, {entry.balance_after} left",
    )


def _declined(reference: str, code: str, message: str | None = None) -> GatewayResult:
    return GatewayResult(GatewayOutcome.DECLINED, reference, code=code, message=message)
