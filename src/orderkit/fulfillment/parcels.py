"""Parcels: a packed box, its weight and the weight a carrier charges for."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Literal

import attrs

from orderkit.catalog.ports import Dimensions
from orderkit.core.checks import count, instance_of
from orderkit.errors import ValidationError

__all__ = ["Parcel", "WeightRule"]

DEFAULT_DIM_DIVISOR = 5000
"""Cubic centimetres per kilogram; 5000 is common for international express, 6000 for road."""


def _divisor(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError("divisor", value, "must be a positive int (cm3 per kg)")
    return value


@attrs.frozen(slots=True)
class Parcel:
    """A packed box.

    Carriers charge for the larger of the actual weight and the dimensional
    (volumetric) weight: volume in cm3 divided by the carrier's divisor, in kg.

    Attributes:
        dimensions: The outer size of the box.
        weight_g: The actual weight in grams.

    Examples:
        >>> box = Parcel(Dimensions(400, 300, 200), weight_g=1500)
        >>> box.dimensional_weight_g(), box.chargeable_weight_g()
        (4800, 4800)
    """

    dimensions: Dimensions = attrs.field(validator=instance_of(Dimensions))
    weight_g: int = attrs.field(validator=count())

    def dimensional_weight_g(self, divisor: int = DEFAULT_DIM_DIVISOR) -> int:
        """The volumetric weight in grams, rounded up to the gram."""
        divisor = _divisor(divisor)
        return -(-self.dimensions.volume_cm3 * 1000 // divisor)

    def chargeable_weight_g(self, divisor: int = DEFAULT_DIM_DIVISOR) -> int:
        """The weight a carrier bills: the larger of actual and dimensional weight."""
        return max(self.weight_g, self.dimensional_weight_g(divisor))


_MM3_PER_IN3 = Fraction(254, 10) ** 3
_GRAMS_PER_LB = Fraction("453.59237")
_MM_PER_SIDE_UNIT = {"kg": Fraction(10), "lb": Fraction(254, 10)}


def _step(value: object) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
        raise ValidationError("step", value, "give a positive Decimal, like Decimal('0.5')")
    return value


def _unit(value: object) -> str:
    if value not in ("kg", "lb"):
        raise ValidationError("unit", value, 'must be "kg" (divisor in cm3/kg) or "lb" (in3/lb)')
    return str(value)


@attrs.frozen(slots=True)
class WeightRule:
    """How one carrier turns a parcel into the weight it bills.

    Carriers bill the larger of the actual and the dimensional weight, the
    volume divided by their divisor, rounded up to their billing step. The
    divisor, its unit and the step are the carrier's own: 5,000 cm3/kg and
    139 in3/lb are common, 6,000 and 166 exist too.

    Attributes:
        divisor: Cubic centimetres per kg (``unit="kg"``) or cubic inches per
            lb (``unit="lb"``).
        unit: ``"kg"`` or ``"lb"``: the unit of the divisor and of the result.
        step: The billing step in that unit (``Decimal("0.5")`` kg, ``Decimal("1")`` lb).
        round_sides: Round each side up to a whole cm or inch first, as some
            carriers measure.

    Examples:
        >>> from decimal import Decimal
        >>> box = Parcel(Dimensions(400, 300, 200), weight_g=1500)
        >>> WeightRule(5000, "kg", Decimal("0.5")).billable(box)
        Decimal('5.0')
        >>> WeightRule(139, "lb", Decimal("1")).billable(box)
        Decimal('11')
    """

    divisor: int = attrs.field(converter=_divisor)
    unit: Literal["kg", "lb"] = attrs.field(converter=_unit)
    step: Decimal = attrs.field(default=Decimal("0.5"), converter=_step)
    round_sides: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))

    def _volume(self, dimensions: Dimensions) -> Fraction:
        """The volume in cm3 (kg) or in3 (lb), sides rounded up when the carrier does."""
        side_unit = _MM_PER_SIDE_UNIT[self.unit]
        sides = [
            Fraction(side) / side_unit
            for side in (dimensions.length_mm, dimensions.width_mm, dimensions.height_mm)
        ]
        if self.round_sides:
            sides = [Fraction(math.ceil(side)) for side in sides]
        return math.prod(sides, start=Fraction(1))

    def _rounded(self, weight: Fraction) -> Decimal:
        step = Fraction(self.step)
        steps = math.ceil(weight / step)
        return (self.step * steps).quantize(self.step)

    def dimensional(self, parcel: Parcel) -> Decimal:
        """The dimensional weight in the rule's unit, rounded up to the step."""
        return self._rounded(self._volume(parcel.dimensions) / self.divisor)

    def actual(self, parcel: Parcel) -> Decimal:
        """The actual weight in the rule's unit, rounded up to the step."""
        grams = Fraction(parcel.weight_g)
        return self._rounded(grams / 1000 if self.unit == "kg" else grams / _GRAMS_PER_LB)

    def billable(self, parcel: Parcel) -> Decimal:
        """The weight the carrier bills: the larger of actual and dimensional."""
        return max(self.actual(parcel), self.dimensional(parcel))
