"""What gift cards and store credit need from a store, and what other capabilities may use of it."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from orderkit.core.money import Money
from orderkit.customers.ports import CustomersUnitOfWork
from orderkit.errors import CreditAccountNotFound, IdempotencyConflict
from orderkit.store_credit.accounts import (
    CreditAccount,
    CreditAccountRepository,
    CreditEntry,
    CreditEntryKind,
    CreditKind,
)

__all__ = [
    "CreditAccountRepository",
    "CreditKind",
    "StoreCreditUnitOfWork",
    "book_credit",
    "credit_within",
]


class StoreCreditUnitOfWork(CustomersUnitOfWork, Protocol):
    """Protocol: a unit of work with the credit accounts, their ledger and their owners."""

    @property
    def credit_accounts(self) -> CreditAccountRepository:
        """Gift cards, store credit and their ledger in this transaction."""
        ...


def credit_within(
    uow: StoreCreditUnitOfWork,
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
    if done is not None:
        if not account.same_issue(done, amount):
            raise IdempotencyConflict(key, done.kind.value)
        return account
    account.issue(amount)
    book_credit(uow, account, key, CreditEntryKind.ISSUE, amount, now, None, note)
    if fresh:
        uow.credit_accounts.add(account)
    else:
        uow.credit_accounts.save(account)
    return account


def book_credit(
    uow: StoreCreditUnitOfWork,
    account: CreditAccount,
    key: str,
    kind: CreditEntryKind,
    amount: Money,
    at: datetime,
    reference: str | None,
    note: str | None,
) -> CreditEntry:
    """Write one ledger entry for ``account`` under ``key``.

    Raises:
        IdempotencyConflict: ``key`` is already in the ledger.
    """
    entry = CreditEntry(key, account.id, kind, amount, account.balance, at, reference, note)
    if not uow.credit_accounts.record(entry):
        raise IdempotencyConflict(key, kind.value)
    return entry
