"""ReturnsService (``shop.returns``): return requests from the ask to the refund or exchange."""

from __future__ import annotations

import builtins
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime

from orderkit.core.access import reads, writes
from orderkit.core.checks import parse_enum, require_code, require_text
from orderkit.core.context import ServiceContext, retried
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
    Parcel,
    Shipment,
    TrackingEvent,
)
from orderkit.inventory.ports import order_document
from orderkit.lifecycle.ports import Order, OrderRef, OrderState, load_order
from orderkit.returns.claim_service import ClaimService
from orderkit.returns.events import (
    ReturnInspected,
    ReturnReceived,
    ReturnRequested,
)
from orderkit.returns.follow_up_service import AfterDeliveryService
from orderkit.returns.linked import (
    LinkedOrders,
    ReturnMoney,
    ShipmentMaker,
    order_step,
    parse_units,
    worth,
)
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
from orderkit.returns.settlement_service import SettlementService

__all__ = ["ReturnsService"]


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

    Attributes:
        policy: The return policy.
        claims_desk: Claims on shipments
            (:class:`~orderkit.returns.claim_service.ClaimService`).
        after_delivery: Feedback, follow-ups and perfect orders
            (:class:`~orderkit.returns.follow_up_service.AfterDeliveryService`).

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
        self._settlement = SettlementService(context, orders, money, shipping)
        self._change = self._settlement.change
        self._move = self._settlement.move
        self._settle_order = self._settlement.settle_order
        self._settle_if_due = self._settlement.settle_if_due
        self._resolve = self._settlement.resolve
        self.claims_desk = ClaimService(context, orders, money, shipping)
        self.after_delivery = AfterDeliveryService(context, policy)
        self.file_claim = self.claims_desk.file_claim
        self.settle_carrier_claim = self.claims_desk.settle_carrier_claim
        self.claims = self.claims_desk.claims
        self.leave_feedback = self.after_delivery.leave_feedback
        self.feedback = self.after_delivery.feedback
        self.follow_up_within = self.after_delivery.follow_up_within
        self.send_follow_ups = self.after_delivery.send_follow_ups
        self.perfect_order = self.after_delivery.perfect_order
        self.perfect_orders = self.after_delivery.perfect_orders

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
        until the units are back. When the card refuses the hold,
        ``PaymentDeclined`` is raised and the return stays approved: its
        exchange order waits, its stock held, and ships once the units are
        back, as an ordinary exchange.

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
            PaymentDeclined: The card refused an advance exchange's hold
                (the return is recorded; see above).
        """
        units = parse_units(lines, "lines")
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
        wanted = parse_units(exchange, "exchange") if exchange is not None else {}
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
        return self._load(request.id)

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
            value = worth(loaded, units)
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
                order_step(self._orders, uow, loaded, "request_return", f"return {request.id}")
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
        return self._load(return_id)

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
            if request.hold_payment_id is not None:
                raise ReturnStateError(
                    request.id, request.state.value, "cancel", ("its exchange has shipped",)
                )
            if request.resolved:
                raise ReturnStateError(
                    request.id, request.state.value, "cancel", ("it is refunded already",)
                )
            if request.exchange_order_id is not None:
                # An advance exchange whose hold was refused: its order never shipped.
                linked = uow.orders.get(request.exchange_order_id)
                order_step(self._orders, uow, linked, "cancel", f"return {request.id} withdrawn")
                uow.orders.save(linked)
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
        counted = parse_units(units, "units")
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
            line = order.line(sku)
            # Units the order counts back already (its own receive_return, fired
            # by hand, takes every delivered unit back and restocks it) are not
            # booked a second time.
            fresh = min(quantity, line.delivered - line.returned)
            if found is not InspectionOutcome.REFUSED and fresh > 0:
                order.take_back({sku: fresh})
                damaged = found is InspectionOutcome.DAMAGED
                self._stock.take_back_within(
                    uow,
                    order_document(order.number),
                    {sku: fresh},
                    return_document=return_document(request.id),
                    damaged=damaged,
                    set_aside_in=self.policy.damaged_to if damaged else None,
                )
                if all(line.returned >= line.delivered for line in order.lines):
                    order_step(self._orders, uow, order, "receive_return", f"return {request.id}")
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

    # -- inside --------------------------------------------------------------------

    def _after_approval(
        self, return_id: str, payment_source: str | None, payment_gateway: str | None
    ) -> None:
        request = self._load(return_id)
        if request.advance and payment_source is not None:
            self._settlement.ship_advance(request, payment_source, payment_gateway)
        elif request.refund_when is RefundTiming.REQUESTED and not request.advance:
            self._settlement.resolve_or_note(request, "return-policy")

    def _load(self, return_id: str) -> ReturnRequest:
        with self._context.store.unit_of_work(readonly=True) as uow:
            return uow.returns.get(return_id)


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
