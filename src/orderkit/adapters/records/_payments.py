"""Record repositories of payments, their idempotency keys, refunds and store credit."""

from __future__ import annotations

from datetime import datetime

import cattrs

from orderkit.adapters._decoded import DecodedView
from orderkit.adapters.records._tables import Counters, DocumentTable, VersionedRecords, moment
from orderkit.adapters.records.port import RecordTransaction
from orderkit.errors import (
    CreditAccountNotFound,
    InvalidAmount,
    PaymentNotFound,
    RefundNotFound,
    StorageError,
)
from orderkit.payments.payment import Payment, PaymentState
from orderkit.payments.refunds import Refund
from orderkit.payments.repository import IdempotencyRecord
from orderkit.payments.verification import SIGNALS, normalise_signal
from orderkit.store_credit.accounts import CreditAccount, CreditEntry

__all__ = ["RecordCreditAccounts", "RecordIdempotencyKeys", "RecordPayments", "RecordRefunds"]


def _signals(payment: Payment) -> list[tuple[str, str, str]]:
    created = moment(payment.created_at)
    return [
        (signal, value, created)
        for signal in sorted(SIGNALS)
        if (value := payment.signals.value(signal)) is not None
    ]


def _reference(payment: Payment) -> list[tuple[str, str, str]]:
    if payment.reference is None:
        return []
    return [(payment.gateway, payment.reference, moment(payment.created_at))]


def _lapsing(payment: Payment) -> list[tuple[str]]:
    if payment.state is PaymentState.AUTHORISED and payment.authorised_until is not None:
        return [(moment(payment.authorised_until),)]
    return []


class RecordPayments(VersionedRecords[Payment]):
    """Payments under their id, indexed by order, reference, payer signal and lapse time."""

    TABLE, KIND, LABEL, NOT_FOUND = "payments", Payment, "payment", PaymentNotFound
    INDEXES = {
        "order": lambda p: [(p.order_id, moment(p.created_at))],
        "reference": _reference,
        "signal": _signals,
        "lapsing": _lapsing,
    }

    def for_order(self, order_id: str) -> list[Payment]:
        return self._table.by("order", (order_id,))

    def held_for_order(self, order_id: str) -> list[Payment]:
        # Record transactions take turns: nothing to lock apart.
        return self.for_order(order_id)

    def by_reference(self, gateway: str, reference: str) -> list[Payment]:
        return self._table.by("reference", (gateway, reference))

    def count_since(self, signal: str, value: str, since: datetime) -> int:
        after = moment(since)
        keys = self._table.keys("signal", (signal, normalise_signal(value)), reverse=True, arity=2)
        count = 0
        for key in keys:
            if str(key[0]) < after:
                break
            count += 1
        return count

    def expiring(self, at: datetime, limit: int) -> list[Payment]:
        return self._lapsing_by(at, limit)


class RecordRefunds(VersionedRecords[Refund]):
    """Refunds under their id, indexed by order."""

    TABLE, KIND, LABEL, NOT_FOUND = "refunds", Refund, "refund", RefundNotFound
    INDEXES = {"order": lambda r: [(r.order_id, moment(r.created_at))]}

    def for_order(self, order_id: str) -> list[Refund]:
        return self._table.by("order", (order_id,))


class RecordIdempotencyKeys:
    """Idempotency records under their key."""

    def __init__(self, tx: RecordTransaction, converter: cattrs.Converter) -> None:
        self._table = DocumentTable(tx, converter, "idempotency_keys", IdempotencyRecord)

    def claim(self, record: IdempotencyRecord) -> IdempotencyRecord | None:
        existing = self.get(record.key)
        if existing is None:
            self._table.store((record.key,), record)
        return existing

    def get(self, key: str) -> IdempotencyRecord | None:
        return self._table.load((key,))


def _reference_of(entry: CreditEntry) -> list[tuple[str]]:
    return [] if entry.reference is None else [(entry.reference,)]


class RecordCreditAccounts(VersionedRecords[CreditAccount]):
    """Accounts under their code; ledger entries under their key, indexed by account and hold."""

    TABLE, KIND, LABEL = "credit_accounts", CreditAccount, "credit account"
    NOT_FOUND = CreditAccountNotFound

    def __init__(
        self,
        tx: RecordTransaction,
        converter: cattrs.Converter,
        decoded: DecodedView | None = None,
    ) -> None:
        super().__init__(tx, converter, decoded)
        self._tx = tx
        self._entries = DocumentTable(
            tx,
            converter,
            "credit_entries",
            CreditEntry,
            {"account": lambda e: [(e.account_id,)], "reference": _reference_of},
        )

    def save(self, account: CreditAccount) -> None:
        # The SQL stores refuse a negative balance with a CHECK; so does this one.
        if account.balance.amount < 0:
            raise InvalidAmount("balance", account.balance, "a balance is never negative")
        super().save(account)

    def record(self, entry: CreditEntry) -> bool:
        if self._tx.get("credit_entries.keys", (entry.key,)) is not None:
            return False
        position = Counters(self._tx).add("credit_entries.position")
        self._tx.put("credit_entries.keys", (entry.key,), {"position": position})
        self._entries.store((position,), entry)
        return True

    def entry(self, key: str) -> CreditEntry | None:
        known = self._tx.get("credit_entries.keys", (key,))
        return None if known is None else self._entries.load((int(known["position"]),))

    def entries(self, account_id: str, limit: int) -> list[CreditEntry]:
        found: list[CreditEntry] = []
        for key in self._entries.keys("account", (account_id,), reverse=True):
            if len(found) >= limit:
                break
            found.append(self._load(int(key[0])))
        return found

    def for_reference(self, reference: str) -> list[CreditEntry]:
        return [self._load(int(key[0])) for key in self._entries.keys("reference", (reference,))]

    def _load(self, position: int) -> CreditEntry:
        entry = self._entries.load((position,))
        if entry is None:
            raise StorageError(f"credit entry {position} is indexed but missing")
        return entry
