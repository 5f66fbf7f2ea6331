"""What a payments clerk checks each morning: money and goods that do not match."""

from __future__ import annotations

import attrs

from orderkit.payments.payment import Payment

__all__ = ["PaymentReconciliation"]


@attrs.frozen
class PaymentReconciliation:
    """Orders and payments that need a look.

    Attributes:
        shipped_unpaid: Numbers, in order, of orders that left the warehouse
            but are not paid in full (cash on delivery not yet collected among them).
        captured_unshipped: Numbers of orders whose money was taken at least
            the given time ago and that have not shipped (a cancelled order
            whose money was not refunded among them).
        expiring: Uncaptured authorisations that lapse within the given time,
            soonest first.
        overpaid: Numbers of orders whose payments kept more than they cost
            (a tip, or money to give back).
    """

    shipped_unpaid: tuple[int, ...]
    captured_unshipped: tuple[int, ...]
    expiring: tuple[Payment, ...]
    overpaid: tuple[int, ...] = ()

    def render(self) -> str:
        """A short text for a report or a log."""
        lines = [
            f"shipped but not paid: {_numbers(self.shipped_unpaid)}",
            f"paid but not shipped: {_numbers(self.captured_unshipped)}",
            f"paid more than they cost: {_numbers(self.overpaid)}",
            "authorisations about to lapse: "
            + (
                ", ".join(
                    f"{p.id} ({p.authorised}, until {p.authorised_until:%Y-%m-%d %H:%M})"
                    for p in self.expiring
                )
                or "none"
            ),
        ]
        return "\n".join(lines)


def _numbers(numbers: tuple[int, ...]) -> str:
    return ", ".join(str(n) for n in numbers) or "none"
