"""Shipments: the units of one order leaving one warehouse, and the steps they take.

A shipment is created from what an order's reservations hold in a warehouse,
picked (perhaps short), packed into parcels, handed to a carrier and tracked
to the door. Its states::

    created → picked → packed → (label_purchased →) shipped
            → (in_transit → out_for_delivery →) delivered

with ``cancelled`` before it ships, and ``delivery_failed``, ``exception``
and ``returned_to_sender`` once it has. :data:`NEXT_STATES` is the whole table.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from datetime import datetime

import attrs

from orderkit.core.addresses import Address
from orderkit.core.checks import (
    aware,
    code,
    count,
    optional_instance_of,
    optional_text,
    parse_enum,
    require_tuple_of,
)
from orderkit.core.money import Money
from orderkit.core.quantity import validate_quantity
from orderkit.errors import InvalidQuantity, ShipmentStateError, ValidationError
from orderkit.fulfillment.carriers import PackageLabel, RateQuote, TrackingEvent, TrackingStatus
from orderkit.fulfillment.last_mile import ProofOfDelivery
from orderkit.fulfillment.parcels import Parcel

__all__ = [
    "NEXT_STATES",
    "PackingSlip",
    "RateChoice",
    "Shipment",
    "ShipmentLine",
    "ShipmentState",
    "ShipmentStep",
    "shipment_document",
]


class ShipmentState(enum.StrEnum):
    """Where a shipment stands."""

    CREATED = "created"
    """Its units are chosen; nobody has picked them yet."""
    PICKED = "picked"
    """Its units are off the shelf (perhaps fewer than planned)."""
    PACKED = "packed"
    """Its units are in parcels."""
    LABEL_PURCHASED = "label_purchased"
    """A carrier's label is bought; the parcels wait for the pickup."""
    SHIPPED = "shipped"
    """A carrier (or the shop's own driver) has it; its units left stock."""
    IN_TRANSIT = "in_transit"
    """The carrier reported it moving."""
    OUT_FOR_DELIVERY = "out_for_delivery"
    """On the vehicle for the last mile."""
    DELIVERED = "delivered"
    """At the door (final)."""
    DELIVERY_FAILED = "delivery_failed"
    """A delivery attempt failed; the carrier will try again or send it back."""
    EXCEPTION = "exception"
    """The carrier reported a problem (damage, customs, lost)."""
    RETURNED_TO_SENDER = "returned_to_sender"
    """The carrier brought it back (final)."""
    CANCELLED = "cancelled"
    """Given up before it shipped; its units are open on the order again (final)."""


_S = ShipmentState
_UNDER_WAY = frozenset(
    {
        _S.IN_TRANSIT,
        _S.OUT_FOR_DELIVERY,
        _S.DELIVERED,
        _S.DELIVERY_FAILED,
        _S.EXCEPTION,
        _S.RETURNED_TO_SENDER,
    }
)

NEXT_STATES: Mapping[ShipmentState, frozenset[ShipmentState]] = {
    _S.CREATED: frozenset({_S.PICKED, _S.CANCELLED}),
    _S.PICKED: frozenset({_S.PACKED, _S.CANCELLED}),
    _S.PACKED: frozenset({_S.LABEL_PURCHASED, _S.SHIPPED, _S.CANCELLED}),
    _S.LABEL_PURCHASED: frozenset({_S.PACKED, _S.SHIPPED, _S.CANCELLED}),
    _S.SHIPPED: _UNDER_WAY,
    _S.IN_TRANSIT: _UNDER_WAY - {_S.IN_TRANSIT},
    _S.OUT_FOR_DELIVERY: _UNDER_WAY - {_S.OUT_FOR_DELIVERY},
    _S.DELIVERY_FAILED: _UNDER_WAY - {_S.DELIVERY_FAILED},
    _S.EXCEPTION: _UNDER_WAY - {_S.EXCEPTION},
    _S.DELIVERED: frozenset(),
    _S.RETURNED_TO_SENDER: frozenset(),
    _S.CANCELLED: frozenset(),
}
"""Which states a shipment may move to from each state."""

LEFT_STOCK = frozenset({_S.SHIPPED, *_UNDER_WAY})
"""States in which a shipment's units have left stock."""


def shipment_document(shipment_id: str) -> str:
    """The document name a shipment's stock movements carry (``"shipment:S1"``)."""
    return f"shipment:{shipment_id}"


@attrs.frozen(slots=True)
class ShipmentLine:
    """Units of one SKU in a shipment.

    Attributes:
        sku: The order line's SKU.
        quantity: The units that go (after a short pick: the units found).
    """

    sku: str = attrs.field(validator=code())
    quantity: int = attrs.field(converter=validate_quantity)


@attrs.frozen(slots=True)
class ShipmentStep:
    """One recorded step of a shipment: from, to, when, who and why.

    Attributes:
        from_state: The state before the step.
        to_state: The state after it.
        at: When it happened.
        actor: Who took it (a user id, ``"system:fulfilment"``, a carrier's name).
        note: What else is worth knowing (a short pick, a cancellation's reason).
    """

    from_state: str
    to_state: str
    at: datetime = attrs.field(validator=aware())
    actor: str
    note: str | None = None


@attrs.frozen(slots=True)
class RateChoice:
    """The carrier and service chosen for a shipment, and what else was on offer.

    Attributes:
        rule: How it was chosen (``"cheapest"``, ``"fastest"``, a host rule's name).
        chosen: The quote taken.
        alternatives: Every other quote, cheapest first.
        failures: Carriers that could not quote, as ``"code: reason"``.
        decided_at: When.
        meets_promise: Whether the chosen quote arrives by the shipment's
            ``deliver_by`` (``True`` when there is none).
    """

    rule: str
    chosen: RateQuote
    alternatives: tuple[RateQuote, ...]
    failures: tuple[str, ...]
    decided_at: datetime = attrs.field(validator=aware())
    meets_promise: bool = True


_TRACKED_STATES = {
    TrackingStatus.IN_TRANSIT: ShipmentState.IN_TRANSIT,
    TrackingStatus.OUT_FOR_DELIVERY: ShipmentState.OUT_FOR_DELIVERY,
    TrackingStatus.AVAILABLE_FOR_PICKUP: ShipmentState.OUT_FOR_DELIVERY,
    TrackingStatus.ATTEMPTED: ShipmentState.DELIVERY_FAILED,
    TrackingStatus.EXCEPTION: ShipmentState.EXCEPTION,
    TrackingStatus.RETURNING: ShipmentState.EXCEPTION,
    TrackingStatus.DELIVERED: ShipmentState.DELIVERED,
    TrackingStatus.RETURNED: ShipmentState.RETURNED_TO_SENDER,
}
"""The shipment state each tracking status stands for (the others change nothing)."""


@attrs.frozen(slots=True)
class PackingSlip:
    """What goes in the box with a shipment, as data for a documents hook to render.

    Attributes:
        shipment_id: The shipment.
        order_number: Its order.
        warehouse: Where it is packed.
        ship_to: Where it goes.
        lines: ``(sku, name as ordered, units)`` per line.
        parcels: How many parcels it was packed into.
        carrier: Who carries it, once known.
        tracking_number: Its tracking number, once known.
    """

    shipment_id: str
    order_number: int
    warehouse: str
    ship_to: Address
    lines: tuple[tuple[str, str, int], ...]
    parcels: int
    carrier: str | None
    tracking_number: str | None


def _lines(value: object) -> tuple[ShipmentLine, ...]:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence) or not value:
        raise ValidationError("lines", value, "a shipment carries at least one line")
    for line in value:
        if not isinstance(line, ShipmentLine):
            raise ValidationError("lines", line, "must be a ShipmentLine")
    skus = [line.sku for line in value]
    if len(set(skus)) != len(skus):
        raise ValidationError("lines", value, "one line per SKU")
    return tuple(sorted(value, key=lambda line: line.sku))


def _packages(value: object) -> tuple[Parcel, ...]:
    return require_tuple_of(value, Parcel, "packages")


def _optional_priority(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1000:
        raise ValidationError("priority", value, "must be an int from 0 (first) to 1000")


def _labels(value: object) -> tuple[PackageLabel, ...]:
    return require_tuple_of(value, PackageLabel, "labels")


def _tracking(value: object) -> tuple[TrackingEvent, ...]:
    return require_tuple_of(value, TrackingEvent, "tracking")


def _state(value: object) -> ShipmentState:
    return parse_enum(ShipmentState, value, "state")


def _history(value: object) -> list[ShipmentStep]:
    if not isinstance(value, list) or not all(isinstance(step, ShipmentStep) for step in value):
        raise ValidationError("history", value, "must be a list of ShipmentSteps")
    return value


@attrs.define(slots=True, kw_only=True)
class Shipment:
    """The units of one order that leave one warehouse together.

    Change it through the fulfilment service (``shop.fulfilment``), which
    keeps the order's counters, its state and the stock ledger in step.

    Attributes:
        id: The shipment's id.
        order_id: The order's id.
        order_number: The order's number.
        warehouse: The warehouse (or pickup point) the units leave from.
        lines: The units, one line per SKU, in SKU order.
        created_at: When it was created.
        state: Where it stands (:class:`ShipmentState`).
        packages: The parcels it was packed into.
        carrier: Who carries it, once shipped (a carrier's code, ``"own-driver"``).
        service: The carrier's service (``"express"``), when it has several.
        tracking_number: The carrier's tracking number, when there is one.
        label: The reference of the shipping label, when one was bought.
        ship_by: When it must leave the warehouse to keep the promise.
        deliver_by: When it was promised at the door.
        shipped_at: When it shipped.
        delivered_at: When it was delivered.
        labels: One label per parcel, once bought.
        label_price: What the carrier charged for the labels.
        rate_choice: The carrier and service chosen by rate shopping, and the
            alternatives.
        tracking: Every tracking event received, once each, oldest first.
        problem: What went wrong last (a failed delivery, an exception, a
            parcel sent back, lateness); cleared when it is delivered.
        priority: A pick priority set by hand (lower is picked first), which
            wins over the shop's priority rules; ``None`` to follow the rules.
        priority_reason: Why it was set.
        pickup_code: The code its customer shows at the pickup point.
        pickup_until: When an uncollected pickup goes back to stock.
        driver: The shop's driver who delivers it.
        route: The route it is on.
        stop: Its place on the route, from 1.
        proof: What shows it was delivered.
        history: Every step it took, oldest first.
        version: The stored version (optimistic concurrency).
    """

    id: str = attrs.field(validator=code())
    order_id: str = attrs.field(validator=code())
    order_number: int = attrs.field(validator=count())
    warehouse: str = attrs.field(validator=code())
    lines: tuple[ShipmentLine, ...] = attrs.field(converter=_lines)
    created_at: datetime = attrs.field(validator=aware())
    state: ShipmentState = attrs.field(default=ShipmentState.CREATED, converter=_state)
    packages: tuple[Parcel, ...] = attrs.field(default=(), converter=_packages)
    carrier: str | None = attrs.field(default=None, validator=optional_text(80))
    service: str | None = attrs.field(default=None, validator=optional_text(80))
    tracking_number: str | None = attrs.field(default=None, validator=optional_text(120))
    label: str | None = attrs.field(default=None, validator=optional_text(200))
    ship_by: datetime | None = attrs.field(default=None)
    deliver_by: datetime | None = attrs.field(default=None)
    shipped_at: datetime | None = attrs.field(default=None)
    delivered_at: datetime | None = attrs.field(default=None)
    labels: tuple[PackageLabel, ...] = attrs.field(default=(), converter=_labels)
    label_price: Money | None = attrs.field(default=None, validator=optional_instance_of(Money))
    rate_choice: RateChoice | None = attrs.field(
        default=None, validator=optional_instance_of(RateChoice)
    )
    tracking: tuple[TrackingEvent, ...] = attrs.field(default=(), converter=_tracking)
    problem: str | None = attrs.field(default=None, validator=optional_text(500))
    priority: int | None = attrs.field(default=None, validator=_optional_priority)
    pickup_code: str | None = attrs.field(default=None, validator=optional_text(20))
    pickup_until: datetime | None = attrs.field(default=None)
    driver: str | None = attrs.field(default=None, validator=optional_text(120))
    route: str | None = attrs.field(default=None, validator=optional_text(120))
    stop: int | None = attrs.field(default=None)
    proof: ProofOfDelivery | None = attrs.field(
        default=None, validator=optional_instance_of(ProofOfDelivery)
    )
    priority_reason: str | None = attrs.field(default=None, validator=optional_text(500))
    history: list[ShipmentStep] = attrs.field(factory=list, converter=_history)
    version: int = 0

    def __attrs_post_init__(self) -> None:
        for name in ("ship_by", "deliver_by", "shipped_at", "delivered_at", "pickup_until"):
            if getattr(self, name) is not None:
                aware()(self, getattr(attrs.fields(Shipment), name), getattr(self, name))

    @property
    def units(self) -> dict[str, int]:
        """Units per SKU."""
        return {line.sku: line.quantity for line in self.lines}

    @property
    def left_stock(self) -> bool:
        """Whether its units have left the warehouse."""
        return self.state in LEFT_STOCK

    @property
    def is_open(self) -> bool:
        """Whether it still holds units that have not left (not shipped, not cancelled)."""
        return self.state not in LEFT_STOCK and self.state is not ShipmentState.CANCELLED

    def allowed(self) -> tuple[str, ...]:
        """The states it may move to from here, in a fixed order."""
        return tuple(sorted(NEXT_STATES[self.state]))

    def move(
        self, to: ShipmentState | str, *, at: datetime, actor: str, note: str | None = None
    ) -> ShipmentStep:
        """Move to state ``to`` and record the step.

        Raises:
            ShipmentStateError: ``to`` is not reachable from the current state.
            ValidationError: ``to`` is not a shipment state.
        """
        target = parse_enum(ShipmentState, to, "state")
        self.check(target.value, target)
        step = ShipmentStep(self.state.value, target.value, at, actor, note)
        self.state = target
        self.history.append(step)
        return step

    def check(self, command: str, *targets: ShipmentState) -> None:
        """Refuse ``command`` unless the shipment may move to one of ``targets``.

        Raises:
            ShipmentStateError: None of them is reachable from the current state.
        """
        if not any(target in NEXT_STATES[self.state] for target in targets):
            raise ShipmentStateError(self.id, self.state.value, command, self.allowed())

    @property
    def tracking_numbers(self) -> tuple[str, ...]:
        """The shipment's tracking number and its parcels' numbers, each once."""
        numbers = [self.tracking_number] if self.tracking_number else []
        numbers += [label.tracking_number for label in self.labels]
        return tuple(dict.fromkeys(numbers))

    def take_tracking(self, events: Sequence[TrackingEvent]) -> tuple[TrackingEvent, ...]:
        """Keep the events not seen before (by ``event_id``); return them.

        The kept events stay ordered by the time they happened, however late
        or out of order they arrive.
        """
        known = {event.event_id for event in self.tracking}
        new = []
        for event in events:
            if event.event_id not in known:
                known.add(event.event_id)
                new.append(event)
        if new:
            self.tracking = tuple(
                sorted((*self.tracking, *new), key=lambda event: (event.at, event.event_id))
            )
        return tuple(new)

    def tracked_state(self) -> ShipmentState | None:
        """The state the tracking says the parcels are in, or ``None`` when it says nothing.

        Delivered or returned parcels stay so, whatever scan arrives after;
        otherwise the latest event by the time it happened decides.
        """
        statuses = {event.status for event in self.tracking}
        if TrackingStatus.DELIVERED in statuses:
            return ShipmentState.DELIVERED
        if TrackingStatus.RETURNED in statuses:
            return ShipmentState.RETURNED_TO_SENDER
        for event in reversed(self.tracking):
            state = _TRACKED_STATES.get(event.status)
            if state is not None:
                return state
        return None

    def keep_found(self, found: Mapping[str, int]) -> dict[str, int]:
        """Keep only the units found for each SKU named; return the units missing.

        When nothing at all was found the lines stay as planned and every
        unit is returned as missing.

        Raises:
            ValidationError: A SKU not in the shipment.
            InvalidQuantity: More units found than the line has, or not an int.
        """
        missing: dict[str, int] = {}
        kept = []
        units = self.units
        for sku, quantity in found.items():
            if sku not in units:
                raise ValidationError(f"picked[{sku}]", quantity, "is not in this shipment")
            if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
                raise InvalidQuantity(f"picked[{sku}]", quantity, "must be an int >= 0")
            if quantity > units[sku]:
                raise InvalidQuantity(
                    f"picked[{sku}]", quantity, f"the shipment has {units[sku]} of {sku}"
                )
        for line in self.lines:
            quantity = found.get(line.sku, line.quantity)
            if quantity < line.quantity:
                missing[line.sku] = line.quantity - quantity
            if quantity:
                kept.append(ShipmentLine(line.sku, quantity))
        if kept:  # with nothing found the lines stay, for the record of what was planned
            self.lines = tuple(kept)
        return missing

    def take_out(self, units: Mapping[str, int]) -> tuple[ShipmentLine, ...]:
        """Take ``units`` out of this shipment (to split them off); return them as lines.

        Raises:
            ValidationError: A SKU not in the shipment, or everything taken out.
            InvalidQuantity: More units than the line has.
        """
        have = self.units
        for sku, quantity in units.items():
            if sku not in have:
                raise ValidationError(f"units[{sku}]", quantity, "is not in this shipment")
            if validate_quantity(quantity, f"units[{sku}]") > have[sku]:
                raise InvalidQuantity(f"units[{sku}]", quantity, f"the shipment has {have[sku]}")
        rest = [
            ShipmentLine(line.sku, line.quantity - units.get(line.sku, 0))
            for line in self.lines
            if line.quantity > units.get(line.sku, 0)
        ]
        if not rest:
            raise ValidationError("units", dict(units), "leave at least one unit in the shipment")
        self.lines = tuple(rest)
        return tuple(ShipmentLine(sku, quantity) for sku, quantity in sorted(units.items()))

    def take_in(self, lines: Sequence[ShipmentLine]) -> None:
        """Add ``lines`` to this shipment (merging another into it)."""
        units = self.units
        for line in lines:
            units[line.sku] = units.get(line.sku, 0) + line.quantity
        self.lines = _lines([ShipmentLine(sku, quantity) for sku, quantity in units.items()])
