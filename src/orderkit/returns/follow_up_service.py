"""After delivery: feedback, the follow-up that asks for it, and the perfect-order flag."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from orderkit.core.access import reads, writes
from orderkit.core.checks import require_aware, require_limit, require_text
from orderkit.core.context import ServiceContext, retried
from orderkit.errors import ValidationError
from orderkit.fulfillment.ports import ShipmentState
from orderkit.lifecycle.ports import Order, OrderRef, load_order, order_ids
from orderkit.returns.claims import ClaimKind
from orderkit.returns.events import FeedbackGiven, FollowUpDue
from orderkit.returns.follow_up import Feedback, FollowUp, PerfectOrder
from orderkit.returns.policy import ReturnPolicy
from orderkit.returns.ports import ReturnsUnitOfWork
from orderkit.returns.rma import ReturnState

__all__ = ["AfterDeliveryService"]


class AfterDeliveryService:
    """Feedback, follow-ups and perfect orders; ``shop.returns`` hands these calls here.

    Args:
        context: The shop's shared parts.
        policy: The return policy (its ``follow_up_after``).
    """

    def __init__(self, context: ServiceContext[ReturnsUnitOfWork], policy: ReturnPolicy) -> None:
        self._context = context
        self.policy = policy

    @writes("returns.feedback")
    @retried
    def leave_feedback(
        self,
        order: OrderRef,
        rating: int,
        *,
        comment: str | None = None,
        lines: Mapping[str, int] | None = None,
    ) -> Feedback:
        """Record (or change) what the customer thought of a delivered order.

        Raises:
            ValidationError: A rating outside 1-5, an SKU not on the order, or
                nothing of the order was delivered yet.
            OrderNotFound: No such order.
        """
        if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
            raise ValidationError("rating", rating, "give a whole rating from 1 to 5")
        comment = None if comment is None else require_text(comment, "comment", 4000)
        if lines is not None and not isinstance(lines, Mapping):
            raise ValidationError("lines", lines, "give {sku: rating}")
        with self._context.store.unit_of_work() as uow:
            loaded = load_order(uow, order)
            if not any(line.delivered for line in loaded.lines):
                raise ValidationError("order", loaded.number, "nothing of it was delivered yet")
            for sku in lines or {}:
                loaded.line(sku)
            given = Feedback(
                order_number=loaded.number,
                rating=rating,
                comment=comment,
                lines=dict(lines or {}),
                given_at=self._context.clock.now(),
            )
            earlier = uow.feedback.find(loaded.number)
            if earlier is None:
                uow.feedback.add(given)
            else:
                given.version = earlier.version
                uow.feedback.save(given)
            self._context.record(
                uow,
                FeedbackGiven,
                aggregate_id=loaded.id,
                order_number=loaded.number,
                rating=rating,
            )
            uow.commit()
        return given

    @reads("returns.read")
    def feedback(self, order: OrderRef) -> Feedback | None:
        """An order's feedback, or ``None``.

        Raises:
            OrderNotFound: No such order.
        """
        with self._context.store.unit_of_work(readonly=True) as uow:
            return uow.feedback.find(load_order(uow, order).number)

    def follow_up_within(
        self, uow: ReturnsUnitOfWork, order: Order, delivered_at: datetime
    ) -> None:
        """Schedule the follow-up of a just-delivered order (fulfilment's delivery hook).

        Runs inside the caller's unit of work; an order gets one follow-up.
        """
        if uow.follow_ups.find(order.number) is not None:
            return
        uow.follow_ups.add(
            FollowUp(
                order_number=order.number,
                customer_id=order.customer_id,
                delivered_at=delivered_at,
                due_at=delivered_at + self.policy.follow_up_after,
            )
        )

    @writes("returns.follow_up")
    @retried
    def send_follow_ups(self, at: datetime | None = None, *, limit: int = 100) -> list[FollowUp]:
        """Announce the follow-ups due by ``at`` (now by default), once each.

        Each becomes a :class:`~orderkit.returns.FollowUpDue` event in the
        outbox, for the host to turn into an email or a survey.

        Raises:
            InvalidTime: ``at`` is naive.
            ValidationError: ``limit`` is not a positive int.
        """
        at = self._context.clock.now() if at is None else require_aware(at, "at")
        limit = require_limit(limit)
        sent: list[FollowUp] = []
        with self._context.store.unit_of_work() as uow:
            for follow_up in uow.follow_ups.unsent():
                if follow_up.due_at > at or len(sent) >= limit:
                    break
                follow_up.sent_at = at
                self._context.record(
                    uow,
                    FollowUpDue,
                    aggregate_id=follow_up.id,
                    order_number=follow_up.order_number,
                    customer_id=follow_up.customer_id,
                )
                uow.follow_ups.save(follow_up)
                sent.append(follow_up)
            uow.commit()
        return sent

    @reads("returns.read")
    def perfect_order(self, order: OrderRef) -> PerfectOrder:
        """Whether an order went perfectly, worked out from what is stored now.

        Raises:
            OrderNotFound: No such order.
        """
        flags: PerfectOrder = self.perfect_orders([order])[0]
        return flags

    @reads("returns.read")
    def perfect_orders(self, orders: Iterable[OrderRef]) -> list[PerfectOrder]:
        """The perfect-order flags of many orders in one read, in the order given.

        Raises:
            OrderNotFound: An order is unknown.
            ValidationError: ``orders`` is not a list of orders.
        """
        flags = []
        with self._context.store.unit_of_work(readonly=True) as uow:
            for order_id in order_ids(uow, orders):
                order = uow.orders.get(order_id)
                flags.append(_perfect(uow, order))
        return flags


def _perfect(uow: ReturnsUnitOfWork, order: Order) -> PerfectOrder:
    shipments = uow.shipments.for_order(order.number)
    returns = [
        r
        for r in uow.returns.for_order(order.number)
        if r.state not in (ReturnState.REJECTED, ReturnState.CANCELLED)
    ]
    claims = uow.claims.for_order(order.number)
    complete = all(line.cancelled == 0 and line.delivered >= line.quantity for line in order.lines)
    on_time = all(
        s.deliver_by is None or (s.delivered_at is not None and s.delivered_at <= s.deliver_by)
        for s in shipments
        if s.state is not ShipmentState.CANCELLED
    )
    undamaged = not any(line.damaged for r in returns for line in r.lines) and not any(
        c.kind is ClaimKind.DAMAGED for c in claims
    )
    return PerfectOrder(
        order_number=order.number,
        complete=complete,
        on_time=on_time,
        undamaged=undamaged,
        no_return=not returns,
        no_claim=not claims,
    )
