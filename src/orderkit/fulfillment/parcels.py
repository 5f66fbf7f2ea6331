"""Parcels: a packed box, its weight and the weight a carrier charges for."""

from __future__ import annotations

import attrs

from orderkit.catalog.ports import Dimensions
from orderkit.core.checks import count, instance_of
from orderkit.errors import ValidationError

__all__ = ["Parcel"]

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
