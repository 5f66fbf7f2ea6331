"""Packing: every unit packed once, no box overfilled or overweight, billable weight by rule."""

from __future__ import annotations

import math
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orderkit.catalog.ports import Dimensions
from orderkit.errors import ValidationError
from orderkit.fulfillment.packing import Box, PackItem, choose_boxes
from orderkit.fulfillment.parcels import Parcel, WeightRule

BOXES = [
    Box("S", Dimensions(250, 200, 100), max_weight_g=5_000, tare_g=150),
    Box("M", Dimensions(400, 300, 200), max_weight_g=15_000, tare_g=300, fill_percent=90),
    Box("L", Dimensions(600, 400, 400), max_weight_g=30_000, tare_g=600),
]

sides = st.integers(10, 390)
items = st.lists(
    st.builds(
        PackItem,
        sku=st.sampled_from(["A", "B", "C", "D", "E"]),
        quantity=st.integers(1, 6),
        dimensions=st.builds(Dimensions, sides, sides, st.integers(10, 390)),
        weight_g=st.integers(0, 8_000),
    ),
    min_size=1,
    max_size=5,
    unique_by=lambda item: item.sku,
)


def _fits(item: PackItem, box: Box) -> bool:
    mine = sorted((item.dimensions.length_mm, item.dimensions.width_mm, item.dimensions.height_mm))
    inner = sorted((box.inner.length_mm, box.inner.width_mm, box.inner.height_mm))
    return all(a <= b for a, b in zip(mine, inner, strict=True))


@given(items)
def test_every_unit_is_packed_once_and_no_box_is_overfilled(wanted: list[PackItem]) -> None:
    by_sku = {item.sku: item for item in wanted}
    if not all(any(box.takes(item) for box in BOXES) for item in wanted):
        with pytest.raises(ValidationError, match="fits no box"):
            choose_boxes(wanted, BOXES)
        return
    packages = choose_boxes(wanted, BOXES)
    packed: Counter[str] = Counter()
    for package in packages:
        volume = weight = 0
        for sku, units in package.contents:
            packed[sku] += units
            item = by_sku[sku]
            assert _fits(item, package.box)
            volume += item.volume_mm3 * units
            weight += item.weight_g * units
        assert volume == package.volume_mm3 <= package.box.capacity_mm3
        assert weight + package.box.tare_g == package.weight_g <= package.box.max_weight_g
        # shrunk: no smaller box would take the same contents
        for smaller in BOXES:
            if smaller.capacity_mm3 < package.box.capacity_mm3:
                assert not (
                    all(smaller.takes(by_sku[sku]) for sku, _ in package.contents)
                    and volume <= smaller.capacity_mm3
                    and smaller.tare_g + weight <= smaller.max_weight_g
                )
    assert packed == {item.sku: item.quantity for item in wanted}


def test_units_share_a_box_and_a_long_item_is_turned_to_fit() -> None:
    poster = PackItem("POSTER", 1, Dimensions(80, 80, 580), weight_g=300)
    socks = PackItem("SOCK", 4, Dimensions(100, 80, 30), weight_g=60)
    (package,) = choose_boxes([socks, poster], BOXES)
    assert package.box.code == "L"
    assert package.contents == (("POSTER", 1), ("SOCK", 4))
    assert package.parcel() == Parcel(Dimensions(600, 400, 400), weight_g=600 + 300 + 240)


def test_heavy_units_go_in_several_packages() -> None:
    weights = PackItem("KETTLEBELL", 5, Dimensions(200, 200, 200), weight_g=12_000)
    packages = choose_boxes([weights], BOXES)
    assert [p.contents for p in packages] == [(("KETTLEBELL", 2),)] * 2 + [(("KETTLEBELL", 1),)]
    assert all(p.weight_g <= p.box.max_weight_g for p in packages)


def test_boxes_and_items_are_checked_by_name() -> None:
    with pytest.raises(ValidationError, match="tare_g"):
        Box("X", Dimensions(10, 10, 10), max_weight_g=100, tare_g=100)
    with pytest.raises(ValidationError, match="outer"):
        Box("X", Dimensions(100, 100, 100), max_weight_g=100, outer=Dimensions(90, 100, 100))
    with pytest.raises(ValidationError, match="fill_percent"):
        Box("X", Dimensions(10, 10, 10), max_weight_g=100, fill_percent=0)
    with pytest.raises(ValidationError, match="box codes"):
        choose_boxes([PackItem("A", 1, Dimensions(1, 1, 1), 1)], [BOXES[0], BOXES[0]])
    with pytest.raises(ValidationError, match="boxes"):
        choose_boxes([PackItem("A", 1, Dimensions(1, 1, 1), 1)], [])
    with pytest.raises(ValidationError, match="700x10x10 mm, 5 g\\) fits no box") as refused:
        choose_boxes([PackItem("SKI", 1, Dimensions(700, 10, 10), 5)], BOXES)
    assert refused.value.value == "SKI"


@given(
    st.builds(Dimensions, st.integers(1, 2000), st.integers(1, 2000), st.integers(1, 2000)),
    st.integers(0, 70_000),
    st.sampled_from([(5000, "kg"), (6000, "kg"), (139, "lb"), (166, "lb")]),
    st.sampled_from([Decimal("0.1"), Decimal("0.5"), Decimal("1")]),
    st.booleans(),
)
def test_billable_weight_is_the_larger_weight_rounded_up_to_the_step(
    size: Dimensions, grams: int, divisor_unit: tuple[int, str], step: Decimal, round_sides: bool
) -> None:
    divisor, unit = divisor_unit
    rule = WeightRule(divisor, unit, step, round_sides=round_sides)  # type: ignore[arg-type]
    parcel = Parcel(size, weight_g=grams)
    side = 10.0 if unit == "kg" else 25.4
    measured = [s / side for s in (size.length_mm, size.width_mm, size.height_mm)]
    if round_sides:
        measured = [math.ceil(m - 1e-9) for m in measured]
    dimensional = math.prod(measured) / divisor
    actual = grams / 1000 if unit == "kg" else grams / 453.59237
    billable = rule.billable(parcel)
    assert billable % step == 0
    assert billable >= max(rule.actual(parcel), rule.dimensional(parcel))
    assert float(billable) >= max(dimensional, actual) - 1e-6
    assert float(billable) < max(dimensional, actual) + float(step) + 1e-6


def test_a_weight_rule_refuses_what_no_carrier_uses() -> None:
    with pytest.raises(ValidationError, match="unit"):
        WeightRule(5000, "g")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="step"):
        WeightRule(5000, "kg", Decimal("0"))
    with pytest.raises(ValidationError, match="divisor"):
        WeightRule(0, "kg")
