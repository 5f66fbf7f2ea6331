"""Settling returns: the refund, store credit or exchange, when the policy says; closing them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from orderkit.core.context import ServiceContext, retried
from orderkit.core.money import Money
from orderkit.errors import InsufficientStock, PaymentError, ValidationError
from orderkit.lifecycle.ports import Order, OrderState
from orderkit.payments.ports import shipping_left
from orderkit.returns.events import ReturnMoved, ReturnResolved
from orderkit.returns.linked import (
    STORE_CREDIT_GATEWAY,
    SYSTEM,
    LinkedOrders,
    ReturnMoney,
    ShipmentMaker,
    order_step,
    place_linked_order,
    worth,
)
from orderkit.returns.policy import RefundTiming
from orderkit.returns.ports import ReturnsUnitOfWork
from orderkit.returns.rma import ReturnRequest, ReturnResolution, ReturnState

__all__ = ["ReturnChange", "SettlementService"]


class ReturnChange(Protocol):
    """Protocol: a change to a return and its order inside one unit of work."""

    def __call__(self, uow: ReturnsUnitOfWork, request: ReturnRequest, order: Order, /) -> None:
        """Change ``request`` and ``order``; both are saved afterwards."""
        ...


class SettlementService:
    """The steps every return use case shares, and the settling of its money.

    ``shop.returns`` runs its changes through :meth:`change` and settles
    returns here: refunds of lines with fees withheld, store credit,
    exchanges paid from store credit, advance exchanges against a hold.

    Args:
        context: The shop's shared parts.
        orders: Places linked orders and moves orders along.
        money: Refunds, and pays exchanges.
        shipping: Makes shipments for linked orders.
    """

    def __init__(
        self,
        context: ServiceContext[ReturnsUnitOfWork],
        orders: LinkedOrders,
        money: ReturnMoney,
        shipping: ShipmentMaker,
    ) -> None:
        self._context = context
        self._orders = orders
        self._money = money
        self._shipping = shipping

    @retried
    def change(self, return_id: str, change: ReturnChange) -> ReturnRequest:
        """Load a return and its order, change them, save both: one unit of work.

        The order is saved even when unchanged, so changes to its returns
        take turns on its version.
        """
        with self._context.store.unit_of_work() as uow:
            request = uow.returns.get(return_id)
            order = uow.orders.get(request.order_id)
            change(uow, request, order)
            uow.orders.save(order)
            uow.returns.save(request)
            uow.commit()
        return request

    def move(
        self,
        uow: ReturnsUnitOfWork,
        request: ReturnRequest,
        to: ReturnState,
        actor: str,
        note: str | None,
    ) -> None:
        """Move the return to ``to``, record the step and the ``ReturnMoved`` event."""
        before = request.state
        request.move(to, at=self._context.clock.now(), actor=actor, note=note)
        self._context.record(
            uow,
            ReturnMoved,
            aggregate_id=request.id,
            order_number=request.order_number,
            from_state=before.value,
            to_state=to.value,
            actor=actor,
            note=note,
        )

    def settle_order(
        self,
        uow: ReturnsUnitOfWork,
        order: Order,
        request: ReturnRequest,
        command: str,
        actor: str,
    ) -> None:
        """Take the order out of ``return_requested`` once no other return is open."""
        if order.state != OrderState.RETURN_REQUESTED:
            return
        if any(
            other.is_open and other.id != request.id
            for other in uow.returns.for_order(order.number)
        ):
            return
        if request.is_open:
            return
        order_step(self._orders, uow, order, command, f"return {request.id} ({actor})")

    def settle_if_due(self, request: ReturnRequest) -> ReturnRequest:
        """Settle the return when its timing says so, and close it once inspected and settled.

        A refund refused by a gateway leaves a note; the money waits for ``resolve``.
        """
        due = {
            RefundTiming.REQUESTED: True,
            RefundTiming.RECEIVED: request.fully_received,
            RefundTiming.INSPECTED: request.fully_received and request.fully_inspected,
        }[request.refund_when]
        if not request.resolved and due and request.state is ReturnState.RECEIVED:
            return self.resolve_or_note(request, "return-policy")
        if request.resolved and request.state is ReturnState.RECEIVED and request.fully_inspected:
            return self._close(request.id, "return-policy")
        return request

    def resolve_or_note(self, request: ReturnRequest, actor: str) -> ReturnRequest:
        """:meth:`resolve`, leaving a note instead of raising when it cannot settle yet.

        A gateway that refuses, or an exchange whose units are out of stock,
        leaves the return unresolved with a note saying why.

        The receipt or inspection that led here stands; the money waits for
        ``shop.returns.resolve``.
        """
        try:
            return self.resolve(request, actor)
        except (PaymentError, ValidationError, InsufficientStock) as failed:
            return self.note(request.id, f"not settled, call resolve again: {failed}")

    def note(self, return_id: str, note: str) -> ReturnRequest:
        """Record a step that changes nothing but says what happened (a refund that failed)."""

        def noted(uow: ReturnsUnitOfWork, request: ReturnRequest, order: Order) -> None:
            request.note(at=self._context.clock.now(), actor=SYSTEM, note=note[:500])

        return self.change(return_id, noted)

    def _settled_units(self, request: ReturnRequest) -> dict[str, int]:
        if request.refund_when is RefundTiming.REQUESTED:
            units = request.units
        elif request.refund_when is RefundTiming.RECEIVED:
            units = {line.sku: line.received - line.refused for line in request.lines}
        else:
            units = {line.sku: line.accepted for line in request.lines}
        return {sku: quantity for sku, quantity in units.items() if quantity > 0}

    def _fees(self, request: ReturnRequest, units: Mapping[str, int]) -> Money:
        """The fees kept from settling ``units``: the restocking fee's share, and postage."""
        zero = Money.zero(request.currency)
        fee = request.restocking_fee or zero
        asked = sum(request.units.values())
        settled = sum(units.values())
        if fee and settled < asked:
            fee = fee.allocate([settled, asked - settled])[0]
        postage = request.return_shipping_fee or zero
        return fee + (postage if request.parcels else zero)

    def resolve(self, request: ReturnRequest, actor: str) -> ReturnRequest:
        """Pay back (or exchange) the units the timing settles now; safe to call again."""
        if request.resolved:
            return request
        units = self._settled_units(request)
        refund_ids: list[str] = []
        if units and request.resolution is ReturnResolution.EXCHANGE:
            refund_ids = self._settle_exchange(request, units, actor)
        elif units:
            with self._context.store.unit_of_work(readonly=True) as uow:
                order = uow.orders.get(request.order_id)
                shipping = (
                    request.refund_shipping
                    and shipping_left(order, uow.refunds.for_order(order.id)).amount > 0
                )
            if order.captured <= order.refunded:
                # Nothing paid to give back (cash on delivery never collected).
                return self._record_resolution(request.id, refund_ids, actor)
            value_of_units = worth(order, units)
            kept = min(self._fees(request, units), value_of_units)
            if kept < value_of_units or shipping:
                refund = self._money.refund_order(
                    request.order_id,
                    key=f"return:{request.id}",
                    lines=units,
                    shipping=shipping,
                    to=request.resolution.value
                    if request.resolution is ReturnResolution.STORE_CREDIT
                    else "original",
                    reason=f"return {request.id}",
                    withhold=kept if kept else None,
                )
                refund_ids.append(refund.id)
        return self._record_resolution(request.id, refund_ids, actor)

    @retried
    def _record_resolution(
        self, return_id: str, refund_ids: list[str], actor: str
    ) -> ReturnRequest:
        with self._context.store.unit_of_work() as uow:
            request = uow.returns.get(return_id)
            if request.resolved:
                return request
            refunds = [uow.refunds.get(refund_id) for refund_id in refund_ids]
            zero = Money.zero(request.currency)
            request.refunds = tuple(refund_ids)
            request.refunded = Money.sum((r.refunded for r in refunds), request.currency)
            kept = Money.sum((r.withheld or zero for r in refunds), request.currency)
            request.resolved = True
            request.note(
                at=self._context.clock.now(),
                actor=actor,
                note=f"resolved: {request.resolution.value}, {request.refunded} paid back",
            )
            self._context.record(
                uow,
                ReturnResolved,
                aggregate_id=request.id,
                order_number=request.order_number,
                resolution=request.resolution.value,
                refunded=request.refunded,
                kept=kept,
                exchange_order_id=request.exchange_order_id,
            )
            uow.returns.save(request)
            uow.commit()
        if request.state is ReturnState.RECEIVED and request.fully_inspected:
            return self._close(request.id, actor)
        return request

    def _close(self, return_id: str, actor: str) -> ReturnRequest:
        def close(uow: ReturnsUnitOfWork, request: ReturnRequest, order: Order) -> None:
            if request.state is ReturnState.CLOSED:
                return
            self.move(uow, request, ReturnState.CLOSED, actor, "inspected and settled")
            if order.state == OrderState.RETURN_REQUESTED:
                self.settle_order(uow, order, request, "settle_return", actor)

        return self.change(return_id, close)

    # -- exchanges -------------------------------------------------------------------

    def ship_advance(self, request: ReturnRequest, source: str, gateway: str | None) -> None:
        """Place the exchange order now, hold its price on the customer's source, ship it."""
        linked_id = self._place_exchange(request.id)
        hold = self._money.authorise(
            linked_id,
            self._order_total(linked_id),
            source,
            key=f"return:{request.id}:hold",
            gateway=gateway,
        )

        def held(uow: ReturnsUnitOfWork, loaded: ReturnRequest, order: Order) -> None:
            loaded.hold_payment_id = hold.id
            linked = uow.orders.get(linked_id)
            order_step(self._orders, uow, linked, "mark_ready", "held against a return")
            uow.orders.save(linked)

        self.change(request.id, held)
        self._shipping.create_shipments(linked_id, actor=SYSTEM)

    def _place_exchange(self, return_id: str) -> str:
        def place(uow: ReturnsUnitOfWork, request: ReturnRequest, order: Order) -> None:
            if request.exchange_order_id is not None:
                return
            linked = place_linked_order(
                self._orders,
                uow,
                order,
                {line.sku: line.quantity for line in request.exchange},
                free=False,
                tags=("exchange",),
                attributes={"exchange_for": str(order.number), "return": request.id},
                actor=SYSTEM,
            )
            request.exchange_order_id = linked.id

        placed = self.change(return_id, place)
        assert placed.exchange_order_id is not None
        return placed.exchange_order_id

    def _order_total(self, order_id: str) -> Money:
        with self._context.store.unit_of_work(readonly=True) as uow:
            return uow.orders.get(order_id).grand_total

    def _settle_exchange(
        self, request: ReturnRequest, units: Mapping[str, int], actor: str
    ) -> list[str]:
        """Credit the returned units, pay the exchange order with it, settle the difference.

        The units' worth (less fees) goes onto the customer's store credit as
        a refund of their lines; the exchange order is paid from it. What it
        does not cover waits on the exchange order for the customer to pay
        (or is taken from the advance hold); what is left over is refunded
        to the original payments.
        """
        linked_id = request.exchange_order_id or self._place_exchange(request.id)
        with self._context.store.unit_of_work(readonly=True) as uow:
            order = uow.orders.get(request.order_id)
            price = uow.orders.get(linked_id).grand_total
        value_of_units = worth(order, units)
        fees = min(self._fees(request, units), value_of_units)
        value = value_of_units - fees
        credited = min(value, price)
        leftover = value - credited
        refund_ids = []
        if credited.amount:
            credit = self._money.refund_order(
                request.order_id,
                key=f"return:{request.id}",
                lines=units,
                to="store_credit",
                reason=f"exchange {request.id}",
                withhold=fees + leftover if (fees + leftover).amount else None,
            )
            refund_ids.append(credit.id)
        if leftover.amount:
            back = self._money.refund_order(
                request.order_id,
                key=f"return:{request.id}:difference",
                amount=leftover,
                reason=f"exchange {request.id}: price difference",
            )
            refund_ids.append(back.id)
        owed = price - credited
        if request.hold_payment_id is not None:
            if owed.amount:
                self._money.capture(
                    request.hold_payment_id, owed, key=f"return:{request.id}:owed", final=True
                )
            else:
                self._money.void(request.hold_payment_id, key=f"return:{request.id}:release")
        if credited.amount:
            paid = self._money.authorise(
                linked_id,
                credited,
                f"credit-{request.customer_id}",
                key=f"return:{request.id}:credit",
                gateway=STORE_CREDIT_GATEWAY,
            )
            self._money.capture(paid.id, key=f"return:{request.id}:credit-capture")
        if request.hold_payment_id is None:
            self._release_exchange(request.id, linked_id, owed)
        return refund_ids

    def _release_exchange(self, return_id: str, linked_id: str, owed: Money) -> None:
        """Send the paid exchange order to fulfilment, or let it wait for the difference."""

        def release(uow: ReturnsUnitOfWork, request: ReturnRequest, order: Order) -> None:
            linked = uow.orders.get(linked_id)
            if owed.amount:
                order_step(self._orders, uow, linked, "await_payment", "difference due")
            else:
                order_step(self._orders, uow, linked, "mark_ready", "paid by the return")
            uow.orders.save(linked)

        self.change(return_id, release)
        if not owed.amount:
            self._shipping.create_shipments(linked_id, actor=SYSTEM)
