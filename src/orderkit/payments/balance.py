"""An order's open balance: what its payments may still authorise and capture.

The grand total bounds an order's payments. A new authorisation may ask for
what the live payments do not already hold; a capture may take what the
payments have not taken yet. A shop that takes more on purpose (a tip, a
weight-priced line authorised high) says so per payment, and the order then
shows as overpaid.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from orderkit.core.money import Money
from orderkit.errors import BalanceExceeded
from orderkit.payments.payment import Payment

__all__ = ["OrderBalance"]


@attrs.frozen
class OrderBalance:
    """What an order's payments hold and have taken, against its grand total.

    Attributes:
        order_id: The order.
        total: Its grand total.
        held: What its live payments hold or may yet hold (:attr:`Payment.holds`).
        taken: What they captured and kept, captures on their way included
            (:attr:`Payment.taken`).
    """

    order_id: str
    total: Money
    held: Money
    taken: Money

    @classmethod
    def of(cls, order_id: str, total: Money, payments: Iterable[Payment]) -> OrderBalance:
        """The balance of an order of ``total`` with these payments."""
        listed = list(payments)
        currency = total.currency
        return cls(
            order_id,
            total,
            Money.sum((payment.holds for payment in listed), currency),
            Money.sum((payment.taken for payment in listed), currency),
        )

    @property
    def open(self) -> Money:
        """What a new authorisation may still ask for (never below zero)."""
        return max(self.total - self.held, Money.zero(self.total.currency))

    @property
    def capturable(self) -> Money:
        """What captures may still take (never below zero)."""
        return max(self.total - self.taken, Money.zero(self.total.currency))

    def check_authorisation(self, amount: Money) -> None:
        """Refuse an authorisation of more than is open.

        Raises:
            BalanceExceeded: ``amount`` is more than :attr:`open`.
        """
        if amount > self.open:
            raise BalanceExceeded(self.order_id, "authorise", amount, self.open)

    def check_capture(self, amount: Money) -> None:
        """Refuse a capture of more than the payments may still take.

        Raises:
            BalanceExceeded: ``amount`` is more than :attr:`capturable`.
        """
        if amount > self.capturable:
            raise BalanceExceeded(self.order_id, "capture", amount, self.capturable)
