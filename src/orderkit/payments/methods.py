"""The ways a customer can pay."""

from __future__ import annotations

import enum

__all__ = ["PaymentMethod"]


class PaymentMethod(enum.StrEnum):
    """A payment method orderkit knows how to treat.

    Examples:
        >>> PaymentMethod("cash_on_delivery").settles_later
        True
    """

    CARD = "card"
    WALLET = "wallet"
    BANK_TRANSFER = "bank_transfer"
    CASH_ON_DELIVERY = "cash_on_delivery"
    STORE_CREDIT = "store_credit"

    @property
    def settles_later(self) -> bool:
        """Whether the money arrives after the order is accepted (transfer, cash on delivery)."""
        return self in {PaymentMethod.BANK_TRANSFER, PaymentMethod.CASH_ON_DELIVERY}
