"""Gift cards and store credit: issue them, read their balances, and pay with them.

Reach it as ``shop.store_credit``. Paying goes through ``shop.payments`` with
the ``store_credit`` gateway every shop has (:class:`StoreCreditGateway`), so
a gift card is one more tender of a split payment, with the same idempotency,
audit trail and bounds as a card.
"""

from __future__ import annotations

from datetime import datetime

from orderkit.core.access import reads, writes
from orderkit.core.checks import require_aware, require_code, require_limit, require_text
from orderkit.core.context import ServiceContext, retried
from orderkit.core.money import Money
from orderkit.errors import (
    InvalidAmount,
    InvalidTime,
)
from orderkit.store_credit.accounts import CreditAccount, CreditEntry, CreditKind
from orderkit.store_credit.ports import StoreCreditUnitOfWork, credit_within

__all__ = ["StoreCreditService"]


class StoreCreditService:
    """Issue gift cards and store credit, and read what is left on them.

    Args:
        context: The shop's shared parts.
    """

    def __init__(self, context: ServiceContext[StoreCreditUnitOfWork]) -> None:
        self._context = context

    @writes("store_credit.issue")
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
            CustomerNotFound: ``customer_id`` names nobody.
            InvalidTime: ``expires_at`` is naive or not in the future.
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
        now = context.clock.now()
        if expires_at is not None and require_aware(expires_at, "expires_at") <= now:
            raise InvalidTime("expires_at", expires_at, "is not in the future")
        with context.store.unit_of_work() as uow:
            if customer_id is not None:
                uow.customers.get(customer_id)  # raises CustomerNotFound
            account = credit_within(
                uow,
                account_id,
                amount,
                key=key,
                now=now,
                kind=kind,
                customer_id=customer_id,
                expires_at=expires_at,
                note=note,
            )
            uow.commit()
        return account

    @reads("store_credit.read")
    def get(self, account_id: str) -> CreditAccount:
        """Return an account.

        Raises:
            CreditAccountNotFound: No account has that code.
        """
        with self._context.store.unit_of_work(readonly=True) as uow:
            return uow.credit_accounts.get(require_code(account_id, "account_id"))

    @reads("store_credit.read")
    def balance(self, account_id: str) -> Money:
        """What may still be spent on an account."""
        return self.get(account_id).balance

    @reads("store_credit.read")
    def entries(self, account_id: str, limit: int = 100) -> list[CreditEntry]:
        """The account's latest ledger entries, newest first.

        Raises:
            CreditAccountNotFound: No account has that code.
            ValidationError: ``limit`` is not an int from 1 to 10000.
        """
        require_limit(limit)
        with self._context.store.unit_of_work(readonly=True) as uow:
            account = uow.credit_accounts.get(require_code(account_id, "account_id"))
            return uow.credit_accounts.entries(account.id, limit)
