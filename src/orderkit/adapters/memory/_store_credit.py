"""Gift cards, store credit and their ledger in memory."""

from __future__ import annotations

import cattrs

from orderkit.adapters.memory._tables import Overlay
from orderkit.adapters.memory._versioned import MemoryVersionedDocuments
from orderkit.errors import CreditAccountNotFound, InvalidAmount
from orderkit.store_credit.accounts import CreditAccount, CreditEntry


class MemoryCreditAccounts(MemoryVersionedDocuments[CreditAccount]):
    """Accounts keyed by code; ledger entries keyed by idempotency key, in the order written."""

    kind = "credit account"
    aggregate = CreditAccount
    not_found = CreditAccountNotFound

    def __init__(self, table: Overlay, entries: Overlay, converter: cattrs.Converter) -> None:
        super().__init__(table, converter)
        self._entries = entries

    def save(self, account: CreditAccount) -> None:
        # The SQL stores refuse a negative balance with a CHECK; so does this one.
        if account.balance.amount < 0:
            raise InvalidAmount("balance", account.balance, "a balance is never negative")
        super().save(account)

    def record(self, entry: CreditEntry) -> bool:
        if self._entries.get(entry.key) is not None:
            return False
        position = len(self._entries.live_keys()) + 1
        self._entries.put(entry.key, (position, self._converter.unstructure(entry)))
        return True

    def entry(self, key: str) -> CreditEntry | None:
        stored = self._entries.get(key)
        return None if stored is None else self._load(stored[1])

    def entries(self, account_id: str, limit: int) -> list[CreditEntry]:
        found = self._all_entries(lambda entry: entry.account_id == account_id)
        return list(reversed(found))[:limit]

    def for_reference(self, reference: str) -> list[CreditEntry]:
        return self._all_entries(lambda entry: entry.reference == reference)

    def _all_entries(self, keep: object) -> list[CreditEntry]:
        stored = sorted(self._entries.get(key) for key in self._entries.live_keys())
        entries = [self._load(document) for _, document in stored]
        return [entry for entry in entries if keep(entry)]  # type: ignore[operator]

    def _load(self, document: object) -> CreditEntry:
        entry: CreditEntry = self._converter.structure(document, CreditEntry)
        return entry
