"""Stock levels, the ledger, reservations and routing, without any store."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orderkit.core.addresses import Address, Coordinates
from orderkit.errors import (
    InsufficientStock,
    InvalidQuantity,
    ReservationNotActive,
    ValidationError,
)
from orderkit.inventory.ledger import MovementKind, StockMovement, replay
from orderkit.inventory.reservations import (
    Reservation,
    ReservationLine,
    ReservationStatus,
    summed_lines,
)
from orderkit.inventory.routing import (
    ByPriority,
    FewestShipments,
    Nearest,
    RoutingRequest,
    distance_km,
    route,
)
from orderkit.inventory.stock import StockLevel
from orderkit.inventory.warehouses import Warehouse
from tests.builders import NEW_YEAR as T0


def test_stock_level_rules() -> None:
    level = StockLevel("A-1", "CHI").receive(5).reserve(3)
    assert (level.on_hand, level.reserved, level.available) == (5, 3, 2)
    with pytest.raises(InsufficientStock) as short:
        level.reserve(3)
    error = short.value
    assert (error.sku, error.warehouse, error.requested, error.available) == ("A-1", "CHI", 3, 2)
    shipped = level.ship(2)
    assert (shipped.on_hand, shipped.reserved) == (3, 1)
    assert shipped.release(1).reserved == 0
    with pytest.raises(ValidationError):
        shipped.release(2)
    with pytest.raises(ValidationError):
        shipped.ship(2)
    with pytest.raises(ValidationError):
        shipped.apply(-3, 0)  # would take away the reserved unit
    with pytest.raises(InvalidQuantity):
        level.reserve(0)
    with pytest.raises(ValidationError):
        StockLevel("A-1", "CHI", on_hand=1, reserved=2)


def test_backorders_are_counted_apart_and_limited() -> None:
    level = StockLevel("A-1", "CHI", on_hand=1)
    waiting = level.apply(0, 0, 4, backorder_limit=5)
    assert (waiting.reserved, waiting.backordered, waiting.available) == (0, 4, 1)
    with pytest.raises(InsufficientStock) as error:
        waiting.apply(0, 0, 2, backorder_limit=5)
    assert error.value.available == 1  # room left under the limit
    allocated = waiting.apply(0, 1, -1)
    assert (allocated.reserved, allocated.backordered) == (1, 3)
    with pytest.raises(ValidationError):
        allocated.apply(0, 0, -4)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["receive", "reserve", "release", "ship"]),
            st.integers(min_value=1, max_value=20),
        ),
        max_size=40,
    )
)
def test_reserved_never_exceeds_on_hand(steps: list[tuple[str, int]]) -> None:
    level = StockLevel("A-1", "CHI")
    for action, quantity in steps:
        with contextlib.suppress(InsufficientStock, ValidationError):
            level = getattr(level, action)(quantity)
        assert 0 <= level.reserved <= level.on_hand
        assert level.available == level.on_hand - level.reserved


def test_movements_carry_their_direction_and_need_reasons_for_corrections() -> None:
    commit = StockMovement.of("commit", "A-1", "CHI", 3, occurred_at=T0, document="order:1")
    assert (commit.on_hand_delta, commit.reserved_delta, commit.backordered_delta) == (-3, -3, 0)
    allocate = StockMovement.of(MovementKind.ALLOCATE, "A-1", "CHI", 2, occurred_at=T0)
    assert (allocate.reserved_delta, allocate.backordered_delta) == (2, -2)
    with pytest.raises(ValidationError) as missing:
        StockMovement.of("write_off", "A-1", "CHI", 1, occurred_at=T0)
    assert missing.value.field == "reason"
    with pytest.raises(ValidationError):
        StockMovement.of("adjust", "A-1", "CHI", 1, occurred_at=T0, reason="found")
    with pytest.raises(ValidationError):
        StockMovement.correction("adjust", "A-1", "CHI", 0, occurred_at=T0, reason="none")
    with pytest.raises(ValidationError):
        StockMovement.of("teleport", "A-1", "CHI", 1, occurred_at=T0)
    with pytest.raises(InvalidQuantity):
        StockMovement.of("receive", "A-1", "CHI", -1, occurred_at=T0)


def test_replay_rebuilds_levels_and_catches_a_tampered_ledger() -> None:
    ledger = [
        StockMovement.of("receive", "A-1", "CHI", 5, occurred_at=T0),
        StockMovement.of("reserve", "A-1", "CHI", 4, occurred_at=T0),
        StockMovement.of("backorder", "A-1", "CHI", 2, occurred_at=T0),
        StockMovement.of("commit", "A-1", "CHI", 4, occurred_at=T0),
        StockMovement.of("receive", "A-1", "NYC", 1, occurred_at=T0),
    ]
    assert replay(ledger) == {
        ("A-1", "CHI"): StockLevel("A-1", "CHI", 1, 0, 2),
        ("A-1", "NYC"): StockLevel("A-1", "NYC", 1, 0, 0),
    }
    with pytest.raises(InsufficientStock):
        replay([StockMovement.of("reserve", "A-1", "CHI", 1, occurred_at=T0)])


def test_lines_of_the_same_sku_are_summed_before_checking() -> None:
    assert summed_lines([("B", 1), ("A", 2), ("B", 3)]) == [("A", 2), ("B", 4)]
    for bad in ([], [("A", 0)], [("A",)], [(1, 1)]):
        with pytest.raises(ValidationError):
            summed_lines(bad)  # type: ignore[arg-type]


def test_reservation_life() -> None:
    reservation = Reservation(
        id="R1",
        document="order:1",
        lines=[ReservationLine("B", "CHI", 1), ReservationLine("A", "CHI", 0, backordered=2)],
        created_at=T0,
        expires_at=T0 + timedelta(minutes=15),
    )
    assert [line.sku for line in reservation.lines] == ["A", "B"]  # fixed order
    assert (reservation.quantity, reservation.backordered) == (1, 2)
    with pytest.raises(ValidationError):
        reservation.commit()  # backordered units cannot ship
    reservation.allocate("A", "CHI", 2)
    assert reservation.backordered == 0
    with pytest.raises(ValidationError):
        reservation.expire(T0)
    reservation.expire(T0 + timedelta(minutes=15))
    assert reservation.status is ReservationStatus.EXPIRED
    with pytest.raises(ReservationNotActive):
        reservation.release()


def test_reservation_input_is_checked() -> None:
    with pytest.raises(ValidationError):
        Reservation(id="R1", document="d", lines=[], created_at=T0)
    with pytest.raises(ValidationError):
        Reservation(
            id="R1",
            document="d",
            lines=[ReservationLine("A", "CHI", 1), ReservationLine("A", "CHI", 2)],
            created_at=T0,
        )
    with pytest.raises(ValidationError):
        Reservation(
            id="R1",
            document="d",
            lines=[ReservationLine("A", "CHI", 1)],
            created_at=T0,
            expires_at=T0,
        )
    with pytest.raises(InvalidQuantity):
        ReservationLine("A", "CHI", 0)


def warehouse(
    code: str, country: str, lat: float, lon: float, priority: int = 10, **kwargs: object
) -> Warehouse:
    address = Address(
        name=code,
        line1="1 Dock",
        city=code,
        country=country,
        coordinates=Coordinates(lat, lon),
    )
    return Warehouse(code, code, address, priority=priority, **kwargs)  # type: ignore[arg-type]


BER = warehouse("BER", "DE", 52.52, 13.405, priority=2)
PAR = warehouse("PAR", "FR", 48.857, 2.352, priority=1)
MAD = warehouse("MAD", "ES", 40.417, -3.704, priority=3)
SHUT = warehouse("OLD", "DE", 50.0, 8.0, priority=0, active=False)
US_ONLY = warehouse("NYC", "US", 40.7, -74.0, priority=0, serves=["US"])
ALL = [BER, PAR, MAD, SHUT, US_ONLY]
MUNICH = Coordinates(48.137, 11.575)


def test_distance() -> None:
    assert round(distance_km(Coordinates(52.52, 13.405), Coordinates(48.857, 2.352))) == 877
    assert distance_km(MUNICH, MUNICH) == 0


def test_priority_routing_filters_and_explains() -> None:
    stock = {("TEE", "BER"): 5, ("TEE", "PAR"): 1, ("TEE", "OLD"): 9, ("TEE", "NYC"): 9}
    plan = route(RoutingRequest((("TEE", 3),), "DE", MUNICH), ALL, stock, ByPriority())
    assert [(a.warehouse, a.quantity) for a in plan.allocations] == [("PAR", 1), ("BER", 2)]
    text = "\n".join(plan.explanation)
    assert "OLD skipped: inactive" in text
    assert "NYC skipped: does not ship to DE" in text
    assert "MAD skipped: none of the stock" in text
    assert "TEE split: 1 from PAR, 2 from BER" in text


def test_nearest_routing_prefers_the_closest() -> None:
    stock = {("TEE", "BER"): 5, ("TEE", "PAR"): 5, ("TEE", "MAD"): 5}
    plan = route(RoutingRequest((("TEE", 2),), "DE", MUNICH), ALL, stock, Nearest())
    assert plan.warehouses == ("BER",)
    assert any("km away" in line for line in plan.explanation)
    unknown = route(RoutingRequest((("TEE", 2),), "DE", None), ALL, stock, Nearest())
    assert unknown.warehouses == ("PAR",)  # no coordinates: falls back to priority


def test_fewest_shipments_prefers_one_warehouse_with_everything() -> None:
    stock = {("TEE", "PAR"): 5, ("MUG", "BER"): 5, ("TEE", "MAD"): 5, ("MUG", "MAD"): 5}
    request = RoutingRequest((("MUG", 1), ("TEE", 2)), "DE")
    assert route(request, ALL, stock, ByPriority()).shipments == 2
    plan = route(request, ALL, stock, FewestShipments())
    assert plan.warehouses == ("MAD",)
    assert "MAD has every line: one shipment" in plan.explanation


def test_fewest_shipments_splits_as_little_as_possible() -> None:
    stock = {("A", "PAR"): 1, ("B", "PAR"): 1, ("A", "BER"): 1, ("C", "BER"): 1, ("C", "MAD"): 1}
    request = RoutingRequest((("A", 1), ("B", 1), ("C", 1)), "DE")
    plan = route(request, ALL, stock, FewestShipments())
    assert plan.shipments == 2
    assert plan.explanation[-1] == "no warehouse has every line: split over 2 (PAR, BER)"


def test_fewest_shipments_is_exact_where_a_greedy_cover_is_not() -> None:
    # MAD covers the most units, but PAR and BER together cover everything.
    stock = {(sku, "PAR"): 1 for sku in "abc"} | {(sku, "BER"): 1 for sku in "def"}
    stock |= {(sku, "MAD"): 1 for sku in "abde"}
    request = RoutingRequest(tuple((sku, 1) for sku in "abcdef"), "DE")
    assert route(request, ALL, stock, FewestShipments()).warehouses == ("PAR", "BER")
    greedy = FewestShipments()
    greedy.exact_up_to = 0  # as with many warehouses: a greedy cover takes over
    plan = route(request, ALL, stock, greedy)
    assert sorted(a.sku for a in plan.allocations) == list("abcdef")


def test_routing_raises_when_all_eligible_stock_is_short() -> None:
    stock = {("TEE", "BER"): 1, ("TEE", "NYC"): 50}
    for strategy in (ByPriority(), Nearest(), FewestShipments()):
        with pytest.raises(InsufficientStock) as short:
            route(RoutingRequest((("TEE", 2),), "DE"), ALL, stock, strategy)
        assert (short.value.requested, short.value.available) == (2, 1)


@given(
    lines=st.dictionaries(st.sampled_from(["A", "B", "C"]), st.integers(1, 10), min_size=1),
    stock=st.dictionaries(
        st.tuples(st.sampled_from(["A", "B", "C"]), st.sampled_from(["BER", "PAR", "MAD"])),
        st.integers(0, 10),
    ),
)
def test_every_strategy_covers_each_line_exactly_from_stock_that_exists(
    lines: dict[str, int], stock: dict[tuple[str, str], int]
) -> None:
    request = RoutingRequest(tuple(sorted(lines.items())), "DE", MUNICH)
    strategies = (ByPriority(), Nearest(), FewestShipments())
    in_stock = {sku: sum(stock.get((sku, w), 0) for w in ("BER", "PAR", "MAD")) for sku in lines}
    if any(lines[sku] > in_stock[sku] for sku in lines):
        for strategy in strategies:
            with pytest.raises(InsufficientStock):
                route(request, [BER, PAR, MAD], stock, strategy)
        return
    plans = {}
    for strategy in strategies:
        plan = route(request, [BER, PAR, MAD], stock, strategy)
        taken: dict[str, int] = {}
        for allocation in plan.allocations:
            assert allocation.quantity > 0
            assert allocation.quantity <= stock.get((allocation.sku, allocation.warehouse), 0)
            taken[allocation.sku] = taken.get(allocation.sku, 0) + allocation.quantity
        assert taken == lines
        plans[strategy.name] = plan
    # The exact cover never needs more warehouses than any other strategy's plan.
    assert plans["fewest_shipments"].shipments <= min(p.shipments for p in plans.values())
