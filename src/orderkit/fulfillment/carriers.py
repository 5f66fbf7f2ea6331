"""The carrier port: services, rate quotes, labels and tracking, as orderkit talks to a carrier.

A host connects a real carrier (or a multi-carrier API) by implementing
:class:`Carrier`; orderkit ships sandboxes that behave like real carriers in
:mod:`orderkit.adapters.carriers`, and proves any adapter with
:class:`orderkit.testing.carrier_contract.CarrierContract`.

Tracking speaks one status set, :class:`TrackingStatus`; every event keeps
the carrier's own status and detail beside it.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol, runtime_checkable

import attrs

from orderkit.core.addresses import Address
from orderkit.core.checks import (
    aware,
    code,
    count,
    instance_of,
    optional_text,
    parse_enum,
    require_tuple_of,
    text,
)
from orderkit.core.money import Money
from orderkit.errors import ValidationError
from orderkit.fulfillment.parcels import Parcel

__all__ = [
    "Carrier",
    "CarrierService",
    "Label",
    "LabelRequest",
    "PackageLabel",
    "RateQuote",
    "RateRequest",
    "TrackingEvent",
    "TrackingStatus",
]


def _parcels(value: object) -> tuple[Parcel, ...]:
    return require_tuple_of(value, Parcel, "parcels", at_least=1)


def _a_date(instance: object, attribute: attrs.Attribute[date], value: object) -> None:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValidationError(attribute.name, value, "give a date (not a datetime)")


@attrs.frozen(slots=True)
class CarrierService:
    """One service a carrier sells (``"ground"``, ``"express"``).

    Attributes:
        code: The service's code at the carrier.
        name: Its name for people.
        guaranteed: Whether the carrier guarantees its delivery date.
    """

    code: str = attrs.field(validator=code())
    name: str = attrs.field(validator=text(120))
    guaranteed: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))


@attrs.frozen(slots=True)
class RateRequest:
    """What a quote is asked for: parcels between two addresses, handed over on a day.

    Attributes:
        origin: Where the parcels leave from (the warehouse).
        destination: Where they go.
        parcels: The packed parcels.
        ship_on: The day the carrier takes them.
    """

    origin: Address = attrs.field(validator=instance_of(Address))
    destination: Address = attrs.field(validator=instance_of(Address))
    parcels: tuple[Parcel, ...] = attrs.field(converter=_parcels)
    ship_on: date = attrs.field(validator=_a_date)


@attrs.frozen(slots=True)
class RateQuote:
    """One carrier's price for one service.

    Attributes:
        carrier: The carrier's code.
        service: The service's code.
        price: What it costs, all parcels together.
        transit_days: Business days on the way.
        delivery_date: The day it should arrive.
        guaranteed: Whether the carrier guarantees that day.
        billable_weight: What the carrier bills for, in ``weight_unit``.
        weight_unit: ``"kg"`` or ``"lb"``.
        stale: The carrier could not answer; this is an earlier quote kept
            for the same request (see the fulfilment service's quote cache).
    """

    carrier: str = attrs.field(validator=code())
    service: str = attrs.field(validator=code())
    price: Money = attrs.field(validator=instance_of(Money))
    transit_days: int = attrs.field(validator=count())
    delivery_date: date = attrs.field(validator=_a_date)
    guaranteed: bool = False
    billable_weight: Decimal = Decimal(0)
    weight_unit: str = "kg"
    stale: bool = False


@attrs.frozen(slots=True)
class LabelRequest:
    """A label to buy for a shipment.

    Attributes:
        reference: The shipment's id; the carrier treats a repeated reference
            as the same purchase and never charges twice.
        service: The service's code.
        origin: Where the parcels leave from.
        destination: Where they go.
        parcels: The packed parcels, one label each.
        ship_on: The day the carrier takes them.
    """

    reference: str = attrs.field(validator=code())
    service: str = attrs.field(validator=code())
    origin: Address = attrs.field(validator=instance_of(Address))
    destination: Address = attrs.field(validator=instance_of(Address))
    parcels: tuple[Parcel, ...] = attrs.field(converter=_parcels)
    ship_on: date = attrs.field(validator=_a_date)


@attrs.frozen(slots=True)
class PackageLabel:
    """The label of one parcel.

    Attributes:
        tracking_number: The parcel's tracking number.
        label: Where the printable label is (a URL, a file or document id).
    """

    tracking_number: str = attrs.field(validator=text(120))
    label: str = attrs.field(validator=text(500))


def _labels(value: object) -> tuple[PackageLabel, ...]:
    return require_tuple_of(value, PackageLabel, "packages", at_least=1)


@attrs.frozen(slots=True)
class Label:
    """A bought label: the shipment's tracking number, one label per parcel, the price charged.

    Attributes:
        carrier: The carrier's code.
        service: The service's code.
        tracking_number: The shipment's (master) tracking number.
        packages: One label per parcel, in the parcels' order.
        price: What the carrier actually charged.
    """

    carrier: str = attrs.field(validator=code())
    service: str = attrs.field(validator=code())
    tracking_number: str = attrs.field(validator=text(120))
    packages: tuple[PackageLabel, ...] = attrs.field(converter=_labels)
    price: Money = attrs.field(validator=instance_of(Money))


class TrackingStatus(enum.StrEnum):
    """Where a parcel is, in one status set for every carrier.

    The mappings from the common multi-carrier APIs are in the fulfilment
    explanation; a carrier adapter maps its own statuses and keeps them in
    :attr:`TrackingEvent.raw_status`.
    """

    LABEL_CREATED = "label_created"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    AVAILABLE_FOR_PICKUP = "available_for_pickup"
    ATTEMPTED = "attempted"
    DELIVERED = "delivered"
    EXCEPTION = "exception"
    RETURNING = "returning"
    RETURNED = "returned"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"


def _status(value: object) -> TrackingStatus:
    return parse_enum(TrackingStatus, value, "status")


@attrs.frozen(slots=True)
class TrackingEvent:
    """One scan or status change a carrier reported.

    Attributes:
        event_id: The carrier's id for the event; the same id again is the
            same event (a duplicate delivery of a webhook, a repeated scan).
        tracking_number: The parcel's or shipment's tracking number.
        status: The status in orderkit's set.
        at: When it happened, by the carrier's clock.
        raw_status: The carrier's own status code.
        detail: The carrier's words for it ("Recipient not at home").
        location: Where, when the carrier says.
    """

    event_id: str = attrs.field(validator=text(200))
    tracking_number: str = attrs.field(validator=text(120))
    status: TrackingStatus = attrs.field(converter=_status)
    at: datetime = attrs.field(validator=aware())
    raw_status: str = attrs.field(default="", validator=attrs.validators.instance_of(str))
    detail: str | None = attrs.field(default=None, validator=optional_text(500))
    location: str | None = attrs.field(default=None, validator=optional_text(200))


@runtime_checkable
class Carrier(Protocol):
    """Protocol: a carrier (or the shop's own drivers), as orderkit talks to it.

    A call the carrier does not answer in time raises
    :class:`~orderkit.errors.CarrierUnavailable`; a request it refuses (an
    address it does not serve, a parcel too heavy) raises
    :class:`~orderkit.errors.CarrierError` naming the reason. Buying a label
    twice with one reference buys it once.
    """

    code: str
    """The carrier's code (``"dhl"``, ``"zone-parcel"``)."""

    def services(self) -> tuple[CarrierService, ...]:
        """The services it sells."""
        ...

    def quote(self, request: RateRequest) -> tuple[RateQuote, ...]:
        """A quote per service that can carry the request (none when none can)."""
        ...

    def buy_label(self, request: LabelRequest) -> Label:
        """Buy a label; the same ``reference`` again returns the same label."""
        ...

    def cancel_label(self, tracking_number: str) -> None:
        """Void a label not yet scanned; refused (CarrierError) once the parcel moved."""
        ...

    def return_label(self, request: LabelRequest) -> Label:
        """Buy a label for the way back (origin and destination as the parcel travels)."""
        ...

    def track(self, tracking_number: str) -> tuple[TrackingEvent, ...]:
        """Every event known for a tracking number, oldest first."""
        ...

    def parse_webhook(
        self, signature: str, body: bytes, now: datetime
    ) -> tuple[TrackingEvent, ...]:
        """Verify a pushed tracking webhook and read its events.

        Raises:
            WebhookRejected: A missing or wrong signature, a stale or malformed body.
        """
        ...
