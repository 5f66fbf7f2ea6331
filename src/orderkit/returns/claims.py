"""Claims: a parcel lost or damaged on the way, or the wrong item sent.

The customer is made whole without waiting for anything to come back: the
units are replaced (a linked order at no charge, its stock reserved and
shipped like any other) or refunded. What the shop asks of the carrier is
kept beside it, filed and then paid or denied.
"""

from __future__ import annotations

import enum
from datetime import datetime

import attrs

from orderkit.core.checks import aware, code, count, optional_instance_of, optional_text, parse_enum
from orderkit.core.money import Money
from orderkit.errors import ValidationError

__all__ = ["CarrierClaim", "Claim", "ClaimKind", "ClaimRemedy"]


class ClaimKind(enum.StrEnum):
    """What went wrong."""

    LOST = "lost"
    """The parcel never arrived."""
    DAMAGED = "damaged"
    """It arrived broken."""
    WRONG_ITEM = "wrong_item"
    """Something else was in it."""


class ClaimRemedy(enum.StrEnum):
    """How the customer is made whole."""

    REPLACE = "replace"
    """The same units again, in a new shipment at no charge."""
    REFUND = "refund"
    """Their money back for the units."""


def _units(value: object) -> tuple[tuple[str, int], ...]:
    if isinstance(value, dict):
        value = tuple(value.items())
    if not isinstance(value, tuple | list) or not value:
        raise ValidationError("units", value, "give {sku: units}")
    return tuple((str(sku), int(quantity)) for sku, quantity in value)


@attrs.frozen(slots=True)
class CarrierClaim:
    """What the shop claims from the carrier for a parcel.

    Attributes:
        carrier: The carrier's code.
        tracking_number: The parcel's tracking number.
        amount: What is claimed.
        state: ``"filed"``, ``"paid"`` or ``"denied"``.
        reference: The carrier's claim number.
        paid: What the carrier paid.
        note: The carrier's answer, in words.
    """

    carrier: str = attrs.field(validator=code())
    tracking_number: str | None
    amount: Money = attrs.field(validator=attrs.validators.instance_of(Money))
    state: str = "filed"
    reference: str | None = attrs.field(default=None, validator=optional_text(120))
    paid: Money | None = attrs.field(default=None, validator=optional_instance_of(Money))
    note: str | None = attrs.field(default=None, validator=optional_text(500))


def _kind(value: object) -> ClaimKind:
    return parse_enum(ClaimKind, value, "kind")


def _remedy(value: object) -> ClaimRemedy:
    return parse_enum(ClaimRemedy, value, "remedy")


@attrs.define(eq=False, kw_only=True)
class Claim:
    """A claim on a shipment of an order, and how it was settled.

    Attributes:
        id: The claim's id.
        order_id: The order.
        order_number: Its number.
        shipment_id: The shipment that went wrong.
        kind: Lost, damaged or wrong item.
        remedy: Replace or refund.
        units: The units affected, as ``(sku, units)``.
        filed_at: When the claim was made.
        note: What the customer said.
        replacement_order_id: The linked order that replaces the units.
        refund_id: The refund that paid them back.
        carrier_claim: What was claimed from the carrier.
        settled: Whether the customer's side is done.
        version: The stored version.
    """

    id: str = attrs.field(validator=code())
    order_id: str = attrs.field(validator=code())
    order_number: int = attrs.field(validator=count())
    shipment_id: str = attrs.field(validator=code())
    kind: ClaimKind = attrs.field(converter=_kind)
    remedy: ClaimRemedy = attrs.field(converter=_remedy)
    units: tuple[tuple[str, int], ...] = attrs.field(converter=_units)
    filed_at: datetime = attrs.field(validator=aware())
    note: str | None = attrs.field(default=None, validator=optional_text(1000))
    replacement_order_id: str | None = None
    refund_id: str | None = None
    carrier_claim: CarrierClaim | None = attrs.field(
        default=None, validator=optional_instance_of(CarrierClaim)
    )
    settled: bool = False
    version: int = 0

    @property
    def unit_map(self) -> dict[str, int]:
        """The units affected, by SKU."""
        return dict(self.units)
