"""Shipments: their state table, short picks, splits, and reservations shipped in parts."""

from __future__ import annotations

import copy
from datetime import timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import orderkit as ok
from orderkit.errors import InvalidQuantity, ShipmentStateError, ValidationError
from orderkit.fulfillment import NEXT_STATES
from orderkit.fulfillment.shipments import LEFT_STOCK
from orderkit.inventory.reservations import ReservationLine
from tests.builders import T0

STATES = list(ok.ShipmentState)


def shipment(**changes: object) -> ok.Shipment:
    made = ok.Shipment(
        id="S1",
        order_id="O1",
        order_number=1,
        warehouse="BER",
        lines=[ok.ShipmentLine("TEE", 3), ok.ShipmentLine("MUG", 1)],
        created_at=T0,
    )
    return attrs.evolve(made, **changes) if changes else made


@given(st.lists(st.sampled_from(STATES), max_size=12))
def test_a_shipment_takes_only_the_steps_its_table_allows(path: list[ok.ShipmentState]) -> None:
    moving = shipment()
    for at, target in enumerate(path):
        before = copy.deepcopy(moving)
        allowed = target in NEXT_STATES[moving.state]
        left = moving.left_stock
        if allowed:
            moving.move(target, at=T0 + timedelta(minutes=at), actor="desk")
            assert moving.state is target
            assert moving.history[-1].to_state == target.value
            assert not left or moving.left_stock  # units that left never come back
        else:
            with pytest.raises(ShipmentStateError) as refused:
                moving.move(target, at=T0, actor="desk")
            assert refused.value.allowed == before.allowed()
            assert moving == before
    assert [step.from_state for step in moving.history[1:]] == [
        step.to_state for step in moving.history[:-1]
    ]


def test_final_states_lead_nowhere_and_cancelling_needs_units_still_in_stock() -> None:
    for state in (ok.ShipmentState.DELIVERED, ok.ShipmentState.RETURNED_TO_SENDER):
        assert NEXT_STATES[state] == frozenset()
    assert NEXT_STATES[ok.ShipmentState.CANCELLED] == frozenset()
    for state in LEFT_STOCK:
        assert ok.ShipmentState.CANCELLED not in NEXT_STATES[state]
        assert NEXT_STATES[state] <= LEFT_STOCK


@given(st.integers(0, 3), st.integers(0, 1))
def test_a_short_pick_keeps_what_was_found_and_returns_the_rest(tee: int, mug: int) -> None:
    picking = shipment()
    missing = picking.keep_found({"TEE": tee, "MUG": mug})
    if tee == mug == 0:  # nothing found: the plan stays on record, every unit is missing
        assert picking == shipment()
        assert missing == {"TEE": 3, "MUG": 1}
        return
    for sku, planned in (("TEE", 3), ("MUG", 1)):
        assert picking.units.get(sku, 0) + missing.get(sku, 0) == planned


@pytest.mark.parametrize(
    ("found", "error"),
    [
        ({"TEE": 4}, InvalidQuantity),
        ({"TEE": -1}, InvalidQuantity),
        ({"TEE": 1.0}, InvalidQuantity),
        ({"TEE": True}, InvalidQuantity),
        ({"CAP": 1}, ValidationError),
    ],
)
def test_a_pick_that_cannot_be_refuses_by_name(found: dict[str, object], error: type) -> None:
    picking = shipment()
    with pytest.raises(error, match=r"picked\["):
        picking.keep_found(found)  # type: ignore[arg-type]
    assert picking == shipment()


def test_splitting_and_merging_back_keeps_every_unit() -> None:
    whole = shipment()
    moved = whole.take_out({"TEE": 2})
    assert (whole.units, [(ln.sku, ln.quantity) for ln in moved]) == (
        {"MUG": 1, "TEE": 1},
        [("TEE", 2)],
    )
    whole.take_in(moved)
    assert whole.units == {"MUG": 1, "TEE": 3}
    with pytest.raises(ValidationError, match="leave at least one"):
        whole.take_out({"TEE": 3, "MUG": 1})
    with pytest.raises(InvalidQuantity):
        whole.take_out({"TEE": 4})
    assert whole.units == {"MUG": 1, "TEE": 3}


def test_a_shipment_refuses_what_it_cannot_carry() -> None:
    with pytest.raises(ValidationError, match="one line per SKU"):
        shipment(lines=[ok.ShipmentLine("TEE", 1), ok.ShipmentLine("TEE", 2)])
    with pytest.raises(ValidationError, match="at least one line"):
        shipment(lines=[])
    with pytest.raises(InvalidQuantity):
        ok.ShipmentLine("TEE", 0)
    with pytest.raises(ValidationError):
        shipment(ship_by=T0.replace(tzinfo=None))


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["ship", "give_back"]), st.sampled_from(["A", "B"]), st.integers(1, 3)
        ),
        max_size=10,
    )
)
def test_a_reservation_shipped_in_parts_accounts_for_every_unit(
    steps: list[tuple[str, str, int]],
) -> None:
    reservation = ok.Reservation(
        id="R1",
        document="order:1",
        lines=[ReservationLine("A", "BER", 4), ReservationLine("B", "BER", 2)],
        created_at=T0,
    )
    held = {"A": 4, "B": 2}
    shipped = {"A": 0, "B": 0}
    for action, sku, quantity in steps:
        if reservation.status is not ok.ReservationStatus.ACTIVE:
            break
        before = copy.deepcopy(reservation)
        if quantity > held[sku]:
            with pytest.raises(ValidationError):
                getattr(reservation, action)(sku, "BER", quantity)
            assert reservation == before
            continue
        getattr(reservation, action)(sku, "BER", quantity)
        held[sku] -= quantity
        if action == "ship":
            shipped[sku] += quantity
    if reservation.status is ok.ReservationStatus.ACTIVE:
        assert {ln.sku: ln.quantity for ln in reservation.lines} == {
            sku: units for sku, units in held.items() if units or shipped[sku]
        }
    else:
        assert sum(held.values()) == 0
        expected = (
            ok.ReservationStatus.COMMITTED
            if any(shipped.values())
            else ok.ReservationStatus.RELEASED
        )
        assert reservation.status is expected
    assert reservation.shipped_from() == {
        (sku, "BER"): units for sku, units in shipped.items() if units
    }
