"""Refunds of an order: by lines or by amount, spread over its payments, with a credit note.

What a refund of lines is worth comes from the order's own prices: each
line's value without shipping (its share of the order discount taken off,
tax included when prices exclude it) is spread over its units by largest
remainder, counted cumulatively, so refunding every unit one at a time pays
back exactly what refunding them all at once would. Shipping is refunded
only when asked. The money is taken from the order's payments in proportion
to what each can still refund, by largest remainder again.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

import attrs

from orderkit.core.money import Money
from orderkit.errors import InvalidAmount, InvalidQuantity, ValidationError
from orderkit.lifecycle.ports import Order

__all__ = [
    "CreditNoteIssuer",
    "Refund",
    "RefundDestination",
    "RefundLine",
    "RefundPart",
    "RefundRepository",
    "RefundState",
    "goods_values",
    "line_refund",
    "refund_lines",
    "shipping_left",
    "spread_amount",
    "spread_over_payments",
]


class RefundDestination(enum.StrEnum):
    """Where refunded money goes."""

    ORIGINAL = "original"
    """Back through each payment's own gateway (the card, the transfer)."""
    STORE_CREDIT = "store_credit"
    """Onto a store-credit account of the customer's, at once."""


class RefundState(enum.StrEnum):
    """How far a refund got, derived from its parts."""

    PENDING = "pending"
    """Some part still waits for its gateway."""
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"
    """Some parts were refused; the rest went through."""
    FAILED = "failed"


@attrs.frozen
class RefundLine:
    """The units of one order line a refund pays back, and what they are worth."""

    sku: str
    quantity: int
    amount: Money


@attrs.frozen
class RefundPart:
    """What one payment pays back of a refund.

    Attributes:
        payment_id: The payment refunded.
        amount: Its share.
        key: The idempotency key of its refund request.
        state: ``pending``, ``refunded`` or ``failed``.
        code: The gateway's reason when it refused.
    """

    payment_id: str
    amount: Money
    key: str
    state: str = "pending"
    code: str | None = None


def _parts(value: Sequence[RefundPart]) -> list[RefundPart]:
    return list(value)


@attrs.define(eq=False)
class Refund:
    """One refund of an order, kept with its breakdown.

    Attributes:
        id: The refund's id.
        order_id: The order refunded.
        key: The idempotency key the refund was asked with.
        amount: The whole amount paid back.
        lines: The line units paid back and their values (for a refund of
            lines); for a refund of an amount, the amount spread over the
            lines in proportion to their values, with no units.
        shipping: The shipping paid back.
        destination: Back to the payments, or onto store credit.
        created_at: When it was asked for.
        parts: The share of each payment.
        credit_account: The store-credit account, for refunds to store credit.
        reason: Why, in words.
        credit_note: The credit note's number, once the documents hook issued one.
        issued_at: When the refund was closed (every part answered) and announced.
        withheld: What was kept back of the lines' worth (a restocking fee,
            the return postage); ``amount`` is the worth less this.
        version: The stored version, for optimistic concurrency.
    """

    id: str
    order_id: str
    key: str
    amount: Money
    lines: tuple[RefundLine, ...]
    shipping: Money
    destination: RefundDestination = attrs.field(converter=RefundDestination)
    created_at: datetime
    parts: list[RefundPart] = attrs.field(converter=_parts)
    credit_account: str | None = None
    reason: str | None = None
    credit_note: str | None = None
    issued_at: datetime | None = None
    withheld: Money | None = None
    version: int = 0

    @property
    def state(self) -> RefundState:
        """Derived from the parts."""
        states = {part.state for part in self.parts}
        if "pending" in states:
            return RefundState.PENDING
        if states == {"refunded"}:
            return RefundState.REFUNDED
        return RefundState.FAILED if states == {"failed"} else RefundState.PARTIALLY_REFUNDED

    @property
    def refunded(self) -> Money:
        """What the parts that went through paid back."""
        return Money.sum(
            (part.amount for part in self.parts if part.state == "refunded"),
            self.amount.currency,
        )

    def settle(self, key: str, state: str, code: str | None = None) -> None:
        """Record how the part with ``key`` ended."""
        self.parts = [
            attrs.evolve(part, state=state, code=code) if part.key == key else part
            for part in self.parts
        ]


@runtime_checkable
class CreditNoteIssuer(Protocol):
    """Protocol: the documents hook; issues a credit note for a refund that went through.

    Called once a refund has paid everything back (or all it could); returns
    the credit note's number, kept on the refund. Raising leaves the refund
    without one; asking for the same refund again (same key) calls it again.
    """

    def __call__(self, order: Order, refund: Refund, /) -> str | None:
        """Issue the credit note; return its number."""
        ...


class RefundRepository(Protocol):
    """Protocol: refunds inside one unit of work."""

    def add(self, refund: Refund) -> None:
        """Store a new refund.

        Raises:
            AlreadyExists: A refund with that id is stored.
        """
        ...

    def save(self, refund: Refund) -> None:
        """Store a changed refund if its stored version is the one it was loaded at.

        Raises:
            ConcurrencyConflict: Someone else saved it since.
            RefundNotFound: It was never added.
        """
        ...

    def get(self, refund_id: str) -> Refund:
        """Return the refund with ``refund_id``.

        Raises:
            RefundNotFound: No refund has that id.
        """
        ...

    def for_order(self, order_id: str) -> list[Refund]:
        """Return an order's refunds, oldest first."""
        ...


# -- what lines are worth ----------------------------------------------------------


def goods_values(order: Order) -> dict[str, Money]:
    """Each line's value without shipping: what its open units cost the customer.

    Its total as priced, less its share of shipping and the tax on that share.
    """
    zero = Money.zero(order.currency)
    without_shipping = attrs.evolve(order, shipping=zero) if order.shipping else order
    return {priced.line.sku: priced.total for priced in without_shipping.priced_lines}


def shipping_left(order: Order, refunds: Sequence[Refund]) -> Money:
    """The order's shipping charge (its tax included) not yet paid back by ``refunds``.

    Refunds every gateway refused pay nothing back and do not count.
    """
    goods = Money.sum(goods_values(order).values(), order.currency)
    paid_back = Money.sum(
        (r.shipping for r in refunds if r.state is not RefundState.FAILED), order.currency
    )
    return order.grand_total - goods - paid_back


def _share(value: Money, units: int, of: int) -> Money:
    """The first ``units`` of ``of`` units' worth of ``value``, by largest remainder."""
    if units <= 0:
        return Money.zero(value.currency)
    if units >= of:
        return value
    return value.allocate([units, of - units])[0]


def line_refund(value: Money, open_units: int, refunded_before: int, quantity: int) -> Money:
    """What ``quantity`` more units of a line are worth after ``refunded_before`` were refunded.

    Counted cumulatively, so the units of a line refunded one by one add up to
    the line's value exactly.

    Examples:
        >>> from orderkit import Money
        >>> value = Money("10.00", "EUR")
        >>> [str(line_refund(value, 3, before, 1)) for before in range(3)]
        ['3.33 EUR', '3.34 EUR', '3.33 EUR']
    """
    after = refunded_before + quantity
    return _share(value, after, open_units) - _share(value, refunded_before, open_units)


def refund_lines(
    order: Order,
    quantities: Mapping[str, int],
    refunded_units: Mapping[str, int],
) -> tuple[RefundLine, ...]:
    """Value the units asked for, checking each line has that many left to refund.

    Raises:
        ValidationError: An SKU not on the order.
        InvalidQuantity: Not a positive int, or more units than are left.
    """
    if not isinstance(quantities, Mapping) or not quantities:
        raise ValidationError("lines", quantities, "give {sku: units} with at least one line")
    values = goods_values(order)
    found = []
    for sku, quantity in quantities.items():
        if sku not in values:
            raise ValidationError("lines", sku, "is not a line of the order")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise InvalidQuantity(f"lines[{sku}]", quantity, "must be a positive int")
        line = order.line(sku)
        before = refunded_units.get(sku, 0)
        left = line.open_quantity - before
        if quantity > left:
            raise InvalidQuantity(
                f"lines[{sku}]", quantity, f"only {left} units are left to refund"
            )
        amount = line_refund(values[sku], line.open_quantity, before, quantity)
        found.append(RefundLine(sku, quantity, amount))
    return tuple(found)


def spread_amount(order: Order, amount: Money) -> tuple[RefundLine, ...]:
    """Spread a refund of an amount over the lines in proportion to their values (no units)."""
    values = goods_values(order)
    weights = [value.minor_units for value in values.values()]
    if not any(weights):
        weights = [1] * len(weights)
    shares = amount.allocate(weights)
    return tuple(
        RefundLine(sku, 0, share) for sku, share in zip(values, shares, strict=True) if share
    )


def spread_over_payments(amount: Money, refundable: Mapping[str, Money]) -> dict[str, Money]:
    """Take ``amount`` from payments in proportion to what each can still refund.

    No payment gives more than it can: each exact share is at most its
    refundable amount, and largest remainder adds at most the one minor unit
    that rounding down took away.

    Raises:
        InvalidAmount: ``amount`` is more than the payments can refund together.

    Examples:
        >>> from orderkit import Money
        >>> spread_over_payments(Money("10.00", "EUR"),
        ...                      {"card": Money("30.00", "EUR"), "gift": Money("15.00", "EUR")})
        {'card': Money('6.67', 'EUR'), 'gift': Money('3.33', 'EUR')}
    """
    total = Money.sum(refundable.values(), amount.currency)
    if amount > total:
        raise InvalidAmount("amount", amount, f"the payments can refund {total} in all")
    available = {payment: left for payment, left in refundable.items() if left.amount > 0}
    shares = amount.allocate([left.minor_units for left in available.values()])
    return {payment: share for payment, share in zip(available, shares, strict=True) if share}
