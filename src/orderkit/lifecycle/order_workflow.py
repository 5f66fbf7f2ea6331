"""The default order workflow: the order cycle from placement to completion and back.

``placed → confirmed → (awaiting_payment →) ready_to_fulfil → picking → packed
→ (partially_shipped →) shipped → delivered → completed``, with holds that
return to where they started, cancellation until anything ships, expiry of
unconfirmed or unpaid orders, and the return path (``return_requested →
returned → refunded``).

Every guard and hook here is a plain function of ``(order, entry)``; a host
swaps one with :meth:`~orderkit.lifecycle.Workflow.replace` and adds states
with :meth:`~orderkit.lifecycle.Workflow.extend`.
"""

from __future__ import annotations

import enum

from orderkit.lifecycle.order import LineStage, Order
from orderkit.lifecycle.status import PaymentStatus
from orderkit.lifecycle.workflow import RETURN, HistoryEntry, Transition, Workflow

__all__ = ["HoldReason", "OrderState", "default_order_workflow"]


class OrderState(enum.StrEnum):
    """The states of the default workflow (a host's workflow may add more)."""

    PLACED = "placed"
    CONFIRMED = "confirmed"
    AWAITING_PAYMENT = "awaiting_payment"
    READY_TO_FULFIL = "ready_to_fulfil"
    PICKING = "picking"
    PACKED = "packed"
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    ON_HOLD = "on_hold"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    RETURN_REQUESTED = "return_requested"
    RETURNED = "returned"
    REFUNDED = "refunded"


class HoldReason(enum.StrEnum):
    """Why an order is put on hold."""

    FRAUD_REVIEW = "fraud_review"
    PAYMENT_REVIEW = "payment_review"
    ADDRESS_CHECK = "address_check"
    MANUAL = "manual"


# -- guards: return None to allow, a sentence to refuse ------------------------------


def nothing_shipped(order: Order, entry: HistoryEntry) -> str | None:
    """Refuse once any unit has shipped (cancel)."""
    return "units have shipped; return them instead" if order.anything_shipped else None


def reason_given(order: Order, entry: HistoryEntry) -> str | None:
    """Refuse without a reason (hold)."""
    return None if entry.reason else "give a reason"


def expiry_due(order: Order, entry: HistoryEntry) -> str | None:
    """Refuse before the order's expiry time (expire)."""
    if order.expires_at is None:
        return "the order does not expire"
    if entry.at < order.expires_at:
        return f"the order does not expire before {order.expires_at.isoformat()}"
    return None


CASH_ON_DELIVERY = "cash_on_delivery"
"""The payment method (a ``PaymentMethod`` value) whose orders ship before being paid."""


def payment_secured(order: Order, entry: HistoryEntry) -> str | None:
    """Refuse to fulfil an unpaid order unless it is paid on delivery (mark_ready)."""
    if order.payment_method == CASH_ON_DELIVERY:
        return None
    if order.payment_status in (PaymentStatus.AUTHORISED, PaymentStatus.PAID):
        return None
    return f"payment is {order.payment_status.value}; it must be authorised or paid first"


def payment_covers_total(order: Order, entry: HistoryEntry) -> str | None:
    """Refuse unless payments hold the whole grand total (secure_payment)."""
    held = max(order.authorised, order.captured)
    if held >= order.grand_total:
        return None
    return f"payments hold {held} of {order.grand_total}"


def shipped_in_part(order: Order, entry: HistoryEntry) -> str | None:
    """Refuse unless some but not all units are recorded as shipped (ship_partially)."""
    shipped = sum(line.shipped for line in order.lines)
    if not 0 < shipped < order.item_count:
        return f"{shipped} of {order.item_count} units are recorded as shipped"
    return None


# -- hooks: effects on the order's counters and amounts --------------------------------


def pack_everything(order: Order, entry: HistoryEntry) -> None:
    """Record every open unit as picked and packed."""
    order.record(LineStage.PACKED)


def ship_everything(order: Order, entry: HistoryEntry) -> None:
    """Record every open unit as shipped."""
    order.record(LineStage.SHIPPED)


def deliver_everything(order: Order, entry: HistoryEntry) -> None:
    """Record every open unit as delivered."""
    order.record(LineStage.DELIVERED)


def cancel_everything(order: Order, entry: HistoryEntry) -> None:
    """Cancel every open unit; the totals drop to zero."""
    order.cancel_units()


def receive_everything(order: Order, entry: HistoryEntry) -> None:
    """Record every delivered unit as returned."""
    order.record(LineStage.RETURNED, {line.sku: line.delivered for line in order.lines})


def capture_in_full(order: Order, entry: HistoryEntry) -> None:
    """Record the grand total as captured (payment confirmed by a person or a rule)."""
    total = order.grand_total
    if order.captured < total:
        order.captured = total
    if order.authorised < order.captured:
        order.authorised = order.captured


def something_paid(order: Order, entry: HistoryEntry) -> str | None:
    """Refuse to refund an order nothing was captured on (refund)."""
    if order.captured.amount <= 0:
        return f"nothing was paid: {order.captured} captured"
    return None


def refund_in_full(order: Order, entry: HistoryEntry) -> None:
    """Record everything captured as refunded."""
    order.refunded = order.captured


_ACTIVE = (
    OrderState.PLACED,
    OrderState.CONFIRMED,
    OrderState.AWAITING_PAYMENT,
    OrderState.READY_TO_FULFIL,
    OrderState.PICKING,
    OrderState.PACKED,
)


def default_order_workflow() -> Workflow[Order]:
    """Build the default order workflow (a new, validated :class:`Workflow` each call).

    Examples:
        >>> workflow = default_order_workflow()
        >>> workflow.allowed("placed")
        ('confirm', 'hold', 'cancel', 'expire')
    """
    s = OrderState
    return Workflow(
        states=[state.value for state in OrderState],
        initial=s.PLACED,
        terminal=[s.COMPLETED, s.CANCELLED, s.EXPIRED, s.REFUNDED],
        transitions=[
            Transition(
                "confirm",
                [s.PLACED],
                s.CONFIRMED,
                permission="orders.confirm",
                description="verified by a person or a rule",
            ),
            Transition(
                "await_payment",
                [s.CONFIRMED],
                s.AWAITING_PAYMENT,
                permission="orders.confirm",
                description="the payment method needs the money first",
            ),
            Transition(
                "mark_paid",
                [s.AWAITING_PAYMENT],
                s.READY_TO_FULFIL,
                before=[capture_in_full],
                permission="payments.record",
                description="the money arrived",
            ),
            Transition(
                "secure_payment",
                [s.AWAITING_PAYMENT],
                s.READY_TO_FULFIL,
                guards=[payment_covers_total],
                permission="payments.record",
                description="a payment covers the order (fired by shop.payments)",
            ),
            Transition(
                "mark_ready",
                [s.CONFIRMED],
                s.READY_TO_FULFIL,
                guards=[payment_secured],
                permission="orders.confirm",
                description="authorised, paid, or paid on delivery",
            ),
            Transition(
                "start_picking",
                [s.READY_TO_FULFIL, s.PARTIALLY_SHIPPED],
                s.PICKING,
                permission="fulfilment.pick",
            ),
            Transition(
                "pack",
                [s.PICKING],
                s.PACKED,
                before=[pack_everything],
                permission="fulfilment.pack",
            ),
            Transition(
                "ship_partially",
                [s.PICKING, s.PACKED],
                s.PARTIALLY_SHIPPED,
                guards=[shipped_in_part],
                permission="fulfilment.ship",
            ),
            Transition(
                "ship",
                [s.PACKED, s.PARTIALLY_SHIPPED],
                s.SHIPPED,
                before=[ship_everything],
                permission="fulfilment.ship",
            ),
            Transition(
                "deliver",
                [s.SHIPPED],
                s.DELIVERED,
                before=[deliver_everything],
                permission="fulfilment.deliver",
            ),
            Transition(
                "complete",
                [s.DELIVERED, s.RETURNED],
                s.COMPLETED,
                permission="orders.complete",
                description="the return window closed, or the returns are settled",
            ),
            Transition(
                "hold",
                [*_ACTIVE, s.PARTIALLY_SHIPPED],
                s.ON_HOLD,
                guards=[reason_given],
                permission="orders.hold",
            ),
            Transition(
                "release",
                [s.ON_HOLD],
                RETURN,
                permission="orders.hold",
                description="back to the state the hold interrupted",
            ),
            Transition(
                "cancel",
                [*_ACTIVE, s.ON_HOLD],
                s.CANCELLED,
                guards=[nothing_shipped],
                before=[cancel_everything],
                permission="orders.cancel",
            ),
            Transition(
                "expire",
                [s.PLACED, s.AWAITING_PAYMENT],
                s.EXPIRED,
                guards=[expiry_due],
                before=[cancel_everything],
                permission="orders.expire",
                description="not confirmed or not paid in time",
            ),
            Transition(
                "request_return",
                [s.DELIVERED],
                s.RETURN_REQUESTED,
                permission="returns.request",
            ),
            Transition(
                "reject_return",
                [s.RETURN_REQUESTED],
                s.DELIVERED,
                permission="returns.decide",
            ),
            Transition(
                "settle_return",
                [s.RETURN_REQUESTED],
                s.DELIVERED,
                permission="returns.decide",
                description="the returns are settled; the other units stay delivered"
                " (fired by shop.returns)",
            ),
            Transition(
                "receive_return",
                [s.RETURN_REQUESTED],
                s.RETURNED,
                before=[receive_everything],
                permission="returns.receive",
            ),
            Transition(
                "refund",
                [s.DELIVERED, s.RETURNED],
                s.REFUNDED,
                guards=[something_paid],
                before=[refund_in_full],
                permission="payments.refund",
                description="everything paid was given back (fired by shop.payments)",
            ),
        ],
    )
