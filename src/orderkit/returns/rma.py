"""Return requests (RMAs): which units of an order come back, why, and what became of them.

A return's states::

    requested → approved → receiving → received → closed
              ↘ rejected   ↘ cancelled (nothing received yet)

Each line counts its units through receipt and inspection:
``restocked + damaged + refused <= received <= quantity``; once every
received unit is inspected they add up to what was received. :data:`NEXT_STATES`
is the whole table.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime

import attrs

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
from orderkit.errors import InvalidQuantity, ReturnStateError, ValidationError
from orderkit.returns.policy import RefundTiming

__all__ = [
    "NEXT_STATES",
    "ExchangeLine",
    "InspectionOutcome",
    "ReturnLine",
    "ReturnParcel",
    "ReturnRequest",
    "ReturnResolution",
    "ReturnState",
    "ReturnStep",
    "return_document",
]


class ReturnState(enum.StrEnum):
    """Where a return stands."""

    REQUESTED = "requested"
    """Asked for; a person decides."""
    APPROVED = "approved"
    """Accepted; the customer sends the units."""
    RECEIVING = "receiving"
    """Some units are in the warehouse, more are on the way."""
    RECEIVED = "received"
    """Everything expected is in (or the shop stopped waiting)."""
    CLOSED = "closed"
    """Inspected and settled (final)."""
    REJECTED = "rejected"
    """Refused, with the reason (final)."""
    CANCELLED = "cancelled"
    """Withdrawn before anything came back (final)."""


class ReturnResolution(enum.StrEnum):
    """What the customer gets for the units."""

    REFUND = "refund"
    """Their money back, to the payments they paid with."""
    STORE_CREDIT = "store_credit"
    """Store credit, at once."""
    EXCHANGE = "exchange"
    """Other units (another size, another product); the difference in price is settled."""


class InspectionOutcome(enum.StrEnum):
    """What inspection found of a received unit."""

    RESTOCK = "restock"
    """Sellable: back into available stock through the ledger."""
    DAMAGED = "damaged"
    """Not sellable: written off, or put in the shop's location for damaged goods."""
    REFUSED = "refused"
    """Not accepted back (worn, not ours): sent back to the customer, not refunded."""


_R = ReturnState
NEXT_STATES: Mapping[ReturnState, frozenset[ReturnState]] = {
    _R.REQUESTED: frozenset({_R.APPROVED, _R.REJECTED, _R.CANCELLED}),
    _R.APPROVED: frozenset({_R.RECEIVING, _R.RECEIVED, _R.CANCELLED, _R.CLOSED}),
    _R.RECEIVING: frozenset({_R.RECEIVED}),
    _R.RECEIVED: frozenset({_R.CLOSED}),
    _R.CLOSED: frozenset(),
    _R.REJECTED: frozenset(),
    _R.CANCELLED: frozenset(),
}
"""Every state a return may move to from each state."""

OPEN_STATES = frozenset({_R.REQUESTED, _R.APPROVED, _R.RECEIVING, _R.RECEIVED})
"""States whose units still count against what may be returned."""


def return_document(return_id: str) -> str:
    """The ledger document a return's units come back under (``"return:r-42"``)."""
    return f"return:{return_id}"


def _counter(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidQuantity(attribute.name, value, "must be an int >= 0")


@attrs.frozen(slots=True)
class ReturnLine:
    """The units of one order line coming back, and what became of them.

    Attributes:
        sku: The order line's SKU.
        quantity: Units the customer sends back.
        reason: The reason's code (one of the policy's reasons).
        note: The customer's own words.
        received: Units in the warehouse.
        restocked: Units back in available stock.
        damaged: Units written off or set aside as damaged.
        refused: Units not accepted back (sent back to the customer).

    Raises:
        InvalidQuantity: A count out of order (more inspected than received,
            more received than asked for).
    """

    sku: str = attrs.field(validator=code())
    quantity: int = attrs.field(converter=validate_quantity)
    reason: str = attrs.field(validator=code())
    note: str | None = attrs.field(default=None, validator=optional_text(1000))
    received: int = attrs.field(default=0, validator=_counter)
    restocked: int = attrs.field(default=0, validator=_counter)
    damaged: int = attrs.field(default=0, validator=_counter)
    refused: int = attrs.field(default=0, validator=_counter)

    def __attrs_post_init__(self) -> None:
        if self.received > self.quantity:
            raise InvalidQuantity("received", self.received, f"exceeds the {self.quantity} asked")
        if self.inspected > self.received:
            raise InvalidQuantity(
                "inspected", self.inspected, f"exceeds the {self.received} received"
            )

    @property
    def inspected(self) -> int:
        """Units inspected so far."""
        return self.restocked + self.damaged + self.refused

    @property
    def accepted(self) -> int:
        """Units taken back (restocked or damaged): the ones refunded after inspection."""
        return self.restocked + self.damaged

    @property
    def to_receive(self) -> int:
        """Units still expected."""
        return self.quantity - self.received

    @property
    def to_inspect(self) -> int:
        """Units received and not yet inspected."""
        return self.received - self.inspected


@attrs.frozen(slots=True)
class ExchangeLine:
    """Units the customer gets instead, in an exchange.

    Attributes:
        sku: The product sent out.
        quantity: How many.
    """

    sku: str = attrs.field(validator=code())
    quantity: int = attrs.field(converter=validate_quantity)


@attrs.frozen(slots=True)
class ReturnParcel:
    """A parcel on its way back, with the label the shop issued for it.

    Attributes:
        tracking_number: The carrier's tracking number.
        carrier: The carrier's code.
        service: The service the label is for.
        label: Where to get the label (a URL or a file name).
        price: What the label cost the shop.
        status: The last tracking status (``"label_issued"``, ``"in_transit"``,
            ``"delivered"`` when the carrier brought it to the warehouse).
        seen: Tracking event ids seen, so late and repeated scans change nothing.
    """

    tracking_number: str = attrs.field(validator=code())
    carrier: str = attrs.field(validator=code())
    service: str = attrs.field(validator=code())
    label: str | None = attrs.field(default=None, validator=optional_text(500))
    price: Money | None = attrs.field(default=None, validator=optional_instance_of(Money))
    status: str = attrs.field(default="label_issued", validator=code())
    seen: tuple[str, ...] = ()


@attrs.frozen(slots=True)
class ReturnStep:
    """One step a return took.

    Attributes:
        from_state: The state it left (the same as ``to_state`` for a step
            that did not change it, such as a receipt).
        to_state: The state it entered.
        at: When.
        actor: Who took it.
        note: What happened, in words.
    """

    from_state: str
    to_state: str
    at: datetime
    actor: str
    note: str | None = None


def _lines(value: object) -> tuple[ReturnLine, ...]:
    lines = require_tuple_of(value, ReturnLine, "lines", at_least=1)
    skus = [line.sku for line in lines]
    if len(set(skus)) != len(skus):
        raise ValidationError("lines", skus, "each SKU may appear on one line only")
    return lines


def _exchange(value: object) -> tuple[ExchangeLine, ...]:
    return require_tuple_of(value, ExchangeLine, "exchange")


def _state(value: object) -> ReturnState:
    return parse_enum(ReturnState, value, "state")


def _resolution(value: object) -> ReturnResolution:
    return parse_enum(ReturnResolution, value, "resolution")


def _timing(value: object) -> RefundTiming:
    return parse_enum(RefundTiming, value, "refund_when")


def _parcels(value: object) -> tuple[ReturnParcel, ...]:
    return require_tuple_of(value, ReturnParcel, "parcels")


def _strings(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise ValidationError("refunds", value, "give a list of refund ids")
    return tuple(str(item) for item in value)


@attrs.define(eq=False, kw_only=True)
class ReturnRequest:
    """A return of some units of one order: an RMA.

    Attributes:
        id: The return's id (its RMA number).
        order_id: The order the units came with.
        order_number: That order's number.
        customer_id: Who sends them back.
        currency: The order's currency.
        lines: What comes back and what became of it.
        resolution: What the customer asked for in return.
        exchange: The units sent instead, for an exchange.
        advance: Whether the exchange ships before the return arrives.
        state: Where it stands.
        requested_at: When it was asked for.
        decision: Why it was approved or rejected, in words.
        refund_when: When the money goes back (from the policy, at approval).
        return_shipping_fee: Kept from the refund for the return label.
        restocking_fee: Kept from the refund of the units.
        refund_shipping: Whether the outbound shipping is paid back.
        warehouse: Where the units come back to.
        parcels: The parcels on their way back.
        refunds: The refunds paid for it, by id.
        refunded: What they paid back together.
        exchange_order_id: The linked order that carries the exchange.
        hold_payment_id: The authorisation held against an advance exchange.
        resolved: Whether the money (or the exchange) is settled.
        history: Every step, oldest first.
        version: The stored version (optimistic concurrency).
    """

    id: str = attrs.field(validator=code())
    order_id: str = attrs.field(validator=code())
    order_number: int = attrs.field(validator=count())
    customer_id: str = attrs.field(validator=code())
    currency: str = attrs.field(validator=code())
    lines: tuple[ReturnLine, ...] = attrs.field(converter=_lines)
    resolution: ReturnResolution = attrs.field(
        default=ReturnResolution.REFUND, converter=_resolution
    )
    exchange: tuple[ExchangeLine, ...] = attrs.field(default=(), converter=_exchange)
    advance: bool = False
    state: ReturnState = attrs.field(default=ReturnState.REQUESTED, converter=_state)
    requested_at: datetime = attrs.field(validator=aware())
    decision: str | None = attrs.field(default=None, validator=optional_text(500))
    refund_when: RefundTiming = attrs.field(default=RefundTiming.INSPECTED, converter=_timing)
    return_shipping_fee: Money | None = attrs.field(
        default=None, validator=optional_instance_of(Money)
    )
    restocking_fee: Money | None = attrs.field(default=None, validator=optional_instance_of(Money))
    refund_shipping: bool = False
    warehouse: str | None = attrs.field(default=None)
    parcels: tuple[ReturnParcel, ...] = attrs.field(default=(), converter=_parcels)
    refunds: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    refunded: Money | None = attrs.field(default=None, validator=optional_instance_of(Money))
    exchange_order_id: str | None = None
    hold_payment_id: str | None = None
    resolved: bool = False
    history: list[ReturnStep] = attrs.field(factory=list)
    version: int = 0

    def __attrs_post_init__(self) -> None:
        if self.resolution is ReturnResolution.EXCHANGE and not self.exchange:
            raise ValidationError("exchange", self.exchange, "an exchange names what is sent")
        if self.exchange and self.resolution is not ReturnResolution.EXCHANGE:
            raise ValidationError("exchange", self.exchange, "only for resolution='exchange'")
        if self.advance and self.resolution is not ReturnResolution.EXCHANGE:
            raise ValidationError("advance", self.advance, "only exchanges ship in advance")

    # -- reading -----------------------------------------------------------------

    @property
    def units(self) -> dict[str, int]:
        """Units asked for, by SKU."""
        return {line.sku: line.quantity for line in self.lines}

    @property
    def is_open(self) -> bool:
        """Whether its units still count against what may be returned."""
        return self.state in OPEN_STATES

    @property
    def fully_received(self) -> bool:
        """Whether every unit asked for is in."""
        return all(not line.to_receive for line in self.lines)

    @property
    def fully_inspected(self) -> bool:
        """Whether every unit received is inspected."""
        return all(not line.to_inspect for line in self.lines)

    def line(self, sku: str) -> ReturnLine:
        """The line for ``sku``.

        Raises:
            ValidationError: The return has no line for it.
        """
        for line in self.lines:
            if line.sku == sku:
                return line
        raise ValidationError("sku", sku, f"return {self.id} has no line for it")

    def pending_units(self) -> dict[str, int]:
        """Units still on their way or waiting for inspection: claimed, not yet counted back."""
        if not self.is_open:
            return {}
        return {line.sku: line.quantity - line.inspected for line in self.lines}

    def allowed(self) -> tuple[str, ...]:
        """The states it may move to from here, in a fixed order."""
        return tuple(sorted(NEXT_STATES[self.state]))

    # -- changing ----------------------------------------------------------------

    def check(self, command: str, *targets: ReturnState) -> None:
        """Refuse ``command`` unless the return may move to one of ``targets`` (or is open).

        Raises:
            ReturnStateError: It may not.
        """
        if targets and not any(t in NEXT_STATES[self.state] for t in targets):
            raise ReturnStateError(self.id, self.state.value, command, self.allowed())
        if not targets and not self.is_open:
            raise ReturnStateError(self.id, self.state.value, command, self.allowed())

    def move(self, to: ReturnState, *, at: datetime, actor: str, note: str | None) -> None:
        """Move to ``to`` and record the step.

        Raises:
            ReturnStateError: ``to`` is not reachable from here.
        """
        self.check(to.value, to)
        self.history.append(ReturnStep(self.state.value, to.value, at, actor, note))
        self.state = to

    def note(self, *, at: datetime, actor: str, note: str) -> None:
        """Record a step that does not change the state."""
        self.history.append(ReturnStep(self.state.value, self.state.value, at, actor, note))

    def receive(self, units: Mapping[str, int]) -> None:
        """Count units in; raise before changing anything if more than expected.

        Raises:
            ReturnStateError: It is not waiting for units.
            ValidationError, InvalidQuantity: An SKU not on the return, a
                count that is not positive, or more than are still expected.
        """
        if self.state not in (ReturnState.APPROVED, ReturnState.RECEIVING):
            raise ReturnStateError(self.id, self.state.value, "receive", self.allowed())
        changed = {line.sku: line for line in self.lines}
        for sku, quantity in units.items():
            line = self.line(sku)
            quantity = validate_quantity(quantity, f"units[{sku}]")
            if quantity > line.to_receive:
                raise InvalidQuantity(
                    f"units[{sku}]", quantity, f"only {line.to_receive} units are expected"
                )
            changed[sku] = attrs.evolve(line, received=line.received + quantity)
        self.lines = tuple(changed[line.sku] for line in self.lines)

    def inspect(self, sku: str, outcome: InspectionOutcome, quantity: int) -> None:
        """Record what inspection found of ``quantity`` received units of ``sku``.

        Raises:
            ReturnStateError: Nothing was received, or it is closed.
            ValidationError, InvalidQuantity: An SKU not on the return, or more
                units than wait for inspection.
        """
        if self.state not in (ReturnState.RECEIVING, ReturnState.RECEIVED):
            raise ReturnStateError(self.id, self.state.value, "inspect", self.allowed())
        line = self.line(sku)
        if quantity > line.to_inspect:
            raise InvalidQuantity(
                "quantity", quantity, f"only {line.to_inspect} units of {sku} wait for inspection"
            )
        field = {
            InspectionOutcome.RESTOCK: "restocked",
            InspectionOutcome.DAMAGED: "damaged",
            InspectionOutcome.REFUSED: "refused",
        }[outcome]
        changed = attrs.evolve(line, **{field: getattr(line, field) + quantity})
        self.lines = tuple(changed if each.sku == sku else each for each in self.lines)

    def add_parcel(self, parcel: ReturnParcel) -> None:
        """Keep a parcel the shop issued a label for."""
        self.parcels = (*self.parcels, parcel)

    def track(self, tracking_number: str, event_id: str, status: str) -> bool:
        """Apply one scan to a parcel; say whether it was new."""
        for index, parcel in enumerate(self.parcels):
            if parcel.tracking_number != tracking_number:
                continue
            if event_id in parcel.seen:
                return False
            final = parcel.status == "delivered"
            changed = attrs.evolve(
                parcel,
                status=parcel.status if final else status,
                seen=(*parcel.seen, event_id),
            )
            self.parcels = (*self.parcels[:index], changed, *self.parcels[index + 1 :])
            return True
        return False
