"""ReturnsService (``shop.returns``): returns, exchanges, claims and the follow-up."""

from __future__ import annotations

import builtins
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from orderkit.core.access import reads, writes
from orderkit.core.addresses import Address
from orderkit.core.checks import (
    parse_enum,
    require_aware,
    require_code,
    require_limit,
    require_text,
)
from orderkit.core.context import ServiceContext, retried
from orderkit.core.money import Money
from orderkit.core.quantity import validate_quantity
from orderkit.errors import (
    ConfigurationError,
    InvalidQuantity,
    ProductNotFound,
    ReturnStateError,
    ValidationError,
)
from orderkit.fulfillment.ports import (
    LEFT_STOCK,
    Carrier,
    LabelRequest,
    OrderSteps,
    Parcel,
    Shipment,
    ShipmentState,
    TrackingEvent,
)
from orderkit.inventory.ports import order_document
from orderkit.lifecycle.ports import Order, OrderRef, OrderState, load_order, order_ids
from orderkit.payments.ports import Refund, goods_values, line_refund
from orderkit.returns.claims import CarrierClaim, Claim, ClaimKind, ClaimRemedy
from orderkit.returns.events import (
    CarrierClaimSettled,
    ClaimFiled,
    FeedbackGiven,
    FollowUpDue,
    ReturnInspected,
    ReturnMoved,
    ReturnReceived,
    ReturnRequested,
    ReturnResolved,
)
from orderkit.returns.follow_up import Feedback, FollowUp, PerfectOrder
from orderkit.returns.policy import RefundTiming, ReturnPolicy, ReturnVerdict
from orderkit.returns.ports import ReturnStock, ReturnsUnitOfWork
from orderkit.returns.rma import (
    ExchangeLine,
    InspectionOutcome,
    ReturnLine,
    ReturnParcel,
    ReturnRequest,
    ReturnResolution,
    ReturnState,
    return_document,
)

__all__ = ["LinkedOrders", "ReturnMoney", "ReturnsService", "ShipmentMaker"]


class _Paid(Protocol):
    @property
    def id(self) -> str: ...


class ReturnMoney(Protocol):
    """Protocol: how returns move money (the shop's payment service is one)."""

    def refund_order(
        self,
        order: OrderRef,
        *,
        key: str,
        lines: Mapping[str, int] | None = None,
        amount: Money | None = None,
        shipping: bool | Money = False,
        to: str = "original",
        credit_account: str | None = None,
        reason: str | None = None,
        withhold: Money | None = None,
    ) -> Refund:
        """Refund units of an order (see ``shop.payments.refund_order``)."""
        ...

    def authorise(
        self, order: OrderRef, amount: Money, source: str, *, key: str, gateway: str | None = None
    ) -> _Paid:
        """Authorise an amount of an order on a source."""
        ...

    def capture(
        self, payment_id: str, amount: Money | None = None, *, key: str, final: bool = False
    ) -> _Paid:
        """Capture an authorised payment."""
        ...

    def void(self, payment_id: str, *, key: str) -> _Paid:
        """Give back what is left of an authorisation."""
        ...


class LinkedOrders(OrderSteps, Protocol):
    """Protocol: how returns place and move orders (the shop's order service is one)."""

    def place_within(
        self,
        uow: ReturnsUnitOfWork,
        customer: str,
        lines: Sequence[tuple[str, int]],
        *,
        channel: str,
        ship_to: Address,
        line_discounts: Mapping[str, Money] | None = None,
        payment_method: str | None = None,
        tags: Sequence[str] = (),
        attributes: Mapping[str, str] | None = None,
        actor: str,
    ) -> Order:
        """Place an order inside the caller's unit of work."""
        ...


class ShipmentMaker(Protocol):
    """Protocol: makes shipments for what an order holds (the shop's fulfilment service)."""

    def create_shipments(self, order: OrderRef, *, actor: str = "system") -> Sequence[object]:
        """Make shipments for the units the order holds that are in none yet."""
        ...


STORE_CREDIT_GATEWAY = "store_credit"
"""The gateway that pays from store credit (every shop has it)."""


def _units(value: object, field: str) -> dict[str, int]:
    if not isinstance(value, Mapping) or not value:
        raise ValidationError(field, value, "give {sku: units} with at least one line")
    return {
        require_code(sku, f"{field}[]"): validate_quantity(quantity, f"{field}[{sku}]")
        for sku, quantity in value.items()
    }


class ReturnsService:
    """Take units back, exchange them, settle claims, and follow up after delivery.

    Reach it as ``shop.returns``. A return is checked and decided by the
    shop's :class:`~orderkit.returns.ReturnPolicy`, tracked back with a
    label from a carrier, received (in several parcels if need be),
    inspected unit by unit into the stock ledger, and resolved by a refund
    of its lines, store credit or an exchange, when the policy says. The
    order's returned counters, its state and its payment status follow.

    Args:
        context: The shop's shared parts.
        policy: The shop's return terms.
        orders: Places linked orders and moves orders along.
        stock: Books returned units into the ledger.
        money: Refunds, and pays exchanges.
        shipping: Makes shipments for linked orders.
        carriers: The carriers return labels are bought from, by code.

    Raises:
        ConfigurationError: ``policy`` is not a ReturnPolicy.
    """

    def __init__(
        self,
        context: ServiceContext[ReturnsUnitOfWork],
        *,
        policy: ReturnPolicy,
        orders: LinkedOrders,
        stock: ReturnStock,
        money: ReturnMoney,
        shipping: ShipmentMaker,
        carriers: Mapping[str, Carrier],
    ) -> None:
        if not isinstance(policy, ReturnPolicy):
            raise ConfigurationError("return_policy", policy, "must be a ReturnPolicy")
        self._context = context
        self.policy = policy
        self._orders = orders
        self._stock = stock
        self._money = money
        self._shipping = shipping
        self._carriers = carriers

    # -- asking --------------------------------------------------------------------

    @writes("returns.request")
    def request(
        self,
        order: OrderRef,
        lines: Mapping[str, int],
        *,
        reason: str,
        note: str | None = None,
        reasons: Mapping[str, str] | None = None,
        resolution: ReturnResolution | str = ReturnResolution.REFUND,
        exchange: Mapping[str, int] | None = None,
        advance: bool = False,
        payment_source: str | None = None,
        payment_gateway: str | None = None,
        actor: str = "customer",
    ) -> ReturnRequest:
        """Ask to send units of a delivered order back; the policy decides at once.

        Never more units of a line than were delivered and are not returned
        or on their way back in another return: checked against the order in
        the same transaction that records the return, so two requests racing
        for the same units cannot both have them.

        The return comes back approved, rejected (``decision`` says why) or
        requested, for a person to decide. A trusted customer's refund is paid
        at once; an advance exchange places and ships its linked order at once,
        with the linked order's price authorised on ``payment_source`` and held
        until the units are back.

        Args:
            order: The order, by id, number or as loaded.
            lines: ``{sku: units}`` to send back.
            reason: The reason code (one of the policy's reasons).
            note: The customer's own words.
            reasons: A reason per SKU, where it differs from ``reason``.
            resolution: ``"refund"``, ``"store_credit"`` or ``"exchange"``.
            exchange: ``{sku: units}`` sent instead, for an exchange.
            advance: Ship the exchange before the return arrives.
            payment_source: The card token (or account) the advance exchange
                is held against.
            payment_gateway: Its gateway; the shop's first by default.
            actor: Who asked.

        Raises:
            ValidationError, InvalidQuantity: An SKU not on the order, an
                unknown reason, more units than may be returned, or a
                malformed argument; nothing is recorded.
            ProductNotFound: An exchange names a product the catalog lacks.
            OrderNotFound: No such order.
        """
        units = _units(lines, "lines")
        reason = self.policy.reason(require_code(reason, "reason")).code
        note = None if note is None else require_text(note, "note", 1000)
        per_sku: dict[str, str] = {}
        if reasons is not None:
            if not isinstance(reasons, Mapping):
                raise ValidationError("reasons", reasons, "give {sku: reason code}")
            for sku, code in reasons.items():
                if sku not in units:
                    raise ValidationError("reasons", sku, "is not among the lines sent back")
                per_sku[sku] = self.policy.reason(require_code(code, f"reasons[{sku}]")).code
        chosen = parse_enum(ReturnResolution, resolution, "resolution")
        wanted = _units(exchange, "exchange") if exchange is not None else {}
        if chosen is ReturnResolution.EXCHANGE and not wanted:
            raise ValidationError("exchange", exchange, "an exchange names what is sent instead")
        if wanted and chosen is not ReturnResolution.EXCHANGE:
            raise ValidationError("exchange", exchange, "only for resolution='exchange'")
        if not isinstance(advance, bool):
            raise ValidationError("advance", advance, "give True or False")
        if advance and chosen is not ReturnResolution.EXCHANGE:
            raise ValidationError("advance", advance, "only exchanges ship in advance")
        if advance:
            payment_source = require_text(payment_source, "payment_source")
        if payment_gateway is not None:
            payment_gateway = require_code(payment_gateway, "payment_gateway")
        actor = require_text(actor, "actor")
        request = self._open(order, units, reason, per_sku, note, chosen, wanted, advance, actor)
        if request.state is ReturnState.APPROVED:
            self._after_approval(request.id, payment_source, payment_gateway)
        return self.get(request.id)

    @retried
    def _open(
        self,
        order: OrderRef,
        units: dict[str, int],
        reason: str,
        per_sku: dict[str, str],
        note: str | None,
        resolution: ReturnResolution,
        wanted: dict[str, int],
        advance: bool,
        actor: str,
    ) -> ReturnRequest:
        context = self._context
        with context.store.unit_of_work() as uow:
            loaded = load_order(uow, order)
            others = uow.returns.for_order(loaded.number)
            pending: Counter[str] = Counter()
            for other in others:
                pending.update(other.pending_units())
            for sku, quantity in units.items():
                line = loaded.line(sku)
                left = line.delivered - line.returned - pending[sku]
                if quantity > left:
                    raise InvalidQuantity(
                        f"lines[{sku}]",
                        quantity,
                        f"only {max(left, 0)} delivered units are left to return",
                    )
            for sku in wanted:
                uow.products.get(sku)
            now = context.clock.now()
            codes = {sku: per_sku.get(sku, reason) for sku in units}
            value = _worth(loaded, units)
            shipments = uow.shipments.for_order(loaded.number)
            decision = self.policy.decide(
                value=value,
                reasons=codes,
                categories={sku: _category(uow, sku) for sku in units},
                tags=loaded.tags,
                delivered_at=_delivered_at(loaded, shipments),
                at=now,
                everything_back=all(
                    units.get(line.sku, 0) + line.returned + pending[line.sku] >= line.delivered
                    for line in loaded.lines
                ),
            )
            warehouse = next(
                (
                    s.warehouse
                    for s in shipments
                    if s.state in LEFT_STOCK and set(s.units) & set(units)
                ),
                None,
            )
            request = ReturnRequest(
                id=context.ids.new(),
                order_id=loaded.id,
                order_number=loaded.number,
                customer_id=loaded.customer_id,
                currency=loaded.currency,
                lines=tuple(
                    ReturnLine(sku, quantity, codes[sku], note) for sku, quantity in units.items()
                ),
                resolution=resolution,
                exchange=tuple(ExchangeLine(sku, quantity) for sku, quantity in wanted.items()),
                advance=advance,
                requested_at=now,
                decision=decision.why,
                refund_when=decision.refund_when,
                return_shipping_fee=decision.return_shipping_fee,
                restocking_fee=decision.restocking_fee,
                refund_shipping=decision.refund_shipping,
                warehouse=warehouse,
            )
            context.record(
                uow,
                ReturnRequested,
                aggregate_id=request.id,
                order_number=loaded.number,
                lines=tuple((line.sku, line.quantity, line.reason) for line in request.lines),
                resolution=resolution.value,
            )
            if decision.verdict is ReturnVerdict.REJECT:
                self._move(uow, request, ReturnState.REJECTED, "return-policy", decision.why)
            else:
                if decision.verdict is ReturnVerdict.APPROVE:
                    self._move(uow, request, ReturnState.APPROVED, "return-policy", decision.why)
                self._order_step(uow, loaded, "request_return", actor, f"return {request.id}")
            # Saved even when its state stays, so a request racing this one for
            # the same units conflicts on the order's version and is retried.
            uow.orders.save(loaded)
            uow.returns.add(request)
            uow.commit()
        return request

    # -- deciding ------------------------------------------------------------------

    @writes("returns.decide")
    def approve(
        self,
        return_id: str,
        *,
        note: str | None = None,
        payment_source: str | None = None,
        payment_gateway: str | None = None,
        actor: str = "system",
    ) -> ReturnRequest:
        """Approve a return that waits for a person.

        Raises:
            ReturnNotFound: No such return.
            ReturnStateError: It is not waiting for a decision.
            ValidationError: An advance exchange without ``payment_source``.
        """
        return_id = require_code(return_id, "return_id")
        note = None if note is None else require_text(note, "note", 500)
        actor = require_text(actor, "actor")
        if payment_gateway is not None:
            payment_gateway = require_code(payment_gateway, "payment_gateway")
        with self._context.store.unit_of_work(readonly=True) as uow:
            found = uow.returns.get(return_id)
        if found.advance:
            payment_source = require_text(payment_source, "payment_source")

        def approve(uow: ReturnsUnitOfWork, request: ReturnRequest, order: Order) -> None:
            self._move(uow, request, ReturnState.APPROVED, actor, note or "approved")

        self._change(return_id, approve)
        self._after_approval(return_id, payment_source, payment_gateway)
        return self.get(return_id)

    @writes("returns.decide")
    def reject(self, return_id: str, *, reason: str, actor: str = "system") -> ReturnRequest:
        """Refuse a return, saying why; its units may be asked for again.

        Raises:
            ReturnNotFound: No such return.
            ReturnStateError: It is not waiting for a decision.
            ValidationError: No reason.
        """
        return_id = require_code(return_id, "return_id")
        reason = require_text(reason, "reason", 500)
        actor = require_text(actor, "actor")

        def reject(uow: ReturnsUnitOfWork, request: ReturnRequest, order: Order) -> None:
            self._move(uow, request, ReturnState.REJECTED, actor, reason)
            self._settle_order(uow, order, request, "reject_return", actor)

        return self._change(return_id, reject)

    @writes("returns.request")
    def cancel(self, return_id: str, *, reason: str, actor: str = "customer") -> ReturnRequest:
        """Withdraw a return before anything of it arrived.

        Raises:
            ReturnNotFound: No such return.
            ReturnStateError: Units arrived already, or it is closed.
            ValidationError: No reason.
        """
        return_id = require_code(return_id, "return_id")
        reason = require_text(reason, "reason", 500)
        actor = require_text(actor, "actor")

        def cancel(uow: ReturnsUnitOfWork, request: ReturnRequest, order: Order) -> None:
            if request.advance and request.exchange_order_id is not None:
                raise ReturnStateError(
                    request.id, request.state.value, "cancel", ("its exchange has shipped",)
                )
            if request.resolved:
                raise ReturnStateError(
                    request.id, request.state.value, "cancel", ("it is refunded already",)
                )
            self._move(uow, request, ReturnState.CANCELLED, actor, reason)
            self._settle_order(uow, order, request, "settle_return", actor)

        return self._change(return_id, cancel)

    # -- the way back ----------------------------------------------------------------

    @writes("returns.label")
    def issue_label(
        self,
        return_id: str,
        *,
        carrier: str,
        service: str,
        parcels: Sequence[Parcel] | None = None,
        actor: str = "system",
    ) -> ReturnRequest:
        """Buy a return label from a carrier, from the customer back to the warehouse.

        Call it again for each further parcel. ``parcels`` defaults to the
        parcels the units went out in. The carrier is called outside any
        transaction, with a reference the carrier treats as one purchase.

        Raises:
            ReturnNotFound: No such return.
            ReturnStateError: It is not approved (or is receiving).
            ValidationError: An unknown carrier, or no parcels to label.
            CarrierError: The carrier refused; CarrierUnavailable: it did not answer.
        """
        return_id = require_code(return_id, "return_id")
        carrier = require_code(carrier, "carrier")
        service = require_code(service, "service")
        actor = require_text(actor, "actor")
        chosen = self._carriers.get(carrier)
        if chosen is None:
            raise ValidationError("carrier", carrier, f"not one of {sorted(self._carriers)}")
        with self._context.store.unit_of_work(readonly=True) as uow:
            request = uow.returns.get(return_id)
            if request.state not in (ReturnState.APPROVED, ReturnState.RECEIVING):
                raise ReturnStateError(request.id, request.state.value, "issue_label", ())
            order = uow.orders.get(request.order_id)
            if request.warehouse is None:
                raise ValidationError("return_id", return_id, "its units left no warehouse")
            home = uow.warehouses.get(request.warehouse).address
            if parcels is None:
                shipped = [
                    s for s in uow.shipments.for_order(order.number) if s.state in LEFT_STOCK
                ]
                parcels = [parcel for s in shipped for parcel in s.packages][:1]
            reference = f"{request.id}-{len(request.parcels) + 1}"
        if not parcels:
            raise ValidationError("parcels", parcels, "give the parcels to label")
        label = chosen.return_label(
            LabelRequest(
                reference=reference,
                service=service,
                origin=order.ship_to,
                destination=home,
                parcels=tuple(parcels),
                ship_on=self._context.clock.now().date(),
            )
        )

        def record(uow: ReturnsUnitOfWork, request: ReturnRequest, order: Order) -> None:
            if any(p.tracking_number == label.tracking_number for p in request.parcels):
                return
            request.add_parcel(
                ReturnParcel(
                    tracking_number=label.tracking_number,
                    carrier=label.carrier,
                    service=label.service,
                    label=label.packages[0].label,
                    price=label.price,
                )
            )
            request.note(
                at=self._context.clock.now(),
                actor=actor,
                note=f"return label {label.carrier} {label.tracking_number}",
            )

        return self._change(return_id, record)

    @writes("returns.receive")
    @retried
    def record_tracking(self, events: Sequence[TrackingEvent]) -> builtins.list[ReturnRequest]:
        """Apply carrier scans to the return parcels they name; return the returns they changed.

        Scans seen before change nothing, and nothing after ``delivered``
        undoes it. Scans of tracking numbers no return has are ignored.

        Raises:
            ValidationError: Not a list of TrackingEvents.
        """
        if (
            isinstance(events, TrackingEvent)
            or not isinstance(events, Sequence)
            or not all(isinstance(event, TrackingEvent) for event in events)
        ):
            raise ValidationError("events", events, "give a list of TrackingEvents")
        changed: dict[str, ReturnRequest] = {}
        with self._context.store.unit_of_work() as uow:
            for event in sorted(events, key=lambda e: (e.at, e.event_id)):
                found = uow.returns.by_tracking_number(event.tracking_number)
                if found is None:
                    continue
                request = changed.get(found.id, found)
                if request.track(event.tracking_number, event.event_id, event.status.value):
                    changed[request.id] = request
            for request in changed.values():
                uow.returns.save(request)
            uow.commit()
        return list(changed.values())

    @writes("returns.receive")
    def receive(
        self,
        return_id: str,
        units: Mapping[str, int],
        *,
        tracking_number: str | None = None,
        actor: str = "system",
    ) -> ReturnRequest:
        """Count units of a return in at the warehouse (one parcel of several, perhaps).

        Raises:
            ReturnNotFound: No such return.
            ReturnStateError: It is not approved or receiving.
            ValidationError, InvalidQuantity: More units than are still
                expected, or an SKU not on the return; nothing changes.
        """
        return_id = require_code(return_id, "return_id")
        counted = _units(units, "units")
        if tracking_number is not None:
            tracking_number = require_text(tracking_number, "tracking_number", 120)
        actor = require_text(actor, "actor")

        def receive(uow: ReturnsUnitOfWork, request: ReturnRequest, order: Order) -> None:
            request.receive(counted)
            now = self._context.clock.now()
            target = ReturnState.RECEIVED if request.fully_received else ReturnState.RECEIVING
            note = f"received {_listed(counted)}" + (
                f" in {tracking_number}" if tracking_number else ""
            )
            if target is request.state:
                request.note(at=now, actor=actor, note=note)
            else:
                self._move(uow, request, target, actor, note)
            self._context.record(
                uow,
                ReturnReceived,
                aggregate_id=request.id,
                order_number=request.order_number,
                units=tuple(counted.items()),
                tracking_number=tracking_number,
            )

        request = self._change(return_id, receive)
        return self._settle_if_due(request)

    @writes("returns.inspect")
    def inspect(
        self,
        return_id: str,
        sku: str,
        outcome: InspectionOutcome | str,
        quantity: int = 1,
        *,
        note: str | None = None,
        actor: str = "system",
    ) -> ReturnRequest:
        """Record what inspection found of received units, and book them.

        ``restock`` puts them back into available stock through the ledger
        (a ``return`` movement naming the return); ``damaged`` books them in
        and writes them off (or sets them aside in the policy's
        ``damaged_to`` warehouse); ``refused`` records that they go back to
        the customer. Restocked and damaged units count as returned on the
        order, in the same transaction. Once everything received is
        inspected, the return is settled when the policy says so.

        Raises:
            ReturnNotFound: No such return.
            ReturnStateError: Nothing of it was received.
            ValidationError, InvalidQuantity: An SKU not on the return, or
                more units than wait for inspection; nothing changes.
        """
        return_id = require_code(return_id, "return_id")
        sku = require_code(sku, "sku")
        found = parse_enum(InspectionOutcome, outcome, "outcome")
        quantity = validate_quantity(quantity, "quantity")
        note = None if note is None else require_text(note, "note", 500)
        actor = require_text(actor, "actor")

        def inspect(uow: ReturnsUnitOfWork, request: ReturnRequest, order: Order) -> None:
            request.inspect(sku, found, quantity)
            if found is not InspectionOutcome.REFUSED:
                order.take_back({sku: quantity})
                damaged = found is InspectionOutcome.DAMAGED
                self._stock.take_back_within(
                    uow,
                    order_document(order.number),
                    {sku: quantity},
                    return_document=return_document(request.id),
                    damaged=damaged,
                    set_aside_in=self.policy.damaged_to if damaged else None,
                )
                if all(line.returned >= line.delivered for line in order.lines):
                    self._order_step(uow, order, "receive_return", actor, f"return {request.id}")
            request.note(
                at=self._context.clock.now(),
                actor=actor,
                note=f"{quantity} x {sku}: {found.value}" + (f" ({note})" if note else ""),
            )
            self._context.record(
                uow,
                ReturnInspected,
                aggregate_id=request.id,
                order_number=request.order_number,
                sku=sku,
                outcome=found.value,
                quantity=quantity,
                warehouse=request.warehouse,
            )

        request = self._change(return_id, inspect)
        return self._settle_if_due(request)

    @writes("returns.resolve")
    def resolve(self, return_id: str, *, actor: str = "system") -> ReturnRequest:
        """Settle a return's money now (or its exchange), whatever the policy's timing.

        The units settled are the ones the timing allows by now: asked for
        (refund on request), received, or accepted on inspection. Safe to
        call again: a refund or payment already made is found by its key.
        Use it to settle early, or to retry after a gateway failed.

        Raises:
            ReturnNotFound: No such return.
            ReturnStateError: It is rejected, cancelled or still waits for a decision.
        """
        return_id = require_code(return_id, "return_id")
        actor = require_text(actor, "actor")
        with self._context.store.unit_of_work(readonly=True) as uow:
            request = uow.returns.get(return_id)
        if request.state in (ReturnState.REQUESTED, ReturnState.REJECTED, ReturnState.CANCELLED):
            raise ReturnStateError(request.id, request.state.value, "resolve", request.allowed())
        return self._resolve(request, actor)

    @writes("returns.resolve")
    def charge_unreturned(self, return_id: str, *, actor: str = "system") -> ReturnRequest:
        """Take the held amount of an advance exchange whose units never came back.

        The hold is captured in full, the return is cancelled, and the order
        goes back to delivered.

        Raises:
            ReturnNotFound: No such return.
            ReturnStateError: It is no advance exchange with a hold, or units arrived.
        """
        return_id = require_code(return_id, "return_id")
        actor = require_text(actor, "actor")
        with self._context.store.unit_of_work(readonly=True) as uow:
            request = uow.returns.get(return_id)
        if request.hold_payment_id is None or request.state is not ReturnState.APPROVED:
            raise ReturnStateError(request.id, request.state.value, "charge_unreturned", ())
        self._money.capture(
            request.hold_payment_id, key=f"return:{request.id}:unreturned", final=True
        )

        def close(uow: ReturnsUnitOfWork, loaded: ReturnRequest, order: Order) -> None:
            loaded.resolved = True
            self._move(uow, loaded, ReturnState.CANCELLED, actor, "never came back: hold taken")
            self._settle_order(uow, order, loaded, "settle_return", actor)

        return self._change(return_id, close)

    # -- reading -------------------------------------------------------------------

    @reads("returns.read")
    def get(self, return_id: str) -> ReturnRequest:
        """The return with that id.

        Raises:
            ReturnNotFound: There is none.
        """
        with self._context.store.unit_of_work(readonly=True) as uow:
            return uow.returns.get(require_code(return_id, "return_id"))

    @reads("returns.read")
    def for_order(self, order: OrderRef) -> builtins.list[ReturnRequest]:
        """An order's returns, oldest first.

        Raises:
            OrderNotFound: No such order.
        """
        with self._context.store.unit_of_work(readonly=True) as uow:
            return uow.returns.for_order(load_order(uow, order).number)

    @reads("returns.read")
    def list(self) -> builtins.list[ReturnRequest]:
        """Every return, oldest first."""
        with self._context.store.unit_of_work(readonly=True) as uow:
            return uow.returns.all()

    @reads("returns.read")
    def reasons(self) -> dict[str, int]:
        """Units asked back per reason code, over every return not rejected or withdrawn."""
        counted: Counter[str] = Counter()
        for request in self.list():
            if request.state not in (ReturnState.REJECTED, ReturnState.CANCELLED):
                for line in request.lines:
                    counted[line.reason] += line.quantity
        return dict(counted.most_common())

    # -- claims ----------------------------------------------------------------------

    @writes("returns.claim")
    def file_claim(
        self,
        shipment_id: str,
        kind: ClaimKind | str,
        *,
        units: Mapping[str, int] | None = None,
        remedy: ClaimRemedy | str = ClaimRemedy.REPLACE,
        note: str | None = None,
        carrier_amount: Money | None = None,
        actor: str = "system",
    ) -> Claim:
        """Make the customer whole for a parcel lost or damaged, or the wrong item sent.

        ``replace`` places a linked order for the units at no charge, reserves
        their stock and makes its shipments in the same go; ``refund`` pays
        them back by lines. Nothing waits for anything to come back. When the
        shipment went with a carrier, a claim against it is recorded for
        ``carrier_amount`` (by default what the units cost).

        Raises:
            ShipmentNotFound: No such shipment.
            ValidationError, InvalidQuantity: It has not left the warehouse,
                or more units than it carried (less those claimed before).
            InsufficientStock: No warehouse can replace the units; nothing
                is recorded.
        """
        shipment_id = require_code(shipment_id, "shipment_id")
        claim_kind = parse_enum(ClaimKind, kind, "kind")
        chosen = parse_enum(ClaimRemedy, remedy, "remedy")
        asked = None if units is None else _units(units, "units")
        note = None if note is None else require_text(note, "note", 1000)
        if carrier_amount is not None and (
            not isinstance(carrier_amount, Money) or carrier_amount.amount < 0
        ):
            raise ValidationError("carrier_amount", carrier_amount, "give a Money >= 0")
        actor = require_text(actor, "actor")
        claim = self._open_claim(
            shipment_id, claim_kind, chosen, asked, note, carrier_amount, actor
        )
        if claim.replacement_order_id is not None:
            self._shipping.create_shipments(claim.replacement_order_id, actor=actor)
        if chosen is ClaimRemedy.REFUND and claim.refund_id is None:
            refund = self._money.refund_order(
                claim.order_id,
                key=f"claim:{claim.id}",
                lines=claim.unit_map,
                reason=f"claim {claim.id}: {claim_kind.value}",
            )
            claim = self._claim_refunded(claim.id, refund.id)
        return claim

    @retried
    def _open_claim(
        self,
        shipment_id: str,
        kind: ClaimKind,
        remedy: ClaimRemedy,
        asked: dict[str, int] | None,
        note: str | None,
        carrier_amount: Money | None,
        actor: str,
    ) -> Claim:
        context = self._context
        with context.store.unit_of_work() as uow:
            shipment = uow.shipments.get(shipment_id)
            if shipment.state not in LEFT_STOCK:
                raise ValidationError("shipment_id", shipment_id, "it has not left the warehouse")
            order = uow.orders.get(shipment.order_id)
            claimed: Counter[str] = Counter()
            for earlier in uow.claims.for_order(order.number):
                if earlier.shipment_id == shipment.id:
                    claimed.update(earlier.unit_map)
            carried = shipment.units
            units = (
                asked
                if asked is not None
                else {sku: quantity - claimed[sku] for sku, quantity in carried.items()}
            )
            units = {sku: quantity for sku, quantity in units.items() if quantity}
            for sku, quantity in units.items():
                left = carried.get(sku, 0) - claimed[sku]
                if quantity > left:
                    raise InvalidQuantity(
                        f"units[{sku}]", quantity, f"the shipment has {max(left, 0)} unclaimed"
                    )
            if not units:
                raise ValidationError("units", asked, "every unit of the shipment is claimed")
            worth = _worth(order, units)
            claim = Claim(
                id=context.ids.new(),
                order_id=order.id,
                order_number=order.number,
                shipment_id=shipment.id,
                kind=kind,
                remedy=remedy,
                units=tuple(units.items()),
                filed_at=context.clock.now(),
                note=note,
                carrier_claim=None
                if shipment.carrier is None
                else CarrierClaim(
                    carrier=shipment.carrier,
                    tracking_number=shipment.tracking_number,
                    amount=carrier_amount if carrier_amount is not None else worth,
                ),
            )
            if remedy is ClaimRemedy.REPLACE:
                linked = self._linked_order(
                    uow,
                    order,
                    units,
                    free=True,
                    tags=("replacement",),
                    attributes={"replaces": str(order.number), "claim": claim.id},
                    actor=actor,
                )
                claim.replacement_order_id = linked.id
                claim.settled = True
            context.record(
                uow,
                ClaimFiled,
                aggregate_id=claim.id,
                order_number=order.number,
                shipment_id=shipment.id,
                kind=kind.value,
                remedy=remedy.value,
                units=claim.units,
            )
            uow.claims.add(claim)
            uow.commit()
        return claim

    @retried
    def _claim_refunded(self, claim_id: str, refund_id: str) -> Claim:
        with self._context.store.unit_of_work() as uow:
            claim = uow.claims.get(claim_id)
            claim.refund_id, claim.settled = refund_id, True
            uow.claims.save(claim)
            uow.commit()
        return claim

    @writes("returns.claim")
    @retried
    def settle_carrier_claim(
        self,
        claim_id: str,
        *,
        paid: Money | None,
        reference: str | None = None,
        note: str | None = None,
    ) -> Claim:
        """Record the carrier's answer to a claim: what it paid, or ``paid=None`` for denied.

        Raises:
            ClaimNotFound: No such claim.
            ValidationError: The claim has no carrier claim, or it was answered already.
        """
        claim_id = require_code(claim_id, "claim_id")
        if paid is not None and (not isinstance(paid, Money) or paid.amount < 0):
            raise ValidationError("paid", paid, "give a Money >= 0, or None for denied")
        reference = None if reference is None else require_text(reference, "reference", 120)
        note = None if note is None else require_text(note, "note", 500)
        with self._context.store.unit_of_work() as uow:
            claim = uow.claims.get(claim_id)
            filed = claim.carrier_claim
            if filed is None or filed.state != "filed":
                raise ValidationError("claim_id", claim_id, "has no carrier claim waiting")
            state = "denied" if paid is None else "paid"
            claim.carrier_claim = CarrierClaim(
                carrier=filed.carrier,
                tracking_number=filed.tracking_number,
                amount=filed.amount,
                state=state,
                reference=reference,
                paid=paid,
                note=note,
            )
            self._context.record(
                uow,
                CarrierClaimSettled,
                aggregate_id=claim.id,
                carrier=filed.carrier,
                state=state,
                paid=paid,
            )
            uow.claims.save(claim)
            uow.commit()
        return claim

    @reads("returns.read")
    def claims(self, order: OrderRef) -> builtins.list[Claim]:
        """An order's claims, oldest first.

        Raises:
            OrderNotFound: No such order.
        """
        with self._context.store.unit_of_work(readonly=True) as uow:
            return uow.claims.for_order(load_order(uow, order).number)

    # -- after delivery --------------------------------------------------------------

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

    def schedule_follow_up(
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
    def send_follow_ups(
        self, at: datetime | None = None, *, limit: int = 100
    ) -> builtins.list[FollowUp]:
        """Announce the follow-ups due by ``at`` (now by default), once each.

        Each becomes a :class:`~orderkit.returns.FollowUpDue` event in the
        outbox, for the host to turn into an email or a survey.

        Raises:
            InvalidTime: ``at`` is naive.
            ValidationError: ``limit`` is not a positive int.
        """
        at = self._context.clock.now() if at is None else require_aware(at, "at")
        limit = require_limit(limit)
        sent: builtins.list[FollowUp] = []
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
    def perfect_orders(self, orders: Iterable[OrderRef]) -> builtins.list[PerfectOrder]:
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

    # -- inside --------------------------------------------------------------------

    @retried
    def _change(self, return_id: str, change: _Change) -> ReturnRequest:
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

    def _move(
        self,
        uow: ReturnsUnitOfWork,
        request: ReturnRequest,
        to: ReturnState,
        actor: str,
        note: str | None,
    ) -> None:
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

    def _order_step(
        self, uow: ReturnsUnitOfWork, order: Order, command: str, actor: str, reason: str
    ) -> None:
        """Fire ``command`` on the order where its workflow allows it from its state."""
        if command in self._orders.policy.workflow.allowed(order.state):
            self._orders.fire_within(uow, order, command, actor="system:returns", reason=reason)

    def _settle_order(
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
        self._order_step(uow, order, command, actor, f"return {request.id}")

    def _after_approval(
        self, return_id: str, payment_source: str | None, payment_gateway: str | None
    ) -> None:
        request = self.get(return_id)
        if request.advance and payment_source is not None:
            self._ship_advance(request, payment_source, payment_gateway)
        elif request.refund_when is RefundTiming.REQUESTED and not request.advance:
            self._resolve(request, "return-policy")

    def _settle_if_due(self, request: ReturnRequest) -> ReturnRequest:
        due = {
            RefundTiming.REQUESTED: True,
            RefundTiming.RECEIVED: request.fully_received,
            RefundTiming.INSPECTED: request.fully_received and request.fully_inspected,
        }[request.refund_when]
        if not request.resolved and due and request.state is ReturnState.RECEIVED:
            return self._resolve(request, "return-policy")
        if request.resolved and request.state is ReturnState.RECEIVED and request.fully_inspected:
            return self._close(request.id, "return-policy")
        return request

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

    def _resolve(self, request: ReturnRequest, actor: str) -> ReturnRequest:
        if request.resolved:
            return request
        units = self._settled_units(request)
        refund_ids: builtins.list[str] = []
        if units and request.resolution is ReturnResolution.EXCHANGE:
            refund_ids = self._settle_exchange(request, units, actor)
        elif units:
            with self._context.store.unit_of_work(readonly=True) as uow:
                order = uow.orders.get(request.order_id)
            worth = _worth(order, units)
            kept = min(self._fees(request, units), worth)
            if kept < worth or request.refund_shipping:
                refund = self._money.refund_order(
                    request.order_id,
                    key=f"return:{request.id}",
                    lines=units,
                    shipping=request.refund_shipping,
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
        self, return_id: str, refund_ids: builtins.list[str], actor: str
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
            self._move(uow, request, ReturnState.CLOSED, actor, "inspected and settled")
            if order.state == OrderState.RETURN_REQUESTED:
                self._settle_order(uow, order, request, "settle_return", actor)

        return self._change(return_id, close)

    # -- exchanges -------------------------------------------------------------------

    def _ship_advance(self, request: ReturnRequest, source: str, gateway: str | None) -> None:
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
            self._order_step(uow, linked, "mark_ready", "system:returns", "held against a return")
            uow.orders.save(linked)

        self._change(request.id, held)
        self._shipping.create_shipments(linked_id, actor="system:returns")

    def _place_exchange(self, return_id: str) -> str:
        def place(uow: ReturnsUnitOfWork, request: ReturnRequest, order: Order) -> None:
            if request.exchange_order_id is not None:
                return
            linked = self._linked_order(
                uow,
                order,
                {line.sku: line.quantity for line in request.exchange},
                free=False,
                tags=("exchange",),
                attributes={"exchange_for": str(order.number), "return": request.id},
                actor="system:returns",
            )
            request.exchange_order_id = linked.id

        placed = self._change(return_id, place)
        assert placed.exchange_order_id is not None
        return placed.exchange_order_id

    def _order_total(self, order_id: str) -> Money:
        with self._context.store.unit_of_work(readonly=True) as uow:
            return uow.orders.get(order_id).grand_total

    def _settle_exchange(
        self, request: ReturnRequest, units: Mapping[str, int], actor: str
    ) -> builtins.list[str]:
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
        worth = _worth(order, units)
        fees = min(self._fees(request, units), worth)
        value = worth - fees
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
                self._order_step(uow, linked, "await_payment", "system:returns", "difference due")
            else:
                self._order_step(uow, linked, "mark_ready", "system:returns", "paid by the return")
            uow.orders.save(linked)

        self._change(return_id, release)
        if not owed.amount:
            self._shipping.create_shipments(linked_id, actor="system:returns")

    def _linked_order(
        self,
        uow: ReturnsUnitOfWork,
        order: Order,
        units: Mapping[str, int],
        *,
        free: bool,
        tags: Sequence[str],
        attributes: Mapping[str, str],
        actor: str,
    ) -> Order:
        """Place and confirm an order linked to ``order`` (its stock is reserved at once).

        A free one (a replacement) discounts each line by its whole price and
        is ready to fulfil at once.
        """
        linked = self._orders.place_within(
            uow,
            order.customer_id,
            list(units.items()),
            channel=order.channel,
            ship_to=order.ship_to,
            line_discounts={
                sku: uow.products.get(sku).price * quantity for sku, quantity in units.items()
            }
            if free
            else None,
            tags=tags,
            attributes=attributes,
            actor=actor,
        )
        if linked.state == OrderState.PLACED:
            self._order_step(uow, linked, "confirm", actor, f"linked to order {order.number}")
        if free:
            self._order_step(uow, linked, "mark_ready", actor, "a replacement costs nothing")
        uow.orders.save(linked)
        return linked


class _Change(Protocol):
    def __call__(self, uow: ReturnsUnitOfWork, request: ReturnRequest, order: Order, /) -> None: ...


def _worth(order: Order, units: Mapping[str, int]) -> Money:
    """What ``units`` of the order's lines cost the customer (shipping aside)."""
    values = goods_values(order)
    return Money.sum(
        (
            line_refund(values[sku], order.line(sku).open_quantity, 0, quantity)
            for sku, quantity in units.items()
        ),
        order.currency,
    )


def _category(uow: ReturnsUnitOfWork, sku: str) -> str | None:
    try:
        return uow.products.get(sku).category
    except ProductNotFound:
        return None


def _delivered_at(order: Order, shipments: Sequence[Shipment]) -> datetime | None:
    """When the order's units were last delivered: by its shipments, or its history."""
    times = [s.delivered_at for s in shipments if s.delivered_at is not None]
    if times:
        return max(times)
    entered = [entry.at for entry in order.history if entry.to_state == OrderState.DELIVERED]
    return entered[-1] if entered else None


def _listed(units: Mapping[str, int]) -> str:
    return ", ".join(f"{quantity} x {sku}" for sku, quantity in units.items())


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
