"""Gift cards and store credit: issue them, read their balances, and pay with them.

Reach it as ``shop.store_credit``. Paying goes through ``shop.payments`` with
the ``store_credit`` gateway every shop has (:class:`StoreCreditGateway`), so
a gift card is one more tender of a split payment, with the same idempotency,
audit trail and bounds as a card.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from orderkit._checks import require_code, require_text
from orderkit.errors import (
    CreditAccountNotFound,
    CurrencyMismatch,
    IdempotencyConflict,
    InvalidAmount,
    ValidationError,
    WebhookRejected,
)
from orderkit.money import Money
from orderkit.payments.gateway import GatewayNotification, GatewayOutcome, GatewayResult
from orderkit.payments.store_credit import CreditAccount, CreditEntry, CreditEntryKind, CreditKind
from orderkit.services.context import ServiceContext, retried
from orderkit.storage import UnitOfWork

__all__ = ["StoreCreditGateway", "StoreCreditService", "credit_within"]


class StoreCreditService:
    """Issue gift cards and store credit, and read what is left on them.

    Args:
        context: The shop's shared parts.
    """

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    @retried
    def issue(
        self,
        account_id: str,
        amount: Money,
        *,
        key: str,
        kind: CreditKind | str = CreditKind.GIFT_CARD,
        customer_id: str | None = None,
        expires_at: datetime | None = None,
        note: str | None = None,
    ) -> CreditAccount:
        """Put ``amount`` on an account, opening it if it is new.

        A gift card sold, a goodwill credit, a refund given as credit. The same
        ``key`` again changes nothing and returns the account as it is.

        Raises:
            InvalidAmount: ``amount`` is not a positive Money.
            CurrencyMismatch: The account exists in another currency.
            IdempotencyConflict: ``key`` was used for another entry.
            ValidationError: A malformed code, kind, customer or time.
        """
        account_id = require_code(account_id, "account_id")
        key = require_text(key, "key")
        if not isinstance(amount, Money) or amount.amount <= 0:
            raise InvalidAmount("amount", amount, "give a positive Money")
        if customer_id is not None:
            customer_id = require_code(customer_id, "customer_id")
        note = None if note is None else require_text(note, "note", 500)
        context = self._context
        with context.store.unit_of_work() as uow:
            account = credit_within(
                uow,
                account_id,
                amount,
                key=key,
                now=context.clock.now(),
                kind=kind,
                customer_id=customer_id,
                expires_at=expires_at,
                note=note,
            )
            uow.commit()
        return account

    def get(self, account_id: str) -> CreditAccount:
        """Return an account.

        Raises:
            CreditAccountNotFound: No account has that code.
        """
        with self._context.store.unit_of_work(readonly=True) as uow:
            return uow.credit_accounts.get(require_code(account_id, "account_id"))

    def balance(self, account_id: str) -> Money:
        """What may still be spent on an account."""
        return self.get(account_id).balance

    def entries(self, account_id: str, limit: int = 100) -> list[CreditEntry]:
        """The account's latest ledger entries, newest first.

        Raises:
            CreditAccountNotFound: No account has that code.
            ValidationError: ``limit`` is not an int from 1 to 10000.
        """
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 10_000:
            raise ValidationError("limit", limit, "must be an int from 1 to 10000")
        with self._context.store.unit_of_work(readonly=True) as uow:
            account = uow.credit_accounts.get(require_code(account_id, "account_id"))
            return uow.credit_accounts.entries(account.id, limit)


def credit_within(
    uow: UnitOfWork,
    account_id: str,
    amount: Money,
    *,
    key: str,
    now: datetime,
    kind: CreditKind | str = CreditKind.GIFT_CARD,
    customer_id: str | None = None,
    expires_at: datetime | None = None,
    note: str | None = None,
) -> CreditAccount:
    """Put ``amount`` on an account inside the caller's unit of work, opening it if new.

    A key already in the ledger for the same account and amount changes nothing.

    Raises:
        CurrencyMismatch: The account exists in another currency.
        IdempotencyConflict: ``key`` was used for another entry.
    """
    done = uow.credit_accounts.entry(key)
    if done is not None:
        if (done.kind, done.account_id, done.amount) != (CreditEntryKind.ISSUE, account_id, amount):
            raise IdempotencyConflict(key, done.kind.value)
        return uow.credit_accounts.get(account_id)
    try:
        account = uow.credit_accounts.get(account_id)
        fresh = False
    except CreditAccountNotFound:
        account = CreditAccount(
            id=account_id,
            currency=amount.currency,
            kind=kind,
            created_at=now,
            customer_id=customer_id,
            expires_at=expires_at,
        )
        fresh = True
    if amount.currency != account.currency:
        raise CurrencyMismatch("amount", account.currency, amount.currency)
    account.give(amount)
    _book(uow, account, key, CreditEntryKind.ISSUE, amount, now, None, note)
    if fresh:
        uow.credit_accounts.add(account)
    else:
        uow.credit_accounts.save(account)
    return account


def _book(
    uow: UnitOfWork,
    account: CreditAccount,
    key: str,
    kind: CreditEntryKind,
    amount: Money,
    at: datetime,
    reference: str | None,
    note: str | None,
) -> CreditEntry:
    entry = CreditEntry(key, account.id, kind, amount, account.balance, at, reference, note)
    if not uow.credit_accounts.record(entry):
        raise IdempotencyConflict(key, kind.value)
    return entry


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

    def __init__(self, context: ServiceContext) -> None:
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
            entry = _book(uow, account, key, CreditEntryKind.HOLD, amount, now, key, note)
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
            held = _Hold(uow.credit_accounts.for_reference(reference))
            if not held.entries or amount > held.left:
                return _declined(reference, "amount_too_large")
            account = uow.credit_accounts.get(held.account_id)
            now = context.clock.now()
            entry = _book(uow, account, key, CreditEntryKind.CAPTURE, amount, now, reference, None)
            rest = held.left - amount
            if final and rest.amount:
                account.give(rest)
                _book(
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
            held = _Hold(uow.credit_accounts.for_reference(reference))
            if not held.entries or not held.left.amount:
                return GatewayResult(GatewayOutcome.NOT_FOUND, reference)
            account = uow.credit_accounts.get(held.account_id)
            account.give(held.left)
            now = context.clock.now()
            entry = _book(
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
            held = _Hold(uow.credit_accounts.for_reference(reference))
            if not held.entries or amount > held.refundable:
                return _declined(reference, "amount_too_large")
            account = uow.credit_accounts.get(held.account_id)
            account.give(amount)
            now = context.clock.now()
            entry = _book(uow, account, key, CreditEntryKind.REFUND, amount, now, reference, None)
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


class _Hold:
    """A hold and what followed it, summed up."""

    def __init__(self, entries: list[CreditEntry]) -> None:
        self.entries = entries
        if not entries:
            return
        self.account_id = entries[0].account_id
        currency = entries[0].amount.currency

        def total(kind: CreditEntryKind) -> Money:
            return Money.sum((e.amount for e in entries if e.kind is kind), currency)

        captured = total(CreditEntryKind.CAPTURE)
        self.left = total(CreditEntryKind.HOLD) - captured - total(CreditEntryKind.RELEASE)
        self.refundable = captured - total(CreditEntryKind.REFUND)


def _answer(entry: CreditEntry) -> GatewayResult:
    return GatewayResult(
        GatewayOutcome.APPROVED,
        reference=entry.reference or entry.key,
        amount=entry.amount,
        message=f"{entry.kind.value} on {entry.account_id}, {entry.balance_after} left",
    )


def _declined(reference: str, code: str, message: str | None = None) -> GatewayResult:
    return GatewayResult(GatewayOutcome.DECLINED, reference, code=code, message=message)
