"""The two derived dimensions of an order's status: payment and fulfilment.

The lifecycle state says where the order is in its workflow; these two say
how much of it is paid and how much of it has moved. Neither is stored as a
fact of its own: both are computed from amounts and per-line counters, so
they cannot disagree with them.
"""

from __future__ import annotations

import enum

__all__ = ["FulfilmentStatus", "PaymentStatus", "fulfilment_status", "payment_status"]


class PaymentStatus(enum.StrEnum):
    """How much of an order is paid, derived from its payment amounts."""

    UNPAID = "unpaid"
    AUTHORISED = "authorised"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    OVERPAID = "overpaid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


class FulfilmentStatus(enum.StrEnum):
    """How far an order's units have moved, derived from its per-line counters."""

    UNFULFILLED = "unfulfilled"
    PARTIALLY_PICKED = "partially_picked"
    """Some units are picked from the shelves, none is packed yet."""
    PICKED = "picked"
    """Every open unit is picked; none is packed yet."""
    PARTIALLY_PACKED = "partially_packed"
    """Some units are packed, none has left yet."""
    PACKED = "packed"
    """Every open unit is packed; nothing has left yet (shipped units make it ``shipped``)."""
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"
    PARTIALLY_DELIVERED = "partially_delivered"
    DELIVERED = "delivered"
    PARTIALLY_RETURNED = "partially_returned"
    RETURNED = "returned"


def payment_status(
    total: int, authorised: int, captured: int, refunded: int, *, anything_due: bool = True
) -> PaymentStatus:
    """Derive the payment status from minor-unit amounts.

    ``anything_due`` is false for an order whose every unit was cancelled: it
    owes nothing, but that does not make it paid.

    Examples:
        >>> payment_status(total=1000, authorised=1000, captured=0, refunded=0).value
        'authorised'
        >>> payment_status(total=1000, authorised=1000, captured=1000, refunded=300).value
        'partially_refunded'
        >>> payment_status(total=1000, authorised=1200, captured=1200, refunded=0).value
        'overpaid'
    """
    if captured - refunded > total:
        return PaymentStatus.OVERPAID  # more kept than the order costs: a refund or a tip
    if refunded > 0:
        return PaymentStatus.REFUNDED if refunded >= captured else PaymentStatus.PARTIALLY_REFUNDED
    if captured > 0 or (total == 0 and anything_due):
        return PaymentStatus.PAID if captured >= total else PaymentStatus.PARTIALLY_PAID
    if authorised > 0:
        return PaymentStatus.AUTHORISED
    return PaymentStatus.UNPAID


def fulfilment_status(
    open_units: int, picked: int, packed: int, shipped: int, delivered: int, returned: int
) -> FulfilmentStatus:
    """Derive the fulfilment status from unit counts summed over an order's lines.

    ``open_units`` is what was ordered less what was cancelled; the furthest
    stage any unit reached decides, whole or partial.

    Examples:
        >>> fulfilment_status(4, picked=4, packed=4, shipped=1, delivered=0, returned=0).value
        'partially_shipped'
        >>> fulfilment_status(4, picked=4, packed=4, shipped=0, delivered=0, returned=0).value
        'packed'
        >>> fulfilment_status(4, picked=2, packed=0, shipped=0, delivered=0, returned=0).value
        'partially_picked'
    """
    if open_units == 0:
        return FulfilmentStatus.UNFULFILLED
    stages = (
        (returned, FulfilmentStatus.RETURNED, FulfilmentStatus.PARTIALLY_RETURNED),
        (delivered, FulfilmentStatus.DELIVERED, FulfilmentStatus.PARTIALLY_DELIVERED),
        (shipped, FulfilmentStatus.SHIPPED, FulfilmentStatus.PARTIALLY_SHIPPED),
        (packed, FulfilmentStatus.PACKED, FulfilmentStatus.PARTIALLY_PACKED),
        (picked, FulfilmentStatus.PICKED, FulfilmentStatus.PARTIALLY_PICKED),
    )
    for units, whole, partial in stages:
        if units:
            return whole if units >= open_units else partial
    return FulfilmentStatus.UNFULFILLED
