"""Gift cards, store credit and their ledger over the shared SQL schema."""

from __future__ import annotations

from typing import Any

from orderkit.adapters.sql.versioned import SqlVersionedRepository
from orderkit.core.money import Money
from orderkit.errors import AlreadyExists, CreditAccountNotFound
from orderkit.store_credit.accounts import CreditAccount, CreditEntry

__all__ = ["SqlCreditAccounts"]

_ENTRY_COLUMNS = "key, account_id, reference, kind, amount, balance_after, currency, at, note"


class SqlCreditAccounts(SqlVersionedRepository[CreditAccount]):
    """Accounts (a CHECK keeps balances >= 0) and their ledger entries."""

    table = "credit_accounts"
    kind = "credit account"
    aggregate = CreditAccount
    not_found = CreditAccountNotFound

    def _columns(self, account: CreditAccount) -> dict[str, Any]:
        return {"customer_id": account.customer_id, "balance": account.balance.minor_units}

    def add(self, account: CreditAccount) -> None:
        """Insert a new account."""
        if not self._insert(account):
            raise AlreadyExists("credit account", account.id)

    def record(self, entry: CreditEntry) -> bool:
        """Append ``entry`` unless its key is taken."""
        inserted = self._session.write(
            f"INSERT INTO credit_entries ({_ENTRY_COLUMNS}) VALUES (:key, :account_id, "
            ":reference, :kind, :amount, :balance_after, :currency, :at, :note) "
            "ON CONFLICT DO NOTHING",
            {
                "key": entry.key,
                "account_id": entry.account_id,
                "reference": entry.reference,
                "kind": entry.kind.value,
                "amount": entry.amount.minor_units,
                "balance_after": entry.balance_after.minor_units,
                "currency": entry.amount.currency,
                "at": self._dialect.encode_time(entry.at),
                "note": entry.note,
            },
        )
        return bool(inserted)

    def entry(self, key: str) -> CreditEntry | None:
        """The entry kept under ``key``."""
        row = self._session.one(
            f"SELECT {_ENTRY_COLUMNS} FROM credit_entries WHERE key = :key", {"key": key}
        )
        return None if row is None else self._entry(row)

    def entries(self, account_id: str, limit: int) -> list[CreditEntry]:
        """The account's latest entries, newest first."""
        rows = self._session.rows(
            f"SELECT {_ENTRY_COLUMNS} FROM credit_entries WHERE account_id = :account_id "
            "ORDER BY position DESC LIMIT :limit",
            {"account_id": account_id, "limit": limit},
        )
        return [self._entry(row) for row in rows]

    def for_reference(self, reference: str) -> list[CreditEntry]:
        """A hold and what followed it, oldest first."""
        rows = self._session.rows(
            f"SELECT {_ENTRY_COLUMNS} FROM credit_entries WHERE reference = :reference "
            "ORDER BY position",
            {"reference": reference},
        )
        return [self._entry(row) for row in rows]

    def _entry(self, row: Any) -> CreditEntry:
        currency = row[6]
        return CreditEntry(
            key=row[0],
            account_id=row[1],
            reference=row[2],
            kind=row[3],
            amount=Money.from_minor(int(row[4]), currency),
            balance_after=Money.from_minor(int(row[5]), currency),
            at=self._dialect.decode_time(row[7]),
            note=row[8],
        )
