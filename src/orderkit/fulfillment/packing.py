"""Packing: choose boxes from a catalogue for the units of a shipment.

The choice is first-fit decreasing by volume, with each unit turned to fit a
box by its sides, then every package shrunk to the smallest box that still
takes its contents: few packages first, then small ones. It reasons in
volume and sides, not in a 3D layout, like the box rules carriers and most
order systems use; ``fill_percent`` leaves room for the air a real box keeps.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import attrs

from orderkit.catalog.ports import Dimensions
from orderkit.core.checks import (
    code,
    count,
    instance_of,
    optional_instance_of,
    require_tuple_of,
)
from orderkit.core.money import Money
from orderkit.core.quantity import validate_quantity
from orderkit.errors import ValidationError
from orderkit.fulfillment.parcels import Parcel

__all__ = ["Box", "PackItem", "Package", "choose_boxes"]


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(attribute.name, value, "must be a positive int")


def _percent(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
        raise ValidationError(attribute.name, value, "must be an int from 1 to 100")


def _sides(dimensions: Dimensions) -> tuple[int, int, int]:
    small, middle, large = sorted((dimensions.length_mm, dimensions.width_mm, dimensions.height_mm))
    return small, middle, large


def _volume_mm3(dimensions: Dimensions) -> int:
    return dimensions.length_mm * dimensions.width_mm * dimensions.height_mm


@attrs.frozen(slots=True)
class Box:
    """A box the warehouse packs into.

    Attributes:
        code: The box's code (``"M"``, ``"BOX-40"``).
        inner: The space inside.
        max_weight_g: The most it may weigh, packed, box included.
        tare_g: What the empty box weighs.
        outer: Its outside size (what the carrier measures); ``inner`` when not given.
        cost: What one box costs, to break ties between boxes of one size.
        fill_percent: How much of the inner volume goods may fill (100: all of it).
    """

    code: str = attrs.field(validator=code())
    inner: Dimensions = attrs.field(validator=instance_of(Dimensions))
    max_weight_g: int = attrs.field(validator=_positive)
    tare_g: int = attrs.field(default=0, validator=count())
    outer: Dimensions | None = attrs.field(default=None, validator=optional_instance_of(Dimensions))
    cost: Money | None = attrs.field(default=None, validator=optional_instance_of(Money))
    fill_percent: int = attrs.field(default=100, validator=_percent)

    def __attrs_post_init__(self) -> None:
        if self.tare_g >= self.max_weight_g:
            raise ValidationError("tare_g", self.tare_g, "must be below max_weight_g")
        if self.outer is not None and any(
            o < i for o, i in zip(_sides(self.outer), _sides(self.inner), strict=True)
        ):
            raise ValidationError("outer", self.outer, "must be at least the inner size")

    @property
    def capacity_mm3(self) -> int:
        """The volume goods may fill, in cubic millimetres."""
        return _volume_mm3(self.inner) * self.fill_percent // 100

    def takes(self, item: PackItem) -> bool:
        """Whether one unit of ``item`` fits, turned as needed, and is light enough alone."""
        return (
            all(a <= b for a, b in zip(_sides(item.dimensions), _sides(self.inner), strict=True))
            and item.volume_mm3 <= self.capacity_mm3
            and self.tare_g + item.weight_g <= self.max_weight_g
        )


@attrs.frozen(slots=True)
class PackItem:
    """Units of one SKU to pack, with the size and weight of one unit.

    Attributes:
        sku: The SKU.
        quantity: How many units.
        dimensions: The size of one unit.
        weight_g: The weight of one unit in grams.
    """

    sku: str = attrs.field(validator=code())
    quantity: int = attrs.field(converter=validate_quantity)
    dimensions: Dimensions = attrs.field(validator=instance_of(Dimensions))
    weight_g: int = attrs.field(validator=count())

    @property
    def volume_mm3(self) -> int:
        """The volume of one unit in cubic millimetres."""
        return _volume_mm3(self.dimensions)


@attrs.frozen(slots=True)
class Package:
    """A box with what goes in it.

    Attributes:
        box: The box chosen.
        contents: ``(sku, units)`` in SKU order.
        weight_g: Its packed weight, box included.
        volume_mm3: The volume its goods take.
    """

    box: Box
    contents: tuple[tuple[str, int], ...]
    weight_g: int
    volume_mm3: int

    def parcel(self) -> Parcel:
        """The package as a carrier sees it: outer size and packed weight."""
        return Parcel(self.box.outer or self.box.inner, weight_g=self.weight_g)


@attrs.define
class _Open:
    box: Box
    units: Counter[str] = attrs.field(factory=Counter)
    weight_g: int = 0
    volume_mm3: int = 0

    def room_for(self, item: PackItem, box: Box | None = None) -> bool:
        box = box or self.box
        return (
            box.takes(item)
            and self.volume_mm3 + item.volume_mm3 <= box.capacity_mm3
            and box.tare_g + self.weight_g + item.weight_g <= box.max_weight_g
        )

    def add(self, item: PackItem) -> None:
        self.units[item.sku] += 1
        self.weight_g += item.weight_g
        self.volume_mm3 += item.volume_mm3


def _box_order(box: Box) -> tuple[int, int, object, str]:
    cost = box.cost.amount if box.cost is not None else 0
    return (box.capacity_mm3, _volume_mm3(box.outer or box.inner), cost, box.code)


def choose_boxes(items: Sequence[PackItem], boxes: Sequence[Box]) -> list[Package]:
    """Pack ``items`` into boxes from ``boxes``: as few packages as it can, each as small as it can.

    Every unit is packed exactly once; no package weighs more than its box
    allows or holds more volume than the box's fill allows, and every unit
    fits its box by its sides, turned as needed.

    Raises:
        ValidationError: No boxes, no items, two boxes with one code, or a
            unit that fits no box (named with its size and weight).

    Examples:
        >>> from orderkit.catalog.ports import Dimensions
        >>> small = Box("S", Dimensions(200, 150, 100), max_weight_g=5000)
        >>> large = Box("L", Dimensions(400, 300, 300), max_weight_g=20000)
        >>> mugs = PackItem("MUG", 3, Dimensions(120, 90, 100), weight_g=350)
        >>> [(p.box.code, p.contents) for p in choose_boxes([mugs], [small, large])]
        [('L', (('MUG', 3),))]
    """
    boxes = require_tuple_of(boxes, Box, "boxes", at_least=1)
    if len({box.code for box in boxes}) != len(boxes):
        raise ValidationError("boxes", [box.code for box in boxes], "box codes must differ")
    items = require_tuple_of(items, PackItem, "items", at_least=1)
    smallest_first = sorted(boxes, key=_box_order)
    largest_first = smallest_first[::-1]
    for item in items:
        if not any(box.takes(item) for box in boxes):
            raise ValidationError(
                "items",
                item.sku,
                f"one unit ({item.dimensions.length_mm}x{item.dimensions.width_mm}x"
                f"{item.dimensions.height_mm} mm, {item.weight_g} g) fits no box",
            )
    units = sorted(
        (item for item in items for _ in range(item.quantity)),
        key=lambda item: (-item.volume_mm3, -_sides(item.dimensions)[2], -item.weight_g, item.sku),
    )
    packages: list[_Open] = []
    for unit in units:
        target = next((package for package in packages if package.room_for(unit)), None)
        if target is None:
            target = _Open(next(box for box in largest_first if box.takes(unit)))
            packages.append(target)
        target.add(unit)
    by_sku = {item.sku: item for item in items}
    chosen = []
    for package in packages:
        box = next(candidate for candidate in smallest_first if _holds(candidate, package, by_sku))
        chosen.append(
            Package(
                box=box,
                contents=tuple(sorted(package.units.items())),
                weight_g=box.tare_g + package.weight_g,
                volume_mm3=package.volume_mm3,
            )
        )
    return chosen


def _holds(box: Box, package: _Open, items: dict[str, PackItem]) -> bool:
    return (
        all(box.takes(items[sku]) for sku in package.units)
        and package.volume_mm3 <= box.capacity_mm3
        and box.tare_g + package.weight_g <= box.max_weight_g
    )
