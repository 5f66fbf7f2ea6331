"""The fulfilment service: shipments from an order's reservations to the customer's door."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

import attrs

from orderkit.core.access import reads, writes
from orderkit.core.checks import MAX_INT, require_aware, require_code, require_limit, require_text
from orderkit.core.context import ServiceContext, retried
from orderkit.errors import ConfigurationError, InvalidTransition, OrderNotFound, ValidationError
from orderkit.fulfillment.carriers import (
    Carrier,
    LabelRequest,
    RateQuote,
    RateRequest,
    TrackingEvent,
    TrackingStatus,
)
from orderkit.fulfillment.events import (
    ShipmentCreated,
    ShipmentMoved,
    ShipmentProblem,
    ShortPicked,
)
from orderkit.fulfillment.kits import expand, parts_of, whole_sets
from orderkit.fulfillment.last_mile import (
    OWN_DRIVERS,
    PICKUP,
    ProofOfDelivery,
    order_stops,
    pickup_code,
)
from orderkit.fulfillment.order_progress import follow_shipments
from orderkit.fulfillment.packing import Box, Package, PackItem, choose_boxes
from orderkit.fulfillment.parcels import Parcel
from orderkit.fulfillment.picking import PickList, PriorityRules, plan_pick_lists, share_found
from orderkit.fulfillment.ports import (
    DeliveryHook,
    FulfilmentUnitOfWork,
    OrderSteps,
    ShipmentStock,
)
from orderkit.fulfillment.promises import Promise, ShippingCalendar
from orderkit.fulfillment.rates import QuoteBook, RateRule, choose_rate, gather_quotes
from orderkit.fulfillment.shipments import (
    NEXT_STATES,
    PackingSlip,
    RateChoice,
    Shipment,
    ShipmentLine,
    ShipmentState,
    ShipmentStep,
    shipment_document,
)
from orderkit.inventory.ports import ReservationStatus, order_document
from orderkit.lifecycle.ports import Order, OrderRef, OrderState, load_order

__all__ = ["FulfilmentService"]

_PROBLEMS = frozenset(
    {ShipmentState.DELIVERY_FAILED, ShipmentState.EXCEPTION, ShipmentState.RETURNED_TO_SENDER}
)
_MOVING = frozenset(TrackingStatus) - {
    TrackingStatus.LABEL_CREATED,
    TrackingStatus.CANCELLED,
    TrackingStatus.UNKNOWN,
}
"""Tracking statuses that say the carrier has the parcel."""
_FINAL = frozenset(
    {ShipmentState.DELIVERED, ShipmentState.CANCELLED, ShipmentState.RETURNED_TO_SENDER}
)
_TROUBLED = (
    ShipmentState.DELIVERY_FAILED,
    ShipmentState.EXCEPTION,
    ShipmentState.RETURNED_TO_SENDER,
)


def _by_price(quote: RateQuote) -> tuple[object, ...]:
    return (quote.price.amount, quote.delivery_date, quote.carrier, quote.service)


_FULFILLING = frozenset(
    {
        OrderState.READY_TO_FULFIL,
        OrderState.PICKING,
        OrderState.PACKED,
        OrderState.PARTIALLY_SHIPPED,
    }
)
"""Order states in which units may be picked, packed and shipped."""


class FulfilmentService:
    """Ship orders in shipments: create, pick (short picks too), pack, ship, deliver.

    Each call is one unit of work that changes the shipment, the order's
    per-line counters and state, and the stock ledger together, or nothing.
    Shipments are made from what an order's reservations hold, one per
    warehouse, so a line can never ship more than ordered minus cancelled.

    Args:
        context: The shop's shared parts.
        orders: Moves orders along their workflow (the shop's order service).
        stock: Moves the units in the ledger (the shop's reservation service).
        carriers: The carriers to quote, buy labels from and track with.
        quotes: Where quotes are kept between calls (a new
            :class:`~orderkit.fulfillment.rates.QuoteBook` by default).
        calendars: Per warehouse code, the calendar that promises dates
            (:class:`~orderkit.fulfillment.promises.ShippingCalendar`).
        priority_rules: How pick priorities follow from orders.
        on_delivered: Called inside the unit of work that records an order's
            last units delivered, with the order and the delivery time (the
            returns capability schedules its follow-up here).
        on_other_tracking: Called, after the transaction, with tracking events
            for numbers no shipment has (the returns capability follows its
            return parcels with them).

    Attributes:
        carriers: The carriers by code.
        quotes: The quote book.
        calendars: The shipping calendars by warehouse code.
        priority_rules: The pick priority rules.

    Raises:
        ConfigurationError: A carrier that is not one, or two with one code.
    """

    def __init__(
        self,
        context: ServiceContext[FulfilmentUnitOfWork],
        orders: OrderSteps,
        stock: ShipmentStock,
        carriers: Sequence[Carrier] = (),
        quotes: QuoteBook | None = None,
        calendars: Mapping[str, ShippingCalendar] | None = None,
        priority_rules: PriorityRules | None = None,
        on_delivered: Sequence[DeliveryHook] = (),
        on_other_tracking: Sequence[Callable[[Sequence[TrackingEvent]], object]] = (),
    ) -> None:
        self._context = context
        self._on_delivered = tuple(on_delivered)
        self._on_other_tracking = tuple(on_other_tracking)
        self._orders = orders
        self._stock = stock
        self.carriers: dict[str, Carrier] = {}
        for carrier in carriers:
            if not isinstance(carrier, Carrier):
                raise ConfigurationError("carriers", carrier, "must implement orderkit.Carrier")
            if carrier.code in self.carriers:
                raise ConfigurationError("carriers", carrier.code, "two carriers share this code")
            self.carriers[carrier.code] = carrier
        self.quotes = quotes if quotes is not None else QuoteBook()
        self.calendars: Mapping[str, ShippingCalendar] = dict(calendars or {})
        self.priority_rules = priority_rules or PriorityRules()

    @writes("fulfilment.create")
    @retried
    def create_shipments(
        self,
        order: OrderRef,
        *,
        ship_by: datetime | None = None,
        deliver_by: datetime | None = None,
        actor: str = "system",
    ) -> list[Shipment]:
        """Make shipments for the units an order holds that are in no shipment yet.

        One shipment per warehouse the order's reservations hold units in.
        Units still backordered join a later shipment once stock arrives;
        calling this again when nothing new is held makes nothing. Dates not
        given are promised by the warehouse's shipping calendar, from when
        the order was placed, when the shop has one for it.

        Returns:
            The shipments made (empty when every held unit is in one already).

        Raises:
            OrderNotFound: No such order.
            InvalidTransition: The order is not being fulfilled (placed,
                awaiting payment, on hold, cancelled, shipped ...).
            ValidationError: A naive or malformed date or actor.
        """
        actor = require_text(actor, "actor")
        ship_by = None if ship_by is None else require_aware(ship_by, "ship_by")
        deliver_by = None if deliver_by is None else require_aware(deliver_by, "deliver_by")
        context = self._context
        now = context.clock.now()
        number = self._number_of(order)
        with context.store.unit_of_work() as uow:
            # Shipments before the order: every store then takes its locks in
            # one order, records first (see _load), and racing writers cannot deadlock.
            shipments = uow.shipments.for_order(number)
            loaded = load_order(uow, number)
            self._check_fulfilling(loaded, "create_shipments")
            made = []
            for warehouse, units in sorted(self._unshipped(uow, loaded, shipments).items()):
                promised = self._promise(loaded, warehouse)
                shipment = Shipment(
                    id=context.ids.new(),
                    order_id=loaded.id,
                    order_number=loaded.number,
                    warehouse=warehouse,
                    lines=[ShipmentLine(sku, quantity) for sku, quantity in sorted(units.items())],
                    created_at=now,
                    ship_by=ship_by or (promised.ship_by if promised else None),
                    deliver_by=deliver_by or (promised.deliver_by if promised else None),
                )
                uow.shipments.add(shipment)
                context.record(
                    uow,
                    ShipmentCreated,
                    aggregate_id=shipment.id,
                    order_number=loaded.number,
                    warehouse=warehouse,
                    lines=tuple(sorted(units.items())),
                )
                made.append(shipment)
            if made:
                uow.orders.save(loaded)  # a new version: shipments made at once conflict
            uow.commit()
        return made

    @writes("fulfilment.pick")
    @retried
    def pick(
        self,
        shipment_id: str,
        picked: Mapping[str, int] | None = None,
        *,
        actor: str = "system",
    ) -> Shipment:
        """Confirm a shipment picked: every unit, or the units found per SKU.

        A short pick (``picked={"TEE-M": 1}`` where two were planned) gives
        the missing units back: they leave the reservation, are written off
        the warehouse's on-hand stock as not found, and are reserved for the
        order again by the usual routing (another warehouse, or a backorder
        when the product allows one). A later :meth:`create_shipments` ships them.

        Raises:
            ShipmentNotFound: No such shipment.
            ShipmentStateError: It is not waiting to be picked.
            InvalidTransition: Its order is not being fulfilled.
            ValidationError, InvalidQuantity: A SKU not in the shipment, more
                units than planned, or nothing found at all (cancel it instead).
        """
        actor = require_text(actor, "actor")
        if picked is not None and not isinstance(picked, Mapping):
            raise ValidationError("picked", picked, "give a mapping of SKUs to units found")
        with self._context.store.unit_of_work() as uow:
            shipment = self._pick_within(uow, shipment_id, picked, actor)
            uow.commit()
        return shipment

    def _pick_within(
        self,
        uow: FulfilmentUnitOfWork,
        shipment_id: str,
        picked: Mapping[str, int] | None,
        actor: str,
    ) -> Shipment:
        """Pick one shipment; with nothing found at all it is cancelled, its units given back."""
        shipment, order, shipments = self._load(uow, shipment_id)
        shipment.check("pick", ShipmentState.PICKED)
        self._check_fulfilling(order, "pick")
        missing = shipment.keep_found(picked) if picked else {}
        note = None
        if missing:
            note = "short: " + ", ".join(f"{sku} {n}" for sku, n in sorted(missing.items()))
            self._reallocate(uow, order, shipment, missing)
        found_none = missing == shipment.units
        target = ShipmentState.CANCELLED if found_none else ShipmentState.PICKED
        note = f"nothing found ({note})" if found_none else note
        if not found_none:
            self._hand_over(uow, order, shipment, to_shipment=True)
        self._step(uow, shipment, order, target, actor, note, shipments)
        return shipment

    def _hand_over(
        self, uow: FulfilmentUnitOfWork, order: Order, shipment: Shipment, *, to_shipment: bool
    ) -> None:
        """Picked units are set aside for the shipment in the ledger (or back for the order)."""
        documents = (order_document(order.number), shipment_document(shipment.id))
        source, target = documents if to_shipment else documents[::-1]
        self._hand_units(uow, shipment.warehouse, shipment.units, source, target)

    def _hand_units(
        self,
        uow: FulfilmentUnitOfWork,
        warehouse: str,
        units: Mapping[str, int],
        source: str,
        target: str,
    ) -> None:
        for part, count in sorted(expand(units, parts_of(uow, units)).items()):
            self._stock.hand_over_within(
                uow, part, warehouse, count, from_document=source, to_document=target
            )

    @reads("fulfilment.read")
    def pick_lists(
        self,
        warehouse: str,
        *,
        group_by: Sequence[str] = (),
        max_orders: int = 20,
        max_lines: int = 200,
        rules: PriorityRules | None = None,
    ) -> list[PickList]:
        """Batch the warehouse's shipments waiting to be picked into pick lists.

        Most urgent first by ``rules`` (the shop's default
        :class:`~orderkit.fulfillment.picking.PriorityRules` when not given; a
        priority set with :meth:`prioritise` wins), grouped by ``group_by``
        (``"country"``, ``"carrier"``, ``"service"``, ``"ship_by"``,
        ``"priority"``), at most ``max_orders`` shipments and ``max_lines``
        lines a list (``max_orders=1``: one order a list), each walked in
        bin order. Nothing is saved: confirm a list with :meth:`confirm_pick_list`.

        Raises:
            ValidationError: An unknown grouping key, a limit below one, or
                rules that are not PriorityRules.
        """
        warehouse = require_code(warehouse, "warehouse")
        if rules is not None and not isinstance(rules, PriorityRules):
            raise ValidationError("rules", rules, "give PriorityRules, or None for the shop's")
        with self._context.store.unit_of_work(readonly=True) as uow:
            waiting = [
                (load_order(uow, shipment.order_id), shipment)
                for shipment in uow.shipments.in_state(ShipmentState.CREATED)
                if shipment.warehouse == warehouse
            ]
            bins = uow.stock.bins(warehouse)
        return plan_pick_lists(
            warehouse,
            waiting,
            bins,
            self._context.clock.now(),
            rules=rules or self.priority_rules,
            group_by=group_by,
            max_orders=max_orders,
            max_lines=max_lines,
        )

    @writes("fulfilment.pick")
    @retried
    def confirm_pick_list(
        self,
        pick_list: PickList,
        found: Mapping[str, int] | None = None,
        *,
        actor: str = "system",
    ) -> list[Shipment]:
        """Confirm a pick list: every unit found, or the units found per SKU.

        Units found are shared among the list's shipments most urgent first;
        a shipment that comes up short is handled as in :meth:`pick`, and one
        that got nothing at all is cancelled with its units given back. All
        of the list's shipments are picked in one unit of work, or none.

        Raises:
            ValidationError, InvalidQuantity: A SKU not on the list, or more found than asked.
            ShipmentStateError: One of its shipments was picked or cancelled since.
        """
        actor = require_text(actor, "actor")
        if not isinstance(pick_list, PickList):
            raise ValidationError("pick_list", pick_list, "give a PickList from pick_lists()")
        if found is not None and not isinstance(found, Mapping):
            raise ValidationError("found", found, "give a mapping of SKUs to units found")
        shares = share_found(pick_list, found or {})
        with self._context.store.unit_of_work() as uow:
            picked = [
                self._pick_within(uow, shipment_id, shares[shipment_id], actor)
                for shipment_id in pick_list.shipments
            ]
            uow.commit()
        return picked

    @writes("fulfilment.prioritise")
    @retried
    def prioritise(
        self, shipment_id: str, priority: int | None, *, reason: str, actor: str = "system"
    ) -> Shipment:
        """Set a shipment's pick priority by hand (lower is first), or ``None`` to follow the rules.

        Raises:
            ShipmentNotFound: No such shipment.
            ValidationError: A priority outside 0 to 1000, or no reason.
        """
        actor = require_text(actor, "actor")
        reason = require_text(reason, "reason", 500)
        with self._context.store.unit_of_work() as uow:
            shipment = uow.shipments.get(require_code(shipment_id, "shipment_id"))
            shipment.priority, shipment.priority_reason = priority, reason
            attrs.validate(shipment)
            uow.shipments.save(shipment)
            uow.commit()
        return shipment

    @writes("fulfilment.pack")
    @retried
    def pack(
        self, shipment_id: str, packages: Sequence[Parcel], *, actor: str = "system"
    ) -> Shipment:
        """Record a picked shipment packed into ``packages``.

        Raises:
            ShipmentNotFound: No such shipment.
            ShipmentStateError: It is not picked.
            InvalidTransition: Its order is not being fulfilled.
            ValidationError: No parcels, or something that is not a Parcel.
        """
        actor = require_text(actor, "actor")
        if isinstance(packages, Parcel | str | bytes) or not isinstance(packages, Sequence):
            raise ValidationError("packages", packages, "give a list of Parcels")
        if not packages or not all(isinstance(parcel, Parcel) for parcel in packages):
            raise ValidationError("packages", packages, "give one Parcel or more, and only Parcels")
        with self._context.store.unit_of_work() as uow:
            shipment, order, shipments = self._load(uow, shipment_id)
            shipment.check("pack", ShipmentState.PACKED)
            self._check_fulfilling(order, "pack")
            shipment.packages = tuple(packages)
            self._step(uow, shipment, order, ShipmentState.PACKED, actor, None, shipments)
            uow.commit()
        return shipment

    @reads("fulfilment.read")
    def plan_packages(self, shipment_id: str, boxes: Sequence[Box]) -> list[Package]:
        """Choose boxes from ``boxes`` for a shipment's units (see :func:`choose_boxes`).

        Reads each product's ``dimensions`` and ``weight_g``; nothing is saved.
        Pack the plan with ``pack(shipment_id, [p.parcel() for p in plan])``
        or in one step with :meth:`pack_in_boxes`.

        Raises:
            ShipmentNotFound: No such shipment.
            ValidationError: A product without dimensions or weight, a unit
                that fits no box, or no boxes.
        """
        with self._context.store.unit_of_work(readonly=True) as uow:
            shipment = uow.shipments.get(require_code(shipment_id, "shipment_id"))
            return choose_boxes(_pack_items(uow, shipment), boxes)

    @writes("fulfilment.pack")
    @retried
    def pack_in_boxes(
        self, shipment_id: str, boxes: Sequence[Box], *, actor: str = "system"
    ) -> Shipment:
        """Choose boxes from ``boxes`` for a picked shipment and record it packed in them.

        Raises:
            ShipmentNotFound: No such shipment.
            ShipmentStateError: It is not picked.
            InvalidTransition: Its order is not being fulfilled.
            ValidationError: As for :meth:`plan_packages`.
        """
        actor = require_text(actor, "actor")
        with self._context.store.unit_of_work() as uow:
            shipment, order, shipments = self._load(uow, shipment_id)
            shipment.check("pack", ShipmentState.PACKED)
            self._check_fulfilling(order, "pack")
            plan = choose_boxes(_pack_items(uow, shipment), boxes)
            shipment.packages = tuple(package.parcel() for package in plan)
            note = "boxes: " + ", ".join(package.box.code for package in plan)
            self._step(uow, shipment, order, ShipmentState.PACKED, actor, note, shipments)
            uow.commit()
        return shipment

    @writes("fulfilment.ship")
    @retried
    def ship(
        self,
        shipment_id: str,
        *,
        carrier: str | None = None,
        service: str | None = None,
        tracking_number: str | None = None,
        actor: str = "system",
    ) -> Shipment:
        """Hand a packed shipment to a carrier: its units leave stock.

        A shipment with a bought label goes with the label's carrier, service
        and tracking number; one without names its carrier (``"own-driver"``
        for the shop's own). The units leave through the ledger as ``commit``
        movements naming the shipment; the order's shipped counters follow,
        and the order moves to ``partially_shipped`` or, when every open unit
        has shipped, ``shipped``.

        Raises:
            ShipmentNotFound: No such shipment.
            ShipmentStateError: It is not packed (or has shipped already).
            InvalidTransition: Its order is not being fulfilled.
            ValidationError: No carrier for a shipment without a label, one
                that differs from its label's, or a blank or overlong text.
        """
        actor = require_text(actor, "actor")
        carrier = None if carrier is None else require_text(carrier, "carrier", 80)
        service = None if service is None else require_text(service, "service", 80)
        if tracking_number is not None:
            tracking_number = require_text(tracking_number, "tracking_number", 120)
        with self._context.store.unit_of_work() as uow:
            shipment, order, shipments = self._load(uow, shipment_id)
            shipment.check("ship", ShipmentState.SHIPPED)
            self._check_fulfilling(order, "ship")
            if shipment.state is ShipmentState.LABEL_PURCHASED:
                if carrier not in (None, shipment.carrier):
                    raise ValidationError(
                        "carrier", carrier, f"the label is {shipment.carrier}'s; cancel it first"
                    )
            elif carrier is None:
                raise ValidationError("carrier", None, "name the carrier, or buy a label first")
            else:
                shipment.carrier, shipment.service = carrier, service
                shipment.tracking_number = tracking_number
            self._ship_within(uow, shipment, order, shipments, actor)
            uow.commit()
        return shipment

    def _ship_within(
        self,
        uow: FulfilmentUnitOfWork,
        shipment: Shipment,
        order: Order,
        shipments: Sequence[Shipment],
        actor: str,
        at: datetime | None = None,
    ) -> None:
        """The units leave stock; the shipment is shipped (``at``, or now); the order follows."""
        self._stock.ship_within(
            uow,
            order_document(order.number),
            shipment.warehouse,
            expand(shipment.units, parts_of(uow, shipment.units)),
            shipment=shipment_document(shipment.id),
        )
        shipment.shipped_at = self._context.clock.now() if at is None else at
        self._hold_what_is_left(uow, order)
        self._step(uow, shipment, order, ShipmentState.SHIPPED, actor, None, shipments)

    @writes("fulfilment.ship")
    @retried
    def rate_shop(
        self,
        shipment_id: str,
        *,
        rule: str | RateRule = "cheapest",
        carriers: Sequence[str] | None = None,
        actor: str = "system",
    ) -> RateChoice:
        """Ask the carriers for quotes for a packed shipment, choose one and record the choice.

        The request goes from the shipment's warehouse to the order's ship-to
        address, handed over today. ``"cheapest"`` takes the cheapest quote
        that arrives by the shipment's ``deliver_by`` (the fastest when none
        does), ``"fastest"`` the earliest; a function is the host's own rule
        (see :func:`~orderkit.fulfillment.rates.choose_rate`). A carrier that
        fails is listed in the choice's ``failures``; its quote kept from the
        last day stands in, marked stale.

        Raises:
            ShipmentNotFound: No such shipment.
            ShipmentStateError: It is not packed.
            ValidationError: An unknown carrier code or rule, or no carrier
                could quote (nothing is recorded then).
        """
        actor = require_text(actor, "actor")
        if rule not in ("cheapest", "fastest") and (isinstance(rule, str) or not callable(rule)):
            raise ValidationError("rule", rule, 'use "cheapest", "fastest" or a function')
        asked = self._carriers(carriers)
        now = self._context.clock.now()
        with self._context.store.unit_of_work(readonly=True) as uow:
            shipment, order, _ = self._load(uow, shipment_id)
            shipment.check("rate_shop", ShipmentState.LABEL_PURCHASED)
            request = self._rate_request(uow, shipment, order)
        quotes, failures = gather_quotes(asked, request, self.quotes, now)
        deliver_by = None if shipment.deliver_by is None else shipment.deliver_by.date()
        chosen, meets = choose_rate(quotes, rule, deliver_by)
        if chosen is None:
            raise ValidationError(
                "carriers",
                sorted(asked),
                "no quote to choose from: " + ("; ".join(failures) or "none serves it"),
            )
        alternatives = tuple(sorted((q for q in quotes if q is not chosen), key=_by_price))
        choice = RateChoice(
            rule=rule if isinstance(rule, str) else getattr(rule, "__name__", "host rule"),
            chosen=chosen,
            alternatives=alternatives,
            failures=tuple(failures),
            decided_at=now,
            meets_promise=meets,
        )
        with self._context.store.unit_of_work() as uow:
            shipment = uow.shipments.get(shipment.id)
            shipment.check("rate_shop", ShipmentState.LABEL_PURCHASED)
            shipment.rate_choice = choice
            uow.shipments.save(shipment)
            uow.commit()
        return choice

    @writes("fulfilment.ship")
    @retried
    def buy_label(
        self,
        shipment_id: str,
        *,
        carrier: str | None = None,
        service: str | None = None,
        actor: str = "system",
    ) -> Shipment:
        """Buy a packed shipment's labels: from its rate choice, or the carrier and service named.

        The carrier is called outside any transaction; it buys once per
        shipment id, so a call repeated after a failure never pays twice, and
        asking again for a labelled shipment returns it as it is.

        Raises:
            ShipmentNotFound: No such shipment.
            ShipmentStateError: It is not packed.
            ValidationError: No carrier named and no rate choice, or an unknown carrier.
            CarrierError: The carrier refused; CarrierUnavailable: it did not answer.
        """
        actor = require_text(actor, "actor")
        with self._context.store.unit_of_work(readonly=True) as uow:
            shipment, order, _ = self._load(uow, shipment_id)
            if shipment.state is ShipmentState.LABEL_PURCHASED and (
                carrier in (None, shipment.carrier) and service in (None, shipment.service)
            ):
                return shipment  # bought already: asking again buys nothing
            shipment.check("buy_label", ShipmentState.LABEL_PURCHASED)
            if carrier is None and shipment.rate_choice is not None:
                carrier = shipment.rate_choice.chosen.carrier
                service = service or shipment.rate_choice.chosen.service
            if carrier is None or service is None:
                raise ValidationError(
                    "carrier", carrier, "name carrier and service, or rate_shop first"
                )
            chosen = self._carriers([carrier])[carrier]
            request = self._rate_request(uow, shipment, order)
        label = chosen.buy_label(
            LabelRequest(
                reference=shipment.id,
                service=service,
                origin=request.origin,
                destination=request.destination,
                parcels=request.parcels,
                ship_on=request.ship_on,
            )
        )
        with self._context.store.unit_of_work() as uow:
            shipment = uow.shipments.get(shipment.id)
            if (
                shipment.state is ShipmentState.LABEL_PURCHASED
                and shipment.tracking_number == label.tracking_number
            ):
                return shipment  # this very purchase was recorded already
            shipment.check("buy_label", ShipmentState.LABEL_PURCHASED)
            shipment.carrier, shipment.service = label.carrier, label.service
            shipment.tracking_number = label.tracking_number
            shipment.labels, shipment.label_price = label.packages, label.price
            shipment.label = label.packages[0].label
            self._move(
                uow,
                shipment,
                ShipmentState.LABEL_PURCHASED,
                actor,
                f"{label.carrier} {label.service}",
            )
            uow.commit()
        return shipment

    @writes("fulfilment.ship")
    @retried
    def cancel_label(self, shipment_id: str, *, actor: str = "system") -> Shipment:
        """Void a shipment's labels at the carrier; it is packed again, ready for another.

        Raises:
            ShipmentNotFound: No such shipment.
            ShipmentStateError: It has no label (or has shipped).
            CarrierError: The carrier refused (the parcel moved already).
        """
        actor = require_text(actor, "actor")
        with self._context.store.unit_of_work(readonly=True) as uow:
            shipment = uow.shipments.get(require_code(shipment_id, "shipment_id"))
        if shipment.state is not ShipmentState.LABEL_PURCHASED:
            shipment.check("cancel_label")
        carrier = self._carriers([str(shipment.carrier)])[str(shipment.carrier)]
        for number in shipment.tracking_numbers:
            carrier.cancel_label(number)
        with self._context.store.unit_of_work() as uow:
            shipment = uow.shipments.get(shipment.id)
            shipment.check("cancel_label", ShipmentState.PACKED)
            voided = shipment.tracking_number
            shipment.carrier = shipment.service = shipment.tracking_number = None
            shipment.labels, shipment.label_price, shipment.label = (), None, None
            self._move(uow, shipment, ShipmentState.PACKED, actor, f"label {voided} voided")
            uow.commit()
        return shipment

    @writes("fulfilment.track")
    @retried
    def record_tracking(
        self, events: Sequence[TrackingEvent], *, actor: str = "system"
    ) -> list[Shipment]:
        """Apply tracking events to the shipments they name; return the shipments they changed.

        Events seen before (by ``event_id``) change nothing, and late or
        out-of-order events never undo a delivery or a return. A first scan of a
        shipment whose label was bought but that nobody marked shipped ships
        it. A failed delivery, an exception or a return is recorded as the
        shipment's ``problem`` with a ``ShipmentProblem`` event; the order
        follows its shipments (delivered when every unit is). Events for
        tracking numbers no shipment has go, after the transaction, to the
        ``on_other_tracking`` hooks (the shop's return parcels), or are ignored.

        Raises:
            ValidationError: Not a list of TrackingEvents.
        """
        actor = require_text(actor, "actor")
        if (
            isinstance(events, TrackingEvent)
            or not isinstance(events, Sequence)
            or not all(isinstance(event, TrackingEvent) for event in events)
        ):
            raise ValidationError("events", events, "give a list of TrackingEvents")
        by_number: dict[str, list[TrackingEvent]] = {}
        for event in events:
            by_number.setdefault(event.tracking_number, []).append(event)
        changed: dict[str, Shipment] = {}
        unknown: list[TrackingEvent] = []
        with self._context.store.unit_of_work() as uow:
            for number, batch in sorted(by_number.items()):
                found = uow.shipments.by_tracking_number(number)
                if found is None:
                    unknown.extend(batch)
                    continue
                shipment = changed.get(found.id, found)  # a parcel of one already changed
                if self._track_within(uow, shipment, batch, actor):
                    changed[shipment.id] = shipment
            uow.commit()
        if unknown:
            for hook in self._on_other_tracking:
                hook(unknown)
        return list(changed.values())

    @writes("fulfilment.track")
    def receive_tracking_webhook(self, carrier: str, signature: str, body: bytes) -> list[Shipment]:
        """Verify a carrier's tracking webhook and apply its events (see :meth:`record_tracking`).

        Raises:
            WebhookRejected: The carrier's check of signature, age or body failed.
            ValidationError: An unknown carrier.
        """
        carrier = require_text(carrier, "carrier", 80)
        chosen = self._carriers([carrier])[carrier]
        events = chosen.parse_webhook(signature, body, self._context.clock.now())
        return self.record_tracking(list(events), actor=f"carrier:{carrier}")

    @writes("fulfilment.track")
    def refresh_tracking(self, shipment_id: str) -> Shipment:
        """Ask the carrier for a shipment's tracking and apply it.

        Raises:
            ShipmentNotFound: No such shipment.
            ValidationError: It has no carrier orderkit knows, or no tracking number.
            CarrierError: The carrier refused; CarrierUnavailable: it did not answer.
        """
        shipment = self.get(shipment_id)
        if shipment.carrier is None or not shipment.tracking_numbers:
            raise ValidationError("shipment_id", shipment_id, "has no carrier tracking to ask for")
        carrier = self._carriers([shipment.carrier])[shipment.carrier]
        events = [event for number in shipment.tracking_numbers for event in carrier.track(number)]
        self.record_tracking(events, actor=f"carrier:{carrier.code}")
        return self.get(shipment.id)

    @writes("fulfilment.ship")
    @retried
    def ready_for_pickup(
        self, shipment_id: str, *, hold_days: int = 7, actor: str = "system"
    ) -> Shipment:
        """Put a packed shipment on the pickup counter of its pickup point, with a pickup code.

        Its units leave stock (they are set aside for the customer) and the
        shipment waits ``out_for_delivery`` until it is collected with
        :meth:`collect`, or, after ``hold_days``, goes back to stock with
        :meth:`return_uncollected`. Tell the customer ``pickup_code``.

        Raises:
            ShipmentNotFound: No such shipment.
            ShipmentStateError: It is not packed.
            ValidationError: Its warehouse is not a pickup point, or hold_days
                is not an int from 1 to 60.
        """
        actor = require_text(actor, "actor")
        if (
            isinstance(hold_days, bool)
            or not isinstance(hold_days, int)
            or not 1 <= hold_days <= 60
        ):
            raise ValidationError("hold_days", hold_days, "must be an int from 1 to 60")
        context = self._context
        with context.store.unit_of_work() as uow:
            shipment, order, shipments = self._load(uow, shipment_id)
            shipment.check("ready_for_pickup", ShipmentState.SHIPPED)
            self._check_fulfilling(order, "ready_for_pickup")
            if shipment.state is ShipmentState.LABEL_PURCHASED:
                shipment.check("ready_for_pickup")
            if not uow.warehouses.get(shipment.warehouse).pickup_point:
                raise ValidationError(
                    "shipment_id", shipment.id, f"{shipment.warehouse} is not a pickup point"
                )
            shipment.carrier, shipment.service = PICKUP, None
            shipment.pickup_code = pickup_code(shipment.id, context.ids.new())
            shipment.pickup_until = context.clock.now() + timedelta(days=hold_days)
            self._ship_within(uow, shipment, order, shipments, actor)
            self._move(uow, shipment, ShipmentState.OUT_FOR_DELIVERY, actor, "ready for pickup")
            uow.commit()
        return shipment

    @writes("fulfilment.deliver")
    @retried
    def collect(
        self, shipment_id: str, code: str, *, received_by: str, actor: str = "system"
    ) -> Shipment:
        """Hand a pickup over the counter to who shows its code.

        Raises:
            ShipmentNotFound: No such shipment.
            ShipmentStateError: It is not waiting at a pickup point.
            ValidationError: The code does not match (nothing changes), or no name.
        """
        actor = require_text(actor, "actor")
        received_by = require_text(received_by, "received_by", 200)
        code = require_text(code, "code", 20)
        with self._context.store.unit_of_work() as uow:
            shipment, order, shipments = self._load(uow, shipment_id)
            if shipment.carrier != PICKUP or shipment.state is not ShipmentState.OUT_FOR_DELIVERY:
                shipment.check("collect")
            if not hmac.compare_digest(code, shipment.pickup_code or ""):
                raise ValidationError("code", "(hidden)", "does not match this pickup")
            shipment.proof = ProofOfDelivery(received_by=received_by)
            shipment.delivered_at = self._context.clock.now()
            self._step(uow, shipment, order, ShipmentState.DELIVERED, actor, "collected", shipments)
            uow.commit()
        return shipment

    @writes("fulfilment.ship")
    @retried
    def return_uncollected(self, *, limit: int = 100, actor: str = "system") -> list[Shipment]:
        """Send pickups past their hold days back to stock; return the shipments sent back.

        Each goes ``returned_to_sender`` with a ``ShipmentProblem`` of kind
        ``uncollected``, and its units return to the shelf they left (a
        ``return`` movement naming the shipment). The order keeps its
        shipped counters: refunding or re-sending is the returns' work.

        Raises:
            ValidationError: ``limit`` is not an int from 1 to 10000.
        """
        actor = require_text(actor, "actor")
        require_limit(limit)
        now = self._context.clock.now()
        sent_back: list[Shipment] = []
        with self._context.store.unit_of_work() as uow:
            for waiting in uow.shipments.in_state(ShipmentState.OUT_FOR_DELIVERY):
                if len(sent_back) >= limit:
                    break
                if (
                    waiting.carrier != PICKUP
                    or not waiting.pickup_until
                    or waiting.pickup_until > now
                ):
                    continue
                shipment, order, shipments = self._load(uow, waiting.id)
                self._stock.restock_within(
                    uow,
                    order_document(order.number),
                    shipment.units,
                    return_document=shipment_document(shipment.id),
                )
                self._flag(uow, shipment, "uncollected", "uncollected: back to stock")
                self._step(
                    uow,
                    shipment,
                    order,
                    ShipmentState.RETURNED_TO_SENDER,
                    actor,
                    "uncollected",
                    shipments,
                )
                sent_back.append(shipment)
            uow.commit()
        return sent_back

    @writes("fulfilment.ship")
    @retried
    def assign_route(
        self, shipment_ids: Sequence[str], *, driver: str, route: str, actor: str = "system"
    ) -> list[Shipment]:
        """Give packed shipments of one warehouse to one of the shop's drivers, stops in order.

        Stops are ordered nearest first from the warehouse (by the addresses'
        coordinates; those without come last, by postal code). The driver
        takes them away: each ships with the carrier ``own-drivers`` and its
        units leave stock. Record each delivery with :meth:`deliver` and a
        :class:`~orderkit.fulfillment.last_mile.ProofOfDelivery`.

        Returns:
            The shipments in stop order.

        Raises:
            ShipmentNotFound: A shipment does not exist.
            ShipmentStateError: One is not packed.
            ValidationError: No shipments, the same one twice, shipments of
                several warehouses, or a blank driver or route.
        """
        actor = require_text(actor, "actor")
        driver = require_text(driver, "driver", 120)
        route = require_text(route, "route", 120)
        if (
            isinstance(shipment_ids, str)
            or not isinstance(shipment_ids, Sequence)
            or not shipment_ids
        ):
            raise ValidationError("shipment_ids", shipment_ids, "give a list of shipment ids")
        ids = [require_code(shipment_id, "shipment_ids") for shipment_id in shipment_ids]
        if len(set(ids)) != len(ids):
            raise ValidationError("shipment_ids", shipment_ids, "name each shipment once")
        with self._context.store.unit_of_work() as uow:
            loaded = {shipment_id: self._load(uow, shipment_id) for shipment_id in ids}
            warehouses = {shipment.warehouse for shipment, _, _ in loaded.values()}
            if len(warehouses) != 1:
                raise ValidationError("shipment_ids", ids, "a route starts at one warehouse")
            for shipment, order, _ in loaded.values():
                if shipment.state is not ShipmentState.PACKED:
                    shipment.check("assign_route")
                self._check_fulfilling(order, "assign_route")
            depot = uow.warehouses.get(warehouses.pop()).address
            tour = order_stops(depot, [(i, loaded[i][1].ship_to) for i in ids])
            routed = []
            for stop, shipment_id in enumerate(tour, start=1):
                shipment, order, shipments = self._load(uow, shipment_id)
                shipment.carrier, shipment.service = OWN_DRIVERS, None
                shipment.driver, shipment.route, shipment.stop = driver, route, stop
                self._ship_within(uow, shipment, order, shipments, actor)
                routed.append(shipment)
            uow.commit()
        return routed

    @writes("fulfilment.track")
    @retried
    def flag_late(self, at: datetime | None = None, *, actor: str = "system") -> list[Shipment]:
        """Flag every shipment late at ``at`` (now by default) as a problem, once each.

        Each gets the problem ``late: ...`` and a ``ShipmentProblem`` event of
        kind ``late``; run it as often as you like (a shipment already
        flagged late is left alone). Returns the shipments flagged now.
        """
        actor = require_text(actor, "actor")
        at = self._context.clock.now() if at is None else require_aware(at, "at")
        flagged = []
        with self._context.store.unit_of_work() as uow:
            for shipment in self._late_within(uow, at):
                if (shipment.problem or "").startswith("late"):
                    continue
                if shipment.ship_by and shipment.ship_by < at and not shipment.left_stock:
                    missed = f"not shipped by {shipment.ship_by.isoformat(timespec='minutes')}"
                else:
                    promised = shipment.deliver_by or at
                    missed = f"not delivered by {promised.isoformat(timespec='minutes')}"
                self._flag(uow, shipment, "late", f"late: {missed}")
                uow.shipments.save(shipment)
                flagged.append(shipment)
            uow.commit()
        return flagged

    @reads("fulfilment.read")
    def packing_slip(self, shipment_id: str) -> PackingSlip:
        """What goes in the box with a shipment, as data (a documents hook renders it).

        Raises:
            ShipmentNotFound: No such shipment.
        """
        with self._context.store.unit_of_work(readonly=True) as uow:
            shipment = uow.shipments.get(require_code(shipment_id, "shipment_id"))
            order = load_order(uow, shipment.order_id)
            names = {line.sku: line.name for line in order.lines}
            return PackingSlip(
                shipment_id=shipment.id,
                order_number=order.number,
                warehouse=shipment.warehouse,
                ship_to=order.ship_to,
                lines=tuple(
                    (line.sku, names.get(line.sku, line.sku), line.quantity)
                    for line in shipment.lines
                ),
                parcels=len(shipment.packages),
                carrier=shipment.carrier,
                tracking_number=shipment.tracking_number,
            )

    @reads("fulfilment.read")
    def problems(self) -> list[Shipment]:
        """Shipments with a problem not yet resolved by a delivery, oldest first."""
        with self._context.store.unit_of_work(readonly=True) as uow:
            found = [shipment for state in _TROUBLED for shipment in uow.shipments.in_state(state)]
        return sorted(found, key=lambda s: (s.created_at, s.id))

    @reads("fulfilment.read")
    def late(self, at: datetime | None = None) -> list[Shipment]:
        """Shipments late against their promise at ``at`` (now by default), oldest first.

        Late: not shipped by ``ship_by``, or not delivered by ``deliver_by``.
        """
        at = self._context.clock.now() if at is None else require_aware(at, "at")
        with self._context.store.unit_of_work(readonly=True) as uow:
            return self._late_within(uow, at)

    @staticmethod
    def _late_within(uow: FulfilmentUnitOfWork, at: datetime) -> list[Shipment]:
        found = [
            shipment
            for state in ShipmentState
            if state not in _FINAL
            for shipment in uow.shipments.in_state(state)
            if (shipment.ship_by is not None and shipment.ship_by < at and not shipment.left_stock)
            or (shipment.deliver_by is not None and shipment.deliver_by < at)
        ]
        return sorted(found, key=lambda s: (s.created_at, s.id))

    @writes("fulfilment.deliver")
    @retried
    def deliver(
        self,
        shipment_id: str,
        *,
        note: str | None = None,
        proof: ProofOfDelivery | None = None,
        actor: str = "system",
    ) -> Shipment:
        """Record a shipment delivered, with a proof (who received it, a photo) when there is one.

        The order's delivered counters follow; when every open unit is
        delivered, the order is ``delivered``.

        Raises:
            ShipmentNotFound: No such shipment.
            ShipmentStateError: It has not shipped, or is delivered, returned or cancelled.
            ValidationError: A proof that is not a ProofOfDelivery, or a bad note.
        """
        actor = require_text(actor, "actor")
        note = None if note is None else require_text(note, "note", 500)
        if proof is not None and not isinstance(proof, ProofOfDelivery):
            raise ValidationError("proof", proof, "give a ProofOfDelivery")
        with self._context.store.unit_of_work() as uow:
            shipment, order, shipments = self._load(uow, shipment_id)
            shipment.check("deliver", ShipmentState.DELIVERED)
            shipment.proof = proof if proof is not None else shipment.proof
            shipment.problem = None
            shipment.delivered_at = self._context.clock.now()
            self._step(uow, shipment, order, ShipmentState.DELIVERED, actor, note, shipments)
            uow.commit()
        return shipment

    @writes("fulfilment.cancel")
    @retried
    def cancel(self, shipment_id: str, *, reason: str, actor: str = "system") -> Shipment:
        """Give up a shipment before it ships; its units are open on the order again.

        The units stay reserved for the order, so a later
        :meth:`create_shipments` puts them in a new shipment.

        Raises:
            ShipmentNotFound: No such shipment.
            ShipmentStateError: It has shipped or is cancelled already.
            ValidationError: No reason.
        """
        actor = require_text(actor, "actor")
        reason = require_text(reason, "reason", 500)
        with self._context.store.unit_of_work() as uow:
            shipment, order, shipments = self._load(uow, shipment_id)
            shipment.check("cancel", ShipmentState.CANCELLED)
            if shipment.state is not ShipmentState.CREATED:  # picked: back for the order
                self._hand_over(uow, order, shipment, to_shipment=False)
            self._step(uow, shipment, order, ShipmentState.CANCELLED, actor, reason, shipments)
            uow.commit()
        return shipment

    @writes("fulfilment.create")
    @retried
    def split(
        self, shipment_id: str, units: Mapping[str, int], *, actor: str = "system"
    ) -> Shipment:
        """Move ``units`` of a shipment not yet packed into a new shipment from the same warehouse.

        Returns:
            The new shipment, in the state the old one is in.

        Raises:
            ShipmentNotFound: No such shipment.
            ShipmentStateError: It is packed, shipped or cancelled.
            ValidationError, InvalidQuantity: A SKU not in it, more units than
                it has, or every unit (nothing would be left).
        """
        actor = require_text(actor, "actor")
        if not isinstance(units, Mapping) or not units:
            raise ValidationError("units", units, "give a mapping of SKUs to units to move")
        context = self._context
        with context.store.unit_of_work() as uow:
            shipment, order, _ = self._load(uow, shipment_id)
            if shipment.state not in (ShipmentState.CREATED, ShipmentState.PICKED):
                shipment.check("split")
            moved = shipment.take_out(units)
            now = context.clock.now()
            note = f"split from {shipment.id}"
            new = Shipment(
                id=context.ids.new(),
                order_id=shipment.order_id,
                order_number=shipment.order_number,
                warehouse=shipment.warehouse,
                lines=moved,
                created_at=now,
                state=shipment.state,
                ship_by=shipment.ship_by,
                deliver_by=shipment.deliver_by,
                history=[
                    ShipmentStep(shipment.state.value, shipment.state.value, now, actor, note)
                ],
            )
            if shipment.state is ShipmentState.PICKED:  # the moved units go with the new one
                self._hand_units(
                    uow,
                    shipment.warehouse,
                    new.units,
                    shipment_document(shipment.id),
                    shipment_document(new.id),
                )
            uow.shipments.save(shipment)
            uow.shipments.add(new)
            context.record(
                uow,
                ShipmentCreated,
                aggregate_id=new.id,
                order_number=order.number,
                warehouse=new.warehouse,
                lines=tuple((line.sku, line.quantity) for line in moved),
            )
            uow.orders.save(order)
            uow.commit()
        return new

    @writes("fulfilment.create")
    @retried
    def merge(self, into_id: str, other_id: str, *, actor: str = "system") -> Shipment:
        """Move every unit of ``other_id`` into ``into_id`` and cancel the other.

        Both must belong to the same order, leave from the same warehouse and
        stand in the same state, ``created`` or ``picked``.

        Raises:
            ShipmentNotFound: Either does not exist.
            ShipmentStateError: Either is packed, shipped or cancelled.
            ValidationError: They are the same, or differ in order, warehouse or state.
        """
        actor = require_text(actor, "actor")
        if require_code(into_id, "into_id") == require_code(other_id, "other_id"):
            raise ValidationError("other_id", other_id, "merge two different shipments")
        with self._context.store.unit_of_work() as uow:
            into, order, _ = self._load(uow, into_id)
            other = uow.shipments.get(other_id)
            for shipment in (into, other):
                if shipment.state not in (ShipmentState.CREATED, ShipmentState.PICKED):
                    shipment.check("merge")
            for field in ("order_number", "warehouse", "state"):
                if getattr(into, field) != getattr(other, field):
                    raise ValidationError(
                        "other_id", other_id, f"has another {field} than {into.id}"
                    )
            if other.state is ShipmentState.PICKED:
                self._hand_units(
                    uow,
                    other.warehouse,
                    other.units,
                    shipment_document(other.id),
                    shipment_document(into.id),
                )
            into.take_in(other.lines)
            uow.shipments.save(into)
            self._move(uow, other, ShipmentState.CANCELLED, actor, f"merged into {into.id}")
            uow.orders.save(order)
            uow.commit()
        return into

    @reads("fulfilment.read")
    def get(self, shipment_id: str) -> Shipment:
        """Return a shipment.

        Raises:
            ShipmentNotFound: No such shipment.
        """
        with self._context.store.unit_of_work(readonly=True) as uow:
            return uow.shipments.get(require_code(shipment_id, "shipment_id"))

    @reads("fulfilment.read")
    def for_order(self, order: OrderRef) -> list[Shipment]:
        """An order's shipments, oldest first (cancelled ones too).

        Raises:
            OrderNotFound: No such order.
        """
        with self._context.store.unit_of_work(readonly=True) as uow:
            return uow.shipments.for_order(load_order(uow, order).number)

    @reads("fulfilment.read")
    def promise(self, order: OrderRef, warehouse: str) -> Promise | None:
        """What ``warehouse``'s calendar promises for an order, or ``None`` without a calendar.

        Raises:
            OrderNotFound: No such order.
        """
        warehouse = require_code(warehouse, "warehouse")
        with self._context.store.unit_of_work(readonly=True) as uow:
            return self._promise(load_order(uow, order), warehouse)

    def _promise(self, order: Order, warehouse: str) -> Promise | None:
        calendar = self.calendars.get(warehouse)
        return None if calendar is None else calendar.promise(order.placed_at)

    # -- carriers ------------------------------------------------------------------------

    def _carriers(self, codes: Sequence[str] | None) -> dict[str, Carrier]:
        if codes is not None and (
            isinstance(codes, str | bytes)
            or not isinstance(codes, Sequence)
            or not all(isinstance(code, str) for code in codes)
        ):
            raise ValidationError("carriers", codes, "give a list of carrier codes")
        if codes is None:
            if not self.carriers:
                raise ValidationError(
                    "carriers", [], "the shop has no carriers (ShopSettings.carriers)"
                )
            return dict(self.carriers)
        unknown = [code for code in codes if code not in self.carriers]
        if unknown or not codes:
            raise ValidationError(
                "carriers", unknown or list(codes), f"known carriers: {sorted(self.carriers)}"
            )
        return {code: self.carriers[code] for code in codes}

    def _rate_request(
        self, uow: FulfilmentUnitOfWork, shipment: Shipment, order: Order
    ) -> RateRequest:
        if not shipment.packages:
            raise ValidationError("shipment_id", shipment.id, "pack it before asking carriers")
        return RateRequest(
            origin=uow.warehouses.get(shipment.warehouse).address,
            destination=order.ship_to,
            parcels=shipment.packages,
            ship_on=self._context.clock.now().date(),
        )

    def _track_within(
        self,
        uow: FulfilmentUnitOfWork,
        shipment: Shipment,
        events: Sequence[TrackingEvent],
        actor: str,
    ) -> bool:
        """Apply events to one shipment; say whether it changed."""
        if not shipment.take_tracking(events):
            return False
        target = shipment.tracked_state()
        if shipment.state is ShipmentState.LABEL_PURCHASED and target is not None:
            order, shipments = self._order_of(uow, shipment)
            if order.state in _FULFILLING:
                moved = [e.at for e in shipment.tracking if e.status in _MOVING]
                self._ship_within(uow, shipment, order, shipments, actor, min(moved, default=None))
        if target is None or target is shipment.state or target not in NEXT_STATES[shipment.state]:
            uow.shipments.save(shipment)
            return True
        latest = shipment.tracking[-1]
        if target in _PROBLEMS:
            detail = f"{target.value}: {latest.detail or latest.raw_status}"
            self._flag(uow, shipment, target.value, detail)
        elif target is ShipmentState.DELIVERED:
            shipment.problem = None
            shipment.delivered_at = latest.at
        self._move(uow, shipment, target, actor, latest.detail)
        if target is ShipmentState.DELIVERED:  # the other steps change no order counter
            order, shipments = self._order_of(uow, shipment)
            self._follow(uow, order, shipments, actor)
            uow.orders.save(order)
        return True

    def _flag(self, uow: FulfilmentUnitOfWork, shipment: Shipment, kind: str, problem: str) -> None:
        """Make ``problem`` the shipment's problem and raise a ``ShipmentProblem`` (not saved)."""
        shipment.problem = problem
        self._context.record(
            uow,
            ShipmentProblem,
            aggregate_id=shipment.id,
            order_number=shipment.order_number,
            kind=kind,
            detail=problem,
        )

    @staticmethod
    def _order_of(uow: FulfilmentUnitOfWork, shipment: Shipment) -> tuple[Order, list[Shipment]]:
        """The shipment's order and all its shipments, the shipment itself among them."""
        shipments = [
            shipment if other.id == shipment.id else other
            for other in uow.shipments.for_order(shipment.order_number)
        ]
        return load_order(uow, shipment.order_id), shipments

    # -- inside a unit of work -----------------------------------------------------------

    @staticmethod
    def _load(
        uow: FulfilmentUnitOfWork, shipment_id: str
    ) -> tuple[Shipment, Order, list[Shipment]]:
        """The shipment, its order and all the order's shipments (the shipment among them).

        Shipments are read before the order so that every store takes its
        locks in one order: records first, then rows.
        """
        shipment = uow.shipments.get(require_code(shipment_id, "shipment_id"))
        order, shipments = FulfilmentService._order_of(uow, shipment)
        return shipment, order, shipments

    def _number_of(self, order: OrderRef) -> int:
        """The order's number (an order's number never changes, so a read-only look is enough).

        Raises:
            OrderNotFound: No such order.
        """
        if isinstance(order, int) and not isinstance(order, bool):
            if not 0 < order <= MAX_INT:
                raise OrderNotFound(order)  # no store holds such a number
            return order
        if isinstance(order, Order):
            return order.number
        with self._context.store.unit_of_work(readonly=True) as uow:
            return load_order(uow, order).number

    def _check_fulfilling(self, order: Order, command: str) -> None:
        if order.state not in _FULFILLING:
            workflow = self._orders.policy.workflow
            raise InvalidTransition(order.id, order.state, command, workflow.allowed(order.state))

    @staticmethod
    def _unshipped(
        uow: FulfilmentUnitOfWork, order: Order, shipments: Sequence[Shipment]
    ) -> dict[str, dict[str, int]]:
        """Units per warehouse and order SKU the order holds that no open shipment carries.

        A kit counts in whole kits, from the components its reservation holds.
        """
        parts = parts_of(uow, [line.sku for line in order.lines])
        held: dict[str, dict[str, int]] = {}  # warehouse -> component -> units
        for reservation in uow.reservations.for_document(order_document(order.number)):
            if reservation.status is ReservationStatus.ACTIVE:
                for line in reservation.lines:
                    place = held.setdefault(line.warehouse, {})
                    place[line.sku] = place.get(line.sku, 0) + line.quantity
        room = {line.sku: line.open_quantity - line.shipped for line in order.lines}
        for shipment in shipments:
            if shipment.is_open:
                place = held.setdefault(shipment.warehouse, {})
                for part, units in expand(shipment.units, parts).items():
                    place[part] = place.get(part, 0) - units
                for item in shipment.lines:
                    room[item.sku] -= item.quantity
        unshipped: dict[str, dict[str, int]] = {}
        for warehouse, components in sorted(held.items()):
            made = whole_sets(components, {sku: n for sku, n in room.items() if n > 0}, parts)
            if made:
                unshipped[warehouse] = made
                for sku, sets in made.items():
                    room[sku] -= sets
        return unshipped

    def _reallocate(
        self,
        uow: FulfilmentUnitOfWork,
        order: Order,
        shipment: Shipment,
        missing: Mapping[str, int],
    ) -> None:
        """Give back units not found, write them off, and reserve them for the order again."""
        document = order_document(order.number)
        parts = parts_of(uow, missing)
        for sku, units in sorted(missing.items()):
            written_off = sum(
                self._stock.give_back_within(
                    uow,
                    document,
                    shipment.warehouse,
                    part,
                    each * units,
                    missing=shipment_document(shipment.id),
                )
                for part, each in parts[sku]
            )
            # a reservation is all or nothing: the units are held (or backordered) or not
            again = (
                units
                if self._stock.top_up_within(
                    uow, document, [(sku, units)], ship_to=order.ship_to, priority=order.priority
                )
                else 0
            )
            self._context.record(
                uow,
                ShortPicked,
                aggregate_id=shipment.id,
                order_number=order.number,
                sku=sku,
                warehouse=shipment.warehouse,
                missing=units,
                written_off=written_off,
                reserved_again=again,
            )
        self._hold_what_is_left(uow, order)

    @staticmethod
    def _hold_what_is_left(uow: FulfilmentUnitOfWork, order: Order) -> None:
        """Set the order's reserved counters to what its active reservations hold (kits whole)."""
        held: dict[str, int] = {}
        for reservation in uow.reservations.for_document(order_document(order.number)):
            if reservation.status is ReservationStatus.ACTIVE:
                for line in reservation.lines:
                    held[line.sku] = held.get(line.sku, 0) + line.quantity
        parts = parts_of(uow, [line.sku for line in order.lines])
        order.hold(whole_sets(held, {line.sku: line.open_quantity for line in order.lines}, parts))

    def _move(
        self,
        uow: FulfilmentUnitOfWork,
        shipment: Shipment,
        to: ShipmentState,
        actor: str,
        note: str | None,
    ) -> None:
        """Move a shipment, save it and record the step."""
        step = shipment.move(to, at=self._context.clock.now(), actor=actor, note=note)
        uow.shipments.save(shipment)
        self._context.record(
            uow,
            ShipmentMoved,
            aggregate_id=shipment.id,
            order_number=shipment.order_number,
            from_state=step.from_state,
            to_state=step.to_state,
            actor=actor,
            note=note,
        )

    def _step(
        self,
        uow: FulfilmentUnitOfWork,
        shipment: Shipment,
        order: Order,
        to: ShipmentState,
        actor: str,
        note: str | None,
        shipments: Sequence[Shipment],
    ) -> None:
        """Move the shipment, then let its order follow all its shipments, and save both."""
        self._move(uow, shipment, to, actor, note)
        self._follow(uow, order, shipments, actor)
        uow.orders.save(order)

    def _follow(
        self,
        uow: FulfilmentUnitOfWork,
        order: Order,
        shipments: Sequence[Shipment],
        actor: str,
    ) -> None:
        """Let the order follow its shipments; tell the delivery hooks when it is delivered."""
        was = order.state
        follow_shipments(uow, self._orders, order, shipments, actor=actor)
        if order.state != was and order.state == OrderState.DELIVERED:
            at = max(
                (s.delivered_at for s in shipments if s.delivered_at is not None),
                default=self._context.clock.now(),
            )
            for hook in self._on_delivered:
                hook(uow, order, at)


def _pack_items(uow: FulfilmentUnitOfWork, shipment: Shipment) -> list[PackItem]:
    """The shipment's units with each product's size and weight.

    Raises:
        ValidationError: A product has no dimensions or no weight.
    """
    items = []
    for line in shipment.lines:
        product = uow.products.get(line.sku)
        if product.dimensions is None or product.weight_g is None:
            raise ValidationError(
                "sku", line.sku, "give the product its dimensions and weight_g to pack it in boxes"
            )
        items.append(PackItem(line.sku, line.quantity, product.dimensions, product.weight_g))
    return items
