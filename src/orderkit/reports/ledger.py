"""The sales ledger: each sale, discount, return, cancellation, tax, shipping, refund dated.

An order's *position* is what it amounts to in the ledger right now: per SKU,
the units and value sold, the discounts given, the units cancelled and
returned with their value, the tax; per order, the shipping charged and the
money refunded. Whenever an order is stored, the rows booked are the change
from the position it had to the position it has, dated when the change was
made (a new order's at the moment it was placed). Rows are only ever added,
so the sum of an order's rows is always its position, a closed period never
changes, and any report over the rows can be reproduced.

Amounts are integers in the currency's minor unit (cents), as priced by the
order itself: the parts always add up to the order's totals.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import UTC, datetime

import attrs

from orderkit.core.money import Money
from orderkit.lifecycle.ports import Order, OrderLine

__all__ = [
    "ORDER_LEVEL",
    "Position",
    "SaleKind",
    "SaleRow",
    "booked_second",
    "position_of",
    "rows_for_change",
]

ORDER_LEVEL = ""
"""The ``sku`` of rows that belong to the whole order (shipping, refunds)."""


class SaleKind(enum.StrEnum):
    """What a ledger row records (the figures made of them: :mod:`orderkit.reports.figures`).

    Signs follow the money: sales, shipping and tax are positive when charged,
    discounts, cancellations, returns and refunds negative.
    """

    ORDER = "order"
    """One per order, booked when it is placed (``units`` = 1): what counts orders."""
    SALE = "sale"
    """Units ordered at their unit price, before any discount (``units`` > 0)."""
    DISCOUNT = "discount"
    """The line's own discount and its share of the order's discount, as ordered."""
    CANCELLATION = "cancellation"
    """Units cancelled before shipping, at their value after discounts (``units`` < 0)."""
    RETURN = "return"
    """Units taken back after delivery, at their value after discounts (``units`` < 0)."""
    SHIPPING = "shipping"
    """The shipping charged to the order."""
    TAX = "tax"
    """Tax charged on top of prices that exclude it."""
    TAX_INCLUDED = "tax_included"
    """Tax contained in prices that include it (already part of the sales)."""
    REFUND = "refund"
    """Money paid back to the customer, whatever for."""


Position = dict[tuple[SaleKind, str], tuple[int, int]]
"""``(kind, sku) -> (units, amount in minor units)``: what an order amounts to."""


def booked_second(moment: datetime) -> datetime:
    """``moment`` in UTC to the whole second: the ledger dates rows to the second."""
    return moment.astimezone(UTC).replace(microsecond=0)


@attrs.frozen(slots=True, kw_only=True)
class SaleRow:
    """One row of the sales ledger.

    Besides the change itself, a row carries the order's facts that reports
    group and filter by, as they were when it was booked, so a report reads
    the ledger alone.

    Attributes:
        order_id: The order's id.
        order_number: The order's number.
        sku: The line's SKU, or ``""`` for rows of the whole order.
        kind: What changed.
        units: Units sold (positive), or cancelled or returned (negative).
        amount: The change in the currency's minor unit.
        currency: The order's currency.
        booked_at: When it happened, in UTC, to the second.
        placed_at: When the order was placed, in UTC, to the second (the
            date amounts are converted at into another currency).
        channel: The order's sales channel.
        customer_id: The customer's id.
        ship_country: The ship-to country (ISO 3166 alpha-2).
        bill_country: The billing country.
        seller: The sales rep, if the order has one.
        attributes: The order's free-form attributes (landing page, campaign...).
        batch: Which booking wrote the row (rows booked together share it).
    """

    order_id: str
    order_number: int
    sku: str
    kind: SaleKind = attrs.field(converter=SaleKind)
    units: int
    amount: int
    currency: str
    booked_at: datetime
    placed_at: datetime
    channel: str
    customer_id: str
    ship_country: str
    bill_country: str
    seller: str | None = None
    attributes: Mapping[str, str] = attrs.field(factory=dict, hash=False)
    batch: str = ""

    @property
    def money(self) -> Money:
        """``amount`` as money."""
        return Money.from_minor(self.amount, self.currency)


def _add(position: Position, kind: SaleKind, sku: str, units: int, amount: int) -> None:
    if units or amount:
        before = position.get((kind, sku), (0, 0))
        position[(kind, sku)] = (before[0] + units, before[1] + amount)


def _ordered_discount_shares(order: Order) -> list[int]:
    """Each line's share of the order discount as ordered, before any cancellation."""
    bases = [(line.unit_price * line.quantity - line.discount).minor_units for line in order.lines]
    weights = bases if any(bases) else [line.quantity for line in order.lines]
    return [share.minor_units for share in order.order_discount.allocate(weights)]


def _split(amount: int, part: int, whole: int, currency: str) -> int:
    """The share of ``amount`` that ``part`` of ``whole`` units carries (largest remainder)."""
    if part == whole:
        return amount
    if not part:
        return 0
    shares = Money.from_minor(amount, currency).allocate([part, whole - part])
    return shares[0].minor_units


def position_of(order: Order) -> Position:
    """What ``order`` amounts to in the ledger now.

    Examples:
        >>> from orderkit.testing.contract import sample_order
        >>> position = position_of(sample_order())
        >>> sorted({kind.value for kind, _ in position})
        ['order', 'sale', 'shipping']
    """
    position: Position = {}
    priced = order.priced_lines
    cancelled = any(line.cancelled for line in order.lines)
    ordered_shares = (
        _ordered_discount_shares(order)
        if cancelled
        else [p.order_discount.minor_units for p in priced]
    )
    tax_kind = SaleKind.TAX_INCLUDED if order.prices_include_tax else SaleKind.TAX
    for priced_line, ordered_share in zip(priced, ordered_shares, strict=True):
        line: OrderLine = priced_line.line
        sku = line.sku
        unit_price = line.unit_price.minor_units
        gross = unit_price * line.quantity
        discount = line.discount.minor_units + ordered_share
        # What the open units cost after both discounts (PricedLine.net, in minor units).
        net_open = (
            unit_price * line.open_quantity
            - line.line_discount.minor_units
            - priced_line.order_discount.minor_units
        )
        # Cancelled units go back at their value as ordered; what cancelling
        # moved of the order discount onto the units kept is a discount.
        ordered_net = gross - discount
        cancelled_net = _split(ordered_net, line.cancelled, line.quantity, order.currency)
        moved = net_open - (ordered_net - cancelled_net)
        _add(position, SaleKind.SALE, sku, line.quantity, gross)
        _add(position, SaleKind.DISCOUNT, sku, 0, moved - discount)
        if line.cancelled:
            _add(position, SaleKind.CANCELLATION, sku, -line.cancelled, -cancelled_net)
        tax = priced_line.tax.minor_units
        if line.returned:
            open_units = line.open_quantity
            _add(
                position,
                SaleKind.RETURN,
                sku,
                -line.returned,
                -_split(net_open, line.returned, open_units, order.currency),
            )
            tax -= _split(tax, line.returned, open_units, order.currency)
        _add(position, tax_kind, sku, 0, tax)
    _add(position, SaleKind.ORDER, ORDER_LEVEL, 1, 0)
    _add(position, SaleKind.SHIPPING, ORDER_LEVEL, 0, order.shipping_total.minor_units)
    _add(position, SaleKind.REFUND, ORDER_LEVEL, 0, -order.refunded.minor_units)
    return position


def rows_for_change(
    order: Order, before: Position | None, at: datetime, batch: str
) -> list[SaleRow]:
    """The rows that take the ledger from ``before`` to ``order``'s position now.

    Args:
        order: The order as it is being stored.
        before: Its position as booked so far; ``None`` for a new order, whose
            rows are dated when it was placed.
        at: When the change is made (ignored for a new order).
        batch: An id shared by the rows of this booking.
    """
    after = position_of(order)
    placed = booked_second(order.placed_at)
    moment = placed if before is None else booked_second(at)
    previous = before or {}
    bill_to = order.bill_to or order.ship_to
    attributes = dict(order.attributes)  # one copy shared by the rows: they never change it
    rows = []
    for key in sorted(after.keys() | previous.keys()):
        units, amount = after.get(key, (0, 0))
        was_units, was_amount = previous.get(key, (0, 0))
        if units == was_units and amount == was_amount:
            continue
        rows.append(
            SaleRow(
                order_id=order.id,
                order_number=order.number,
                sku=key[1],
                kind=key[0],
                units=units - was_units,
                amount=amount - was_amount,
                currency=order.currency,
                booked_at=moment,
                placed_at=placed,
                channel=order.channel,
                customer_id=order.customer_id,
                ship_country=order.ship_to.country,
                bill_country=bill_to.country,
                seller=order.seller,
                attributes=attributes,
                batch=batch,
            )
        )
    return rows
