"""Store credit and gift cards: accounts whose balance never goes below zero, and their ledger.

An account holds money the shop owes a customer: a gift card someone bought,
or credit given instead of a refund. Paying with it works like a card: an
authorisation *holds* the amount (the balance drops at once, so two checkouts
cannot spend the same credit), a capture takes what was held, and a void or a
final capture *releases* the rest back to the balance. Every change is a
:class:`CreditEntry` kept under its idempotency key, so a repeated request
changes nothing.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Protocol

import attrs

from orderkit.core.checks import aware, code
from orderkit.core.currencies import validate_currency
from orderkit.core.money import Money
from orderkit.errors import CurrencyMismatch, InvalidAmount, ValidationError

__all__ = [
    "CreditAccount",
    "CreditAccountRepository",
    "CreditEntry",
    "CreditEntryKind",
    "CreditKind",
    "HeldCredit",
]


class CreditKind(enum.StrEnum):
    """What an account is."""

    GIFT_CARD = "gift_card"
    """Bought (or given away) as a card with a code; anyone holding the code may spend it."""
    STORE_CREDIT = "store_credit"
    """Owed to one customer, typically instead of a refund."""


class CreditEntryKind(enum.StrEnum):
    """What one ledger entry did to an account."""

    ISSUE = "issue"
    """Money put on the account (a gift card sold, credit given); the balance grows."""
    HOLD = "hold"
    """An authorisation: the balance drops by the amount held."""
    CAPTURE = "capture"
    """Part of a hold taken for good; the balance does not change."""
    RELEASE = "release"
    """What was left of a hold given back; the balance grows."""
    REFUND = "refund"
    """Captured money paid back onto the account; the balance grows."""

    @property
    def sign(self) -> int:
        """How the entry moves the balance: -1, 0 or +1 times its amount."""
        return {CreditEntryKind.HOLD: -1, CreditEntryKind.CAPTURE: 0}.get(self, 1)


def _kind(value: object) -> CreditKind:
    try:
        return CreditKind(str(value))
    except ValueError:
        raise ValidationError("kind", value, "must be gift_card or store_credit") from None


def _entry_kind(value: object) -> CreditEntryKind:
    return CreditEntryKind(str(value))


@attrs.frozen
class CreditEntry:
    """One change to an account, kept under the idempotency key of the request that made it.

    Attributes:
        key: The idempotency key; a ledger holds each key once.
        account_id: The account changed.
        kind: What the entry did.
        amount: How much, always positive (captures: how much of the hold was taken).
        balance_after: The account's balance right after it.
        at: When.
        reference: The hold a capture, release or refund belongs to (the hold's key).
        note: Why, in words (an order number, a refund's reason).
    """

    key: str
    account_id: str
    kind: CreditEntryKind = attrs.field(converter=_entry_kind)
    amount: Money
    balance_after: Money
    at: datetime
    reference: str | None = None
    note: str | None = None


def _zero_balance(account: CreditAccount) -> Money:
    return Money.zero(account.currency)


@attrs.define(eq=False)
class CreditAccount:
    """A gift card or a customer's store credit, and what is left on it.

    Attributes:
        id: The account's code (the gift card's code, or one the shop chose).
        currency: The account's currency; it pays only orders in it.
        kind: A gift card or store credit.
        created_at: When it was opened.
        balance: What may still be spent; never below zero.
        customer_id: The customer it belongs to, for store credit.
        expires_at: After this nothing more can be spent; ``None`` for never.
        version: The stored version, for optimistic concurrency.

    Raises:
        ValidationError: A malformed code, kind or time.
        InvalidAmount: A negative balance.
    """

    id: str = attrs.field(validator=code())
    currency: str = attrs.field(converter=validate_currency)
    kind: CreditKind = attrs.field(converter=_kind)
    created_at: datetime = attrs.field(validator=aware())
    balance: Money = attrs.field(default=attrs.Factory(_zero_balance, takes_self=True))
    customer_id: str | None = None
    expires_at: datetime | None = None
    version: int = 0

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.balance, Money) or self.balance.currency != self.currency:
            raise InvalidAmount("balance", self.balance, f"give a Money in {self.currency}")
        if self.balance.amount < 0:
            raise InvalidAmount("balance", self.balance, "a balance is never negative")

    def expired(self, now: datetime) -> bool:
        """Whether nothing more can be spent."""
        return self.expires_at is not None and now >= self.expires_at

    def issue(self, amount: Money) -> None:
        """Put ``amount`` on the account (a gift card's value, credit for a refund).

        Raises:
            CurrencyMismatch: ``amount`` is in another currency.
            InvalidAmount: ``amount`` is not positive.
        """
        if amount.currency != self.currency:
            raise CurrencyMismatch("amount", self.currency, amount.currency)
        self.give(amount)

    def same_issue(self, entry: CreditEntry, amount: Money) -> bool:
        """Whether ``entry`` is the issue of ``amount`` on this account (a retried request)."""
        return (entry.kind, entry.account_id, entry.amount) == (
            CreditEntryKind.ISSUE,
            self.id,
            amount,
        )

    def take(self, amount: Money) -> None:
        """Lower the balance by ``amount`` (a hold).

        Raises:
            InvalidAmount: Not positive, or more than the balance.
            CurrencyMismatch: Another currency than the account's.
        """
        self._check(amount)
        if amount > self.balance:
            raise InvalidAmount("amount", amount, f"only {self.balance} is left on {self.id}")
        self.balance -= amount

    def give(self, amount: Money) -> None:
        """Raise the balance by ``amount`` (an issue, a release, a refund)."""
        self._check(amount)
        self.balance += amount

    def _check(self, amount: Money) -> None:
        if not isinstance(amount, Money):
            raise InvalidAmount("amount", amount, "give a Money")
        if amount.currency != self.currency:
            raise CurrencyMismatch("amount", self.currency, amount.currency)
        if amount.amount <= 0:
            raise InvalidAmount("amount", amount, "must be positive")


class CreditAccountRepository(Protocol):
    """Protocol: store-credit accounts and their ledger inside one unit of work."""

    def add(self, account: CreditAccount) -> None:
        """Store a new account (version 0 becomes 1).

        Raises:
            AlreadyExists: An account with that code is stored.
        """
        ...

    def save(self, account: CreditAccount) -> None:
        """Store a changed account if its stored version is the one it was loaded at.

        Raises:
            ConcurrencyConflict: Someone else saved it since.
            CreditAccountNotFound: It was never added.
        """
        ...

    def get(self, account_id: str) -> CreditAccount:
        """Return the account with code ``account_id`` (locked in a write unit of work).

        Raises:
            CreditAccountNotFound: No account has that code.
        """
        ...

    def record(self, entry: CreditEntry) -> bool:
        """Append ``entry`` to the ledger unless its key is taken; say whether it was."""
        ...

    def entry(self, key: str) -> CreditEntry | None:
        """Return the entry kept under ``key``, or ``None``."""
        ...

    def entries(self, account_id: str, limit: int) -> list[CreditEntry]:
        """Return the account's ``limit`` latest entries, newest first."""
        ...

    def for_reference(self, reference: str) -> list[CreditEntry]:
        """Return the hold ``reference`` and its captures, releases and refunds, oldest first."""
        ...


class HeldCredit:
    """A hold on a credit account and what followed it (captures, releases, refunds), summed up."""

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
