"""Shipments carry orders from their reservations to the door, on every store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest

import orderkit as ok
from orderkit.errors import (
    InvalidQuantity,
    InvalidTransition,
    ShipmentNotFound,
    ShipmentStateError,
    ValidationError,
)
from tests.builders import BERLIN, T0, snapshot

HAMBURG = ok.Address(name="Hub", line1="Kai 2", city="Hamburg", postal_code="20095", country="DE")
BOX = ok.Parcel(ok.Dimensions(300, 200, 100), weight_g=900)


@pytest.fixture
def shop(store_url: str | None) -> Iterator[ok.Shop]:
    """A shop with two warehouses, three products and one customer."""
    with ok.Shop.open(store_url, clock=ok.ManualClock(T0), seed=7) as opened:
        opened.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN))
        opened.inventory.add_warehouse(ok.Warehouse("HAM", "Hamburg", HAMBURG))
        opened.catalog.add_many(
            [
                ok.Product(sku=sku, name=sku, price=ok.Money("10.00", "EUR"))
                for sku in ("TEE", "MUG", "CAP")
            ]
        )
        opened.customers.register("ana@example.com", "Ana", addresses=[BERLIN])
        yield opened


def _ready(shop: ok.Shop, lines: list[tuple[str, int]]) -> ok.Order:
    order = shop.orders.place(
        "ana@example.com", lines, payment_method="cash_on_delivery", actor="customer"
    )
    order = shop.orders.confirm(order.number)
    assert order.state == "ready_to_fulfil"
    return order


def _state(shop: ok.Shop, number: int) -> dict[str, Any]:
    """What a refused call must leave as it was: order, shipments, stock and events."""
    converter = ok.make_converter()
    return {
        "order": converter.unstructure(shop.orders.get(number)),
        "shipments": converter.unstructure(shop.fulfilment.for_order(number)),
        "stock": [
            shop.inventory.level(sku, code)
            for sku in ("TEE", "MUG", "CAP")
            for code in ("BER", "HAM")
        ],
        "events": len(shop.events.pending(limit=10_000)),
    }


def test_one_shipment_per_warehouse_from_what_the_order_holds(shop: ok.Shop) -> None:
    shop.inventory.receive("TEE", "BER", 2)
    shop.inventory.receive("TEE", "HAM", 5)
    shop.inventory.receive("MUG", "HAM", 5)
    order = _ready(shop, [("TEE", 3), ("MUG", 1)])
    shipments = shop.fulfilment.create_shipments(order.number)
    by_warehouse = {s.warehouse: s.units for s in shipments}
    assert sum(s.units.get("TEE", 0) for s in shipments) == 3
    assert sum(s.units.get("MUG", 0) for s in shipments) == 1
    assert all(s.state is ok.ShipmentState.CREATED for s in shipments)
    assert set(by_warehouse) <= {"BER", "HAM"}
    assert shop.fulfilment.create_shipments(order.number) == []  # nothing new is held
    assert [s.id for s in shop.fulfilment.for_order(order.number)] == [s.id for s in shipments]


def test_the_whole_cycle_through_one_shipment_moves_order_and_stock(shop: ok.Shop) -> None:
    shop.inventory.receive("TEE", "BER", 5)
    order = _ready(shop, [("TEE", 2)])
    (shipment,) = shop.fulfilment.create_shipments(order.number)
    shop.fulfilment.pick(shipment.id, actor="picker-1")
    assert shop.orders.get(order.number).state == "picking"
    shop.fulfilment.pack(shipment.id, [BOX], actor="packer-1")
    assert shop.orders.get(order.number).state == "packed"
    shipped = shop.fulfilment.ship(
        shipment.id, carrier="dhl", service="paket", tracking_number="00340434161094042557"
    )
    assert (shipped.carrier, shipped.tracking_number) == ("dhl", "00340434161094042557")
    assert shipped.shipped_at == T0
    placed = shop.orders.get(order.number)
    assert placed.state == "shipped"
    assert placed.lines[0].shipped == 2
    assert placed.lines[0].reserved == 0
    level = shop.inventory.level("TEE", "BER")
    assert (level.on_hand, level.reserved) == (3, 0)
    ledger = shop.inventory.ledger(sku="TEE", warehouse="BER")
    own = f"shipment:{shipment.id}"
    assert [(m.kind.value, m.document, m.reserved_delta) for m in ledger[1:]] == [
        ("reserve", f"order:{order.number}", 2),  # confirmed: held for the order
        ("release", f"order:{order.number}", -2),  # picked: set aside for the shipment
        ("reserve", own, 2),
        ("commit", own, -2),  # shipped
    ]
    shop.fulfilment.deliver(shipment.id, note="signed: A. Example")
    assert shop.orders.get(order.number).state == "delivered"
    steps = [(s.from_state, s.to_state) for s in shop.fulfilment.get(shipment.id).history]
    assert steps == [
        ("created", "picked"),
        ("picked", "packed"),
        ("packed", "shipped"),
        ("shipped", "delivered"),
    ]
    assert shop.inventory.verify_ledger()


def test_shipping_part_of_an_order_leaves_the_rest_held(shop: ok.Shop) -> None:
    shop.inventory.receive("TEE", "BER", 5)
    shop.inventory.receive("MUG", "BER", 5)
    order = _ready(shop, [("TEE", 2), ("MUG", 3)])
    (whole,) = shop.fulfilment.create_shipments(order.number)
    part = shop.fulfilment.split(whole.id, {"MUG": 3})
    assert (shop.fulfilment.get(whole.id).units, part.units) == ({"TEE": 2}, {"MUG": 3})
    for step in ("pick", "pack", "ship"):
        if step == "pick":
            shop.fulfilment.pick(whole.id)
        elif step == "pack":
            shop.fulfilment.pack(whole.id, [BOX])
        else:
            shop.fulfilment.ship(whole.id, carrier="dhl")
    placed = shop.orders.get(order.number)
    assert placed.state == "partially_shipped"
    assert {line.sku: (line.shipped, line.reserved) for line in placed.lines} == {
        "TEE": (2, 0),
        "MUG": (0, 3),
    }
    assert shop.inventory.level("MUG", "BER").reserved == 3
    shop.fulfilment.pick(part.id)
    shop.fulfilment.pack(part.id, [BOX, BOX])
    shop.fulfilment.ship(part.id, carrier="dhl")
    assert shop.orders.get(order.number).state == "shipped"
    (reservation,) = shop.reservations.for_document(f"order:{order.number}")
    assert reservation.status is ok.ReservationStatus.COMMITTED
    assert shop.inventory.level("MUG", "BER").on_hand == 2
    shop.fulfilment.deliver(whole.id)
    assert shop.orders.get(order.number).state == "shipped"  # half is still on its way
    shop.fulfilment.deliver(part.id)
    assert shop.orders.get(order.number).state == "delivered"
    assert shop.inventory.verify_ledger()


def test_a_short_pick_writes_off_and_reserves_the_rest_elsewhere(shop: ok.Shop) -> None:
    shop.inventory.receive("TEE", "BER", 3)
    shop.inventory.receive("TEE", "HAM", 4)
    order = _ready(shop, [("TEE", 3)])
    (shipment,) = shop.fulfilment.create_shipments(order.number)
    assert shipment.warehouse == "BER"
    picked = shop.fulfilment.pick(shipment.id, {"TEE": 1})
    assert picked.units == {"TEE": 1}
    assert picked.history[-1].note == "short: TEE 2"
    berlin, hamburg = shop.inventory.level("TEE", "BER"), shop.inventory.level("TEE", "HAM")
    assert (berlin.on_hand, berlin.reserved) == (1, 1)  # two were not there: written off
    assert (hamburg.on_hand, hamburg.reserved) == (4, 2)  # and reserved again in Hamburg
    short = [e for e in shop.events.pending(limit=1000) if isinstance(e, ok.ShortPicked)]
    assert [(e.missing, e.written_off, e.reserved_again) for e in short] == [(2, 2, 2)]
    (rest,) = shop.fulfilment.create_shipments(order.number)
    assert (rest.warehouse, rest.units) == ("HAM", {"TEE": 2})
    for shipped in (shipment, rest):
        if shipped is rest:
            shop.fulfilment.pick(rest.id)
        shop.fulfilment.pack(shipped.id, [BOX])
        shop.fulfilment.ship(shipped.id, carrier="ups")
    assert shop.orders.get(order.number).state == "shipped"
    assert shop.inventory.level("TEE", "HAM").on_hand == 2
    assert shop.inventory.verify_ledger()


def test_a_cancelled_shipment_puts_its_units_back_in_the_next_one(shop: ok.Shop) -> None:
    shop.inventory.receive("CAP", "BER", 2)
    order = _ready(shop, [("CAP", 2)])
    (first,) = shop.fulfilment.create_shipments(order.number)
    shop.fulfilment.pick(first.id)
    assert shop.orders.get(order.number).lines[0].picked == 2
    shop.fulfilment.cancel(first.id, reason="box damaged, repick")
    assert shop.orders.get(order.number).lines[0].picked == 0
    last = shop.inventory.ledger(sku="CAP", warehouse="BER")[-2:]
    assert [(m.kind.value, m.document) for m in last] == [
        ("release", f"shipment:{first.id}"),  # the picked units go back to the order
        ("reserve", f"order:{order.number}"),
    ]
    assert shop.inventory.level("CAP", "BER").reserved == 2  # still held for the order
    (second,) = shop.fulfilment.create_shipments(order.number)
    assert second.units == {"CAP": 2}
    merged_into = shop.fulfilment.split(second.id, {"CAP": 1})
    shop.fulfilment.merge(second.id, merged_into.id)
    assert shop.fulfilment.get(second.id).units == {"CAP": 2}
    assert shop.fulfilment.get(merged_into.id).state is ok.ShipmentState.CANCELLED


def test_refused_steps_change_nothing(shop: ok.Shop) -> None:
    shop.inventory.receive("TEE", "BER", 5)
    order = _ready(shop, [("TEE", 2)])
    (shipment,) = shop.fulfilment.create_shipments(order.number)
    before = _state(shop, order.number)
    refusals: list[tuple[type[Exception], Any]] = [
        (ShipmentStateError, lambda: shop.fulfilment.ship(shipment.id, carrier="dhl")),
        (ShipmentStateError, lambda: shop.fulfilment.pack(shipment.id, [BOX])),
        (ShipmentStateError, lambda: shop.fulfilment.deliver(shipment.id)),
        (InvalidQuantity, lambda: shop.fulfilment.pick(shipment.id, {"TEE": 3})),
        (InvalidQuantity, lambda: shop.fulfilment.pick(shipment.id, {"TEE": -1})),
        (ValidationError, lambda: shop.fulfilment.pick(shipment.id, {"MUG": 1})),
        (ValidationError, lambda: shop.fulfilment.pick(shipment.id, [("TEE", 1)])),
        (ValidationError, lambda: shop.fulfilment.split(shipment.id, {"TEE": 2})),
        (ValidationError, lambda: shop.fulfilment.cancel(shipment.id, reason="  ")),
        (ShipmentNotFound, lambda: shop.fulfilment.pick("nope")),
    ]
    for error, call in refusals:
        with pytest.raises(error):
            call()
        assert _state(shop, order.number) == before
    shop.fulfilment.pick(shipment.id)
    before = _state(shop, order.number)
    for error, call in [
        (ValidationError, lambda: shop.fulfilment.pack(shipment.id, [])),
        (ValidationError, lambda: shop.fulfilment.pack(shipment.id, ["box"])),
        (ValidationError, lambda: shop.fulfilment.pack(shipment.id, BOX)),
    ]:
        with pytest.raises(error, match="packages"):
            call()
        assert _state(shop, order.number) == before
    shop.fulfilment.pack(shipment.id, [BOX])
    before = _state(shop, order.number)
    with pytest.raises(ValidationError, match="carrier"):
        shop.fulfilment.ship(shipment.id, carrier="")
    assert _state(shop, order.number) == before


def test_an_order_on_hold_or_unpaid_does_not_ship(shop: ok.Shop) -> None:
    shop.inventory.receive("TEE", "BER", 5)
    order = _ready(shop, [("TEE", 1)])
    (shipment,) = shop.fulfilment.create_shipments(order.number)
    shop.orders.apply(order.number, "hold", reason="address check")
    before = _state(shop, order.number)
    with pytest.raises(InvalidTransition, match="pick"):
        shop.fulfilment.pick(shipment.id)
    assert _state(shop, order.number) == before
    placed = shop.orders.place("ana@example.com", [("TEE", 1)], payment_method="card")
    shop.orders.confirm(placed.number)
    with pytest.raises(InvalidTransition, match="create_shipments"):
        shop.fulfilment.create_shipments(placed.number)
    assert shop.fulfilment.for_order(placed.number) == []


def test_the_order_counters_never_pass_what_is_open(shop: ok.Shop) -> None:
    order = _ready_with_stock(shop)
    loaded = shop.orders.get(order.number)
    with pytest.raises(InvalidQuantity):
        loaded.follow_shipments({"TEE": {"picked": 3, "packed": 3, "shipped": 3}})
    with pytest.raises(ValidationError, match="counts"):
        loaded.follow_shipments({"TEE": {"returned": 1}})
    loaded.follow_shipments({"TEE": {"picked": 2, "packed": 2, "shipped": 1}})
    with pytest.raises(InvalidQuantity, match="shipped"):
        loaded.follow_shipments({"TEE": {"shipped": 0}})


def _ready_with_stock(shop: ok.Shop) -> ok.Order:
    shop.inventory.receive("TEE", "BER", 5)
    return _ready(shop, [("TEE", 2)])


def test_packing_in_boxes_from_a_catalogue(shop: ok.Shop) -> None:
    boxes = [
        ok.Box("S", ok.Dimensions(250, 200, 100), max_weight_g=5_000, tare_g=150),
        ok.Box("L", ok.Dimensions(600, 400, 400), max_weight_g=30_000, tare_g=600),
    ]
    shop.catalog.add(
        ok.Product(
            sku="LAMP",
            name="Lamp",
            price=ok.Money("30.00", "EUR"),
            weight_g=1_200,
            dimensions=ok.Dimensions(300, 200, 200),
        )
    )
    shop.inventory.receive("LAMP", "BER", 5)
    shop.inventory.receive("TEE", "BER", 5)
    lamps = _ready(shop, [("LAMP", 2)])
    (shipment,) = shop.fulfilment.create_shipments(lamps.number)
    shop.fulfilment.pick(shipment.id)
    plan = shop.fulfilment.plan_packages(shipment.id, boxes)
    assert [(p.box.code, p.contents, p.weight_g) for p in plan] == [("L", (("LAMP", 2),), 3_000)]
    packed = shop.fulfilment.pack_in_boxes(shipment.id, boxes)
    assert packed.packages == (ok.Parcel(ok.Dimensions(600, 400, 400), weight_g=3_000),)
    assert packed.history[-1].note == "boxes: L"

    tees = _ready(shop, [("TEE", 1)])
    (unmeasured,) = shop.fulfilment.create_shipments(tees.number)
    shop.fulfilment.pick(unmeasured.id)
    before = _state(shop, tees.number)
    with pytest.raises(ValidationError, match="dimensions and weight_g") as refused:
        shop.fulfilment.pack_in_boxes(unmeasured.id, boxes)
    assert refused.value.value == "TEE"
    assert _state(shop, tees.number) == before


def test_the_warehouse_calendar_promises_the_dates_of_its_shipments(store_url: str | None) -> None:
    calendar = ok.ShippingCalendar(
        "Europe/Berlin", cutoff=time(14), handling_days=1, transit_days=2, holidays_country="DE"
    )
    clock = ok.ManualClock(datetime(2026, 4, 2, 13, 0, tzinfo=UTC))  # Thursday before Easter
    with ok.Shop.open(store_url, clock=clock, seed=4, shipping_calendars={"BER": calendar}) as shop:
        shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN))
        shop.catalog.add(ok.Product(sku="TEE", name="Tee", price=ok.Money("10.00", "EUR")))
        shop.inventory.receive("TEE", "BER", 3)
        shop.customers.register("ana@example.com", "Ana", addresses=[BERLIN])
        order = _ready(shop, [("TEE", 1)])
        (shipment,) = shop.fulfilment.create_shipments(order.number)
        berlin = ZoneInfo("Europe/Berlin")
        # 15:00 in Berlin is after the cut-off; Good Friday and Easter Monday are holidays
        assert shipment.ship_by == datetime(2026, 4, 8, 23, 59, 59, tzinfo=berlin)
        assert shipment.deliver_by == datetime(2026, 4, 10, 23, 59, 59, tzinfo=berlin)
        assert shop.fulfilment.promise(order.number, "BER") == ok.Promise(
            shipment.ship_by, date(2026, 4, 10), shipment.deliver_by
        )
        assert shop.fulfilment.promise(order.number, "HAM") is None
        clock.advance(timedelta(days=7))  # Thursday in Berlin, not shipped
        assert [s.id for s in shop.fulfilment.late()] == [shipment.id]


def test_a_shipment_with_nothing_found_is_cancelled_and_its_units_reserved_again(
    shop: ok.Shop,
) -> None:
    shop.inventory.receive("MUG", "BER", 2)
    shop.inventory.receive("MUG", "HAM", 5)
    order = _ready(shop, [("MUG", 2)])
    (empty,) = shop.fulfilment.create_shipments(order.number)
    gone = shop.fulfilment.pick(empty.id, {"MUG": 0})
    assert gone.state is ok.ShipmentState.CANCELLED
    assert gone.history[-1].note == "nothing found (short: MUG 2)"
    assert shop.inventory.level("MUG", "BER").on_hand == 0
    (rest,) = shop.fulfilment.create_shipments(order.number)
    assert (rest.warehouse, rest.units) == ("HAM", {"MUG": 2})


def test_pick_lists_batch_by_priority_and_walk_the_bins(shop: ok.Shop) -> None:
    for sku, where in (("TEE", "A-03"), ("MUG", "A-01"), ("CAP", "B-07")):
        shop.inventory.receive(sku, "BER", 50)
        shop.inventory.set_bin(sku, "BER", where)
    clock = shop.clock
    assert isinstance(clock, ok.ManualClock)
    shipments = []
    for lines in ([("TEE", 1), ("MUG", 1)], [("TEE", 1), ("MUG", 2)], [("TEE", 1), ("MUG", 3)]):
        clock.advance(timedelta(minutes=1))
        shipments.append(shop.fulfilment.create_shipments(_ready(shop, lines).number)[0])
    clock.advance(timedelta(minutes=1))
    shipments.append(shop.fulfilment.create_shipments(_ready(shop, [("CAP", 2)]).number)[0])
    shop.fulfilment.prioritise(shipments[2].id, 5, reason="customer called twice")
    lists = shop.fulfilment.pick_lists("BER", max_orders=3)
    assert [pick.shipments for pick in lists] == [
        (shipments[2].id, shipments[0].id, shipments[1].id),
        (shipments[3].id,),
    ]
    first = lists[0]
    assert first.priorities[shipments[2].id] == (5, ("set by hand: customer called twice",))
    assert first.priorities[shipments[0].id] == (100, ("order priority 100",))
    assert [(line.bin, line.sku, line.quantity) for line in first.lines] == [
        ("A-01", "MUG", 6),
        ("A-03", "TEE", 3),
    ]
    assert len(shop.fulfilment.pick_lists("BER", max_orders=1)) == 4
    assert len(shop.fulfilment.pick_lists("BER", max_orders=3, max_lines=1)) == 4
    with pytest.raises(ValidationError, match="group_by"):
        shop.fulfilment.pick_lists("BER", group_by=["colour"])
    picked = shop.fulfilment.confirm_pick_list(first, {"TEE": 2})
    assert [s.state for s in picked] == [ok.ShipmentState.PICKED] * 3
    # the most urgent shipments got the tees found; the last one came up short
    assert [s.units.get("TEE", 0) for s in picked] == [1, 1, 0]
    with pytest.raises(ok.errors.ShipmentStateError):
        shop.fulfilment.confirm_pick_list(first)
    assert shop.inventory.verify_ledger()


def test_priority_rules_move_urgent_express_and_vip_orders_forward(shop: ok.Shop) -> None:
    rules = ok.PriorityRules()
    shop.inventory.receive("TEE", "BER", 10)
    order = _ready(shop, [("TEE", 1)])
    (shipment,) = shop.fulfilment.create_shipments(order.number, ship_by=T0 + timedelta(hours=2))
    loaded = shop.orders.get(order.number)
    score, reasons = rules.score(loaded, shipment, T0 + timedelta(days=2))
    assert score == 100 - 40 - 2 * 5
    assert reasons == ("order priority 100", "ship by 2026-03-02T11:00+00:00", "waiting 2 days")
    vip = attrs.evolve(loaded, tags=("vip",))
    express = attrs.evolve(shipment, service="express")
    assert rules.score(vip, express, T0)[0] == 100 - 30 - 40 - 20


def test_a_pickup_is_collected_with_its_code_or_goes_back_to_stock(shop: ok.Shop) -> None:
    store = ok.Address(
        name="Shop", line1="Alex 1", city="Berlin", postal_code="10178", country="DE"
    )
    shop.inventory.add_warehouse(ok.Warehouse("ALX", "Alexanderplatz", store, pickup_point=True))
    shop.inventory.receive("TEE", "ALX", 4)  # only the store has it
    shop.inventory.receive("MUG", "BER", 4)
    order = _ready(shop, [("TEE", 1)])
    (shipment,) = shop.fulfilment.create_shipments(order.number)
    shop.fulfilment.pick(shipment.id)
    shop.fulfilment.pack(shipment.id, [BOX])
    counter = shop.fulfilment.ready_for_pickup(shipment.id, hold_days=3)
    mugs = _ready(shop, [("MUG", 1)])
    (elsewhere,) = shop.fulfilment.create_shipments(mugs.number)
    shop.fulfilment.pick(elsewhere.id)
    shop.fulfilment.pack(elsewhere.id, [BOX])
    with pytest.raises(ValidationError, match="BER is not a pickup point"):
        shop.fulfilment.ready_for_pickup(elsewhere.id)
    assert counter.state is ok.ShipmentState.OUT_FOR_DELIVERY
    assert counter.pickup_code is not None
    assert len(counter.pickup_code) == 6
    assert shop.orders.get(counter.order_number).state == "shipped"
    before = _state(shop, counter.order_number)
    with pytest.raises(ValidationError, match="does not match"):
        shop.fulfilment.collect(counter.id, "000000x", received_by="Mallory")
    assert _state(shop, counter.order_number) == before
    collected = shop.fulfilment.collect(counter.id, counter.pickup_code, received_by="Ana")
    assert collected.proof == ok.ProofOfDelivery(received_by="Ana")
    assert shop.orders.get(counter.order_number).state == "delivered"


def test_an_uncollected_pickup_returns_to_the_shelf(store_url: str | None) -> None:
    store = ok.Address(
        name="Shop", line1="Alex 1", city="Berlin", postal_code="10178", country="DE"
    )
    clock = ok.ManualClock(T0)
    with ok.Shop.open(store_url, clock=clock, seed=9) as shop:
        shop.inventory.add_warehouse(ok.Warehouse("ALX", "Store", store, pickup_point=True))
        shop.catalog.add(ok.Product(sku="TEE", name="Tee", price=ok.Money("10.00", "EUR")))
        shop.inventory.receive("TEE", "ALX", 2)
        shop.customers.register("ana@example.com", "Ana", addresses=[store])
        order = _ready(shop, [("TEE", 2)])
        (shipment,) = shop.fulfilment.create_shipments(order.number)
        shop.fulfilment.pick(shipment.id)
        shop.fulfilment.pack(shipment.id, [BOX])
        shop.fulfilment.ready_for_pickup(shipment.id, hold_days=2)
        assert shop.inventory.level("TEE", "ALX").on_hand == 0
        assert shop.fulfilment.return_uncollected() == []
        clock.advance(timedelta(days=2, seconds=1))
        (back,) = shop.fulfilment.return_uncollected()
        assert back.state is ok.ShipmentState.RETURNED_TO_SENDER
        assert back.problem == "uncollected: back to stock"
        assert shop.inventory.level("TEE", "ALX").on_hand == 2
        assert [s.id for s in shop.fulfilment.problems()] == [shipment.id]
        assert shop.inventory.verify_ledger()


def test_the_shops_own_drivers_deliver_nearest_first_with_proof(store_url: str | None) -> None:
    def at(name: str, lat: float, lon: float) -> ok.Address:
        return ok.Address(
            name=name,
            line1="Str. 1",
            city="Berlin",
            postal_code="10115",
            country="DE",
            coordinates=ok.Coordinates(lat, lon),
        )

    depot = at("Depot", 52.50, 13.40)
    with ok.Shop.open(store_url, clock=ok.ManualClock(T0), seed=6) as shop:
        shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", depot))
        shop.catalog.add(ok.Product(sku="CAKE", name="Cake", price=ok.Money("20.00", "EUR")))
        shop.inventory.receive("CAKE", "BER", 10)
        ids = []
        for n, (lat, lon) in enumerate([(52.58, 13.40), (52.51, 13.40), (52.54, 13.40)]):
            email = f"c{n}@example.com"
            shop.customers.register(email, f"C{n}", addresses=[at(f"C{n}", lat, lon)])
            order = shop.orders.place(email, [("CAKE", 1)], payment_method="cash_on_delivery")
            shop.orders.confirm(order.number)
            (shipment,) = shop.fulfilment.create_shipments(order.number)
            shop.fulfilment.pick(shipment.id)
            shop.fulfilment.pack(shipment.id, [BOX])
            ids.append(shipment.id)
        routed = shop.fulfilment.assign_route(ids, driver="Kim", route="north-1")
        assert [s.id for s in routed] == [ids[1], ids[2], ids[0]]
        assert [(s.stop, s.driver, s.carrier) for s in routed] == [
            (1, "Kim", "own-drivers"),
            (2, "Kim", "own-drivers"),
            (3, "Kim", "own-drivers"),
        ]
        proof = ok.ProofOfDelivery(photo="photos/door-17.jpg")
        done = shop.fulfilment.deliver(routed[0].id, proof=proof)
        assert done.proof == proof
        assert shop.orders.get(done.order_number).state == "delivered"
        with pytest.raises(ValidationError, match="proof"):
            ok.ProofOfDelivery()


def test_an_order_collected_at_a_pickup_point_ships_and_is_taxed_there(
    store_url: str | None,
) -> None:
    from decimal import Decimal

    store = ok.Address(
        name="Shop", line1="Alex 1", city="Berlin", postal_code="10178", country="DE"
    )
    policy = ok.OrderPolicy(tax=ok.TaxRateTable({"DE": Decimal("0.19"), "FR": Decimal("0.20")}))
    with ok.Shop.open(store_url, clock=ok.ManualClock(T0), seed=12, order_policy=policy) as shop:
        shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN, priority=1))
        shop.inventory.add_warehouse(
            ok.Warehouse("ALX", "Store", store, priority=50, pickup_point=True)
        )
        shop.catalog.add(ok.Product(sku="TEE", name="Tee", price=ok.Money("10.00", "EUR")))
        shop.inventory.receive("TEE", "BER", 5)
        shop.inventory.receive("TEE", "ALX", 5)
        paris = ok.Address(
            name="Ana", line1="1 rue X", city="Paris", postal_code="75001", country="FR"
        )
        shop.customers.register("ana@example.com", "Ana", addresses=[paris])
        before = snapshot(shop)
        for refused in ("BER", "NOPE"):
            with pytest.raises(ValidationError, match="pickup_point"):
                shop.orders.place("ana@example.com", [("TEE", 1)], pickup_point=refused)
        with pytest.raises(ValidationError, match="ship_to"):
            shop.orders.place("ana@example.com", [("TEE", 1)], pickup_point="ALX", ship_to=paris)
        assert snapshot(shop) == before
        order = shop.orders.place(
            "ana@example.com", [("TEE", 2)], pickup_point="ALX", payment_method="cash_on_delivery"
        )
        assert (order.ship_to, order.pickup_point) == (store, "ALX")
        assert order.lines[0].tax_rate == Decimal("0.19")  # where the goods change hands
        shop.orders.confirm(order.number)
        assert shop.inventory.level("TEE", "ALX").reserved == 2  # held at the store
        assert shop.inventory.level("TEE", "BER").reserved == 0
        with pytest.raises(ValidationError, match="collected at ALX"):
            shop.orders.edit(order.number, ship_to=paris)
        (shipment,) = shop.fulfilment.create_shipments(order.number)
        assert shipment.warehouse == "ALX"


def test_a_kit_ships_whole_as_the_components_its_reservation_holds(shop: ok.Shop) -> None:
    shop.catalog.add(
        ok.Product(
            sku="SET",
            name="Tee and two mugs",
            price=ok.Money("30.00", "EUR"),
            components=[("TEE", 1), ("MUG", 2)],
        )
    )
    shop.inventory.receive("TEE", "BER", 2)  # exactly what the order takes in Berlin
    shop.inventory.receive("MUG", "BER", 5)
    shop.inventory.receive("TEE", "HAM", 5)
    shop.inventory.receive("MUG", "HAM", 10)
    order = _ready(shop, [("SET", 2), ("MUG", 1)])
    (shipment,) = shop.fulfilment.create_shipments(order.number)
    assert (shipment.warehouse, shipment.units) == ("BER", {"MUG": 1, "SET": 2})
    assert [line.reserved for line in shop.orders.get(order.number).lines] == [2, 1]
    picked = shop.fulfilment.pick(shipment.id, {"SET": 1})  # one set was not there
    assert picked.units == {"MUG": 1, "SET": 1}
    levels = {(s, w): shop.inventory.level(s, w) for s in ("TEE", "MUG") for w in ("BER", "HAM")}
    assert (levels["TEE", "BER"].on_hand, levels["TEE", "BER"].reserved) == (1, 1)
    assert (levels["MUG", "BER"].on_hand, levels["MUG", "BER"].reserved) == (3, 3)
    assert (levels["TEE", "HAM"].reserved, levels["MUG", "HAM"].reserved) == (1, 2)
    shop.fulfilment.pack(shipment.id, [BOX])
    shop.fulfilment.ship(shipment.id, carrier="dhl")
    assert shop.inventory.level("TEE", "BER").on_hand == 0
    assert shop.inventory.level("MUG", "BER").on_hand == 0
    (rest,) = shop.fulfilment.create_shipments(order.number)
    assert (rest.warehouse, rest.units) == ("HAM", {"SET": 1})
    shop.fulfilment.pick(rest.id)
    shop.fulfilment.pack(rest.id, [BOX])
    shop.fulfilment.ship(rest.id, carrier="dhl")
    placed = shop.orders.get(order.number)
    assert placed.state == "shipped"
    assert {line.sku: line.shipped for line in placed.lines} == {"SET": 2, "MUG": 1}
    assert (
        shop.inventory.level("TEE", "HAM").on_hand,
        shop.inventory.level("MUG", "HAM").on_hand,
    ) == (4, 8)
    assert shop.inventory.verify_ledger()
