"""Gift cards and store credit: accounts whose balance never goes below zero, and their ledger.

The service is ``shop.store_credit``; paying with an account goes through
``shop.payments`` and the ``store_credit`` gateway every shop has
(:class:`orderkit.adapters.gateways.StoreCreditGateway`).
"""

from orderkit.store_credit.accounts import (
    CreditAccount,
    CreditAccountRepository,
    CreditEntry,
    CreditEntryKind,
    CreditKind,
    HeldCredit,
)

__all__ = [
    "CreditAccount",
    "CreditAccountRepository",
    "CreditEntry",
    "CreditEntryKind",
    "CreditKind",
    "HeldCredit",
]
