"""Rate shopping, labels and tracking through the sandbox carriers, on every store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

import orderkit as ok
from orderkit.adapters.carriers import FlatRateCarrier, ZoneParcelCarrier
from orderkit.adapters.carriers.sandbox import s10_valid
from orderkit.errors import CarrierError, ShipmentStateError, ValidationError, WebhookRejected
from tests.builders import BERLIN, T0

MUNICH = ok.Address(
    name="Bo", line1="Marienplatz 1", city="Munich", postal_code="80331", country="DE"
)
BOX = ok.Parcel(ok.Dimensions(400, 300, 200), weight_g=1500)


@pytest.fixture
def clock() -> ok.ManualClock:
    return ok.ManualClock(T0)  # a Monday, 09:00 UTC


@pytest.fixture
def zone(clock: ok.ManualClock) -> ZoneParcelCarrier:
    return ZoneParcelCarrier(clock, seed=3, scenario_of={})


@pytest.fixture
def flat(clock: ok.ManualClock) -> FlatRateCarrier:
    return FlatRateCarrier(clock, price=ok.Money("5.50", "EUR"), countries=["DE"], transit_days=3)


@pytest.fixture
def shop(
    store_url: str | None, clock: ok.ManualClock, zone: ZoneParcelCarrier, flat: FlatRateCarrier
) -> Iterator[ok.Shop]:
    with ok.Shop.open(store_url, clock=clock, seed=5, carriers=[zone, flat]) as opened:
        opened.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN))
        opened.catalog.add(ok.Product(sku="TEE", name="Tee", price=ok.Money("20.00", "EUR")))
        opened.inventory.receive("TEE", "BER", 50)
        opened.customers.register("bo@example.com", "Bo", addresses=[MUNICH])
        yield opened


def _packed(shop: ok.Shop, *, deliver_by_days: int | None = None) -> ok.Shipment:
    order = shop.orders.place("bo@example.com", [("TEE", 2)], payment_method="cash_on_delivery")
    shop.orders.confirm(order.number)
    deliver_by = None if deliver_by_days is None else T0 + timedelta(days=deliver_by_days)
    (shipment,) = shop.fulfilment.create_shipments(order.number, deliver_by=deliver_by)
    shop.fulfilment.pick(shipment.id)
    return shop.fulfilment.pack(shipment.id, [BOX])


def test_the_cheapest_quote_that_keeps_the_promise_is_chosen(shop: ok.Shop) -> None:
    relaxed = _packed(shop)
    choice = shop.fulfilment.rate_shop(relaxed.id)
    assert (choice.chosen.carrier, choice.chosen.service) == ("flat-rate", "standard")
    assert choice.chosen.price == ok.Money("5.50", "EUR")
    assert [(q.carrier, q.service) for q in choice.alternatives] == [
        ("zone-parcel", "ground"),
        ("zone-parcel", "express"),
    ]
    assert choice.meets_promise
    assert shop.fulfilment.get(relaxed.id).rate_choice == choice

    urgent = _packed(shop, deliver_by_days=1)  # by Tuesday: only express arrives in time
    choice = shop.fulfilment.rate_shop(urgent.id)
    assert (choice.chosen.carrier, choice.chosen.service) == ("zone-parcel", "express")
    assert choice.chosen.delivery_date == (T0 + timedelta(days=1)).date()
    fastest = shop.fulfilment.rate_shop(relaxed.id, rule="fastest")
    assert fastest.chosen.service == "express"


def test_a_carrier_that_does_not_answer_leaves_the_others_usable(
    shop: ok.Shop, zone: ZoneParcelCarrier, clock: ok.ManualClock
) -> None:
    shipment = _packed(shop)
    zone.go_down(1)
    choice = shop.fulfilment.rate_shop(shipment.id)
    assert choice.failures == ("zone-parcel: no answer within 10 s",)
    assert {q.carrier for q in (choice.chosen, *choice.alternatives)} == {"flat-rate"}
    shop.fulfilment.rate_shop(shipment.id)  # zone-parcel answers and its quotes are kept
    clock.advance(timedelta(hours=1))
    zone.go_down(1)
    choice = shop.fulfilment.rate_shop(shipment.id)
    assert choice.failures == ("zone-parcel: no answer within 10 s (kept quote)",)
    assert all(q.stale for q in choice.alternatives if q.carrier == "zone-parcel")
    calls = zone.calls
    shop.fulfilment.rate_shop(shipment.id)
    shop.fulfilment.rate_shop(shipment.id)
    assert zone.calls == calls + 1  # fresh quotes are asked for once


def test_a_label_is_bought_once_and_the_shipment_ships_with_it(
    shop: ok.Shop, zone: ZoneParcelCarrier
) -> None:
    shipment = _packed(shop)
    with pytest.raises(ValidationError, match="rate_shop first"):
        shop.fulfilment.buy_label(shipment.id)
    labelled = shop.fulfilment.buy_label(shipment.id, carrier="zone-parcel", service="ground")
    assert labelled.state is ok.ShipmentState.LABEL_PURCHASED
    assert s10_valid(labelled.tracking_number or "")
    assert labelled.label_price == ok.Money("8.40", "EUR")  # zone 2, 4.8 kg dimensional: 5.0
    assert (
        shop.fulfilment.buy_label(shipment.id, carrier="zone-parcel", service="ground") == labelled
    )
    with pytest.raises(ValidationError, match="label is zone-parcel's"):
        shop.fulfilment.ship(shipment.id, carrier="dhl")
    shipped = shop.fulfilment.ship(shipment.id)
    assert (shipped.carrier, shipped.tracking_number) == ("zone-parcel", labelled.tracking_number)


def test_a_label_not_yet_used_can_be_voided(shop: ok.Shop, clock: ok.ManualClock) -> None:
    shipment = _packed(shop)
    shop.fulfilment.rate_shop(shipment.id, carriers=["zone-parcel"])
    labelled = shop.fulfilment.buy_label(shipment.id)
    voided = shop.fulfilment.cancel_label(shipment.id)
    assert (voided.state, voided.tracking_number, voided.labels) == (
        ok.ShipmentState.PACKED,
        None,
        (),
    )
    assert voided.history[-1].note == f"label {labelled.tracking_number} voided"
    with pytest.raises(ShipmentStateError):
        shop.fulfilment.cancel_label(shipment.id)


def test_tracking_delivers_the_order_whatever_order_the_scans_arrive_in(
    shop: ok.Shop, zone: ZoneParcelCarrier, clock: ok.ManualClock
) -> None:
    shipment = _packed(shop)
    shop.fulfilment.buy_label(shipment.id, carrier="zone-parcel", service="ground")
    start = clock.now()
    clock.advance(timedelta(days=3))  # picked up Monday, delivered Wednesday
    deliveries = zone.webhooks(start - timedelta(seconds=1), duplicates=True)
    for signature, body in deliveries:
        shop.fulfilment.receive_tracking_webhook("zone-parcel", signature, body)
    for signature, body in deliveries:  # every webhook delivered twice over
        shop.fulfilment.receive_tracking_webhook("zone-parcel", signature, body)
    delivered = shop.fulfilment.get(shipment.id)
    assert delivered.state is ok.ShipmentState.DELIVERED
    assert delivered.shipped_at == start.replace(hour=17)  # shipped by its pickup scan
    assert [e.raw_status for e in delivered.tracking] == ["LC", "PU", "IT", "OD", "DL"]
    assert shop.orders.get(delivered.order_number).state == "delivered"
    late_scan = ok.TrackingEvent(
        "late-1", delivered.tracking_number or "", "in_transit", start + timedelta(days=1)
    )
    shop.fulfilment.record_tracking([late_scan])
    again = shop.fulfilment.get(shipment.id)
    assert again.state is ok.ShipmentState.DELIVERED
    assert len(again.tracking) == 6


def test_failed_attempts_and_returns_are_problems(
    shop: ok.Shop, clock: ok.ManualClock, zone: ZoneParcelCarrier
) -> None:
    attempt, back = _packed(shop), _packed(shop)
    zone._scenarios.update({attempt.id: "failed_attempt", back.id: "returned"})
    for shipment in (attempt, back):
        shop.fulfilment.buy_label(shipment.id, carrier="zone-parcel", service="ground")
        shop.fulfilment.ship(shipment.id)
    clock.advance(timedelta(days=2, hours=6))  # Wednesday afternoon: nobody was home
    for shipment in (attempt, back):
        shop.fulfilment.refresh_tracking(shipment.id)
    assert [s.id for s in shop.fulfilment.problems()] == [attempt.id, back.id]
    assert shop.fulfilment.get(attempt.id).problem == "delivery_failed: recipient not at home"
    problems = [e for e in shop.events.pending(limit=1000) if isinstance(e, ok.ShipmentProblem)]
    assert {e.kind for e in problems} == {"delivery_failed"}
    clock.advance(timedelta(days=5))
    for shipment in (attempt, back):
        shop.fulfilment.refresh_tracking(shipment.id)
    assert shop.fulfilment.get(attempt.id).state is ok.ShipmentState.DELIVERED
    assert shop.fulfilment.get(attempt.id).problem is None
    returned = shop.fulfilment.get(back.id)
    assert returned.state is ok.ShipmentState.RETURNED_TO_SENDER
    assert [s.id for s in shop.fulfilment.problems()] == [back.id]


def test_a_forged_webhook_changes_nothing(
    shop: ok.Shop, zone: ZoneParcelCarrier, clock: ok.ManualClock
) -> None:
    shipment = _packed(shop)
    shop.fulfilment.buy_label(shipment.id, carrier="zone-parcel", service="ground")
    clock.advance(timedelta(days=3))
    ((signature, body), *_) = zone.webhooks(T0 - timedelta(seconds=1))
    with pytest.raises(WebhookRejected):
        shop.fulfilment.receive_tracking_webhook("zone-parcel", signature, body + b" ")
    with pytest.raises(WebhookRejected):
        shop.fulfilment.receive_tracking_webhook("zone-parcel", "t=1,v1=00", body)
    assert shop.fulfilment.get(shipment.id).tracking == ()
    with pytest.raises(ValidationError, match="known carriers"):
        shop.fulfilment.receive_tracking_webhook("nobody", signature, body)


def test_late_shipments_are_listed_against_their_promise(
    shop: ok.Shop, clock: ok.ManualClock
) -> None:
    on_time, late = _packed(shop, deliver_by_days=5), _packed(shop, deliver_by_days=1)
    clock.advance(timedelta(days=2))
    assert [s.id for s in shop.fulfilment.late()] == [late.id]
    assert shop.fulfilment.late(T0) == []
    assert on_time.id not in [s.id for s in shop.fulfilment.late()]


def test_a_carrier_that_serves_nowhere_there_refuses_by_name(
    shop: ok.Shop, flat: FlatRateCarrier
) -> None:
    shipment = _packed(shop)
    with pytest.raises(CarrierError, match="no service 'express'"):
        shop.fulfilment.buy_label(shipment.id, carrier="flat-rate", service="express")
    assert shop.fulfilment.get(shipment.id).state is ok.ShipmentState.PACKED


def test_the_whole_cycle_paid_picked_short_packed_labelled_tracked_delivered(
    store_url: str | None, clock: ok.ManualClock, zone: ZoneParcelCarrier
) -> None:
    from orderkit.adapters.gateways import TestCardGateway

    boxes = [ok.Box("M", ok.Dimensions(460, 360, 260), max_weight_g=15_000, tare_g=350)]
    calendar = ok.ShippingCalendar("Europe/Berlin", handling_days=0, transit_days=3)
    with ok.Shop.open(
        store_url,
        clock=clock,
        seed=11,
        carriers=[zone],
        gateways=[TestCardGateway()],
        shipping_calendars={"BER": calendar, "HAM": calendar},
    ) as shop:
        hamburg = ok.Address(
            name="Hub", line1="Kai 2", city="Hamburg", postal_code="20095", country="DE"
        )
        shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN))
        shop.inventory.add_warehouse(ok.Warehouse("HAM", "Hamburg", hamburg, priority=200))
        size = ok.Dimensions(200, 150, 100)
        shop.catalog.add(
            ok.Product(
                sku="TEE", name="Tee", price=ok.Money("20.00", "EUR"), weight_g=250, dimensions=size
            )
        )
        shop.inventory.receive("TEE", "BER", 3)
        shop.inventory.receive("TEE", "HAM", 10)
        shop.customers.register("bo@example.com", "Bo", addresses=[MUNICH])
        order = shop.orders.place("bo@example.com", [("TEE", 3)], payment_method="card")
        shop.orders.confirm(order.number)
        payment = shop.payments.authorise(
            order.id, order.grand_total, "4242424242424242", key="pay-1"
        )
        assert shop.orders.get(order.number).state == "ready_to_fulfil"

        (first,) = shop.fulfilment.create_shipments(order.number)
        assert first.warehouse == "BER"
        slip = shop.fulfilment.packing_slip(first.id)
        assert slip.lines == (("TEE", "Tee", 3),)
        assert slip.ship_to == MUNICH
        shop.fulfilment.pick(first.id, {"TEE": 2})  # one was not there: Hamburg has it
        (second,) = shop.fulfilment.create_shipments(order.number)
        assert (second.warehouse, second.units) == ("HAM", {"TEE": 1})
        shop.fulfilment.pick(second.id)
        for shipment in (first, second):
            shop.fulfilment.pack_in_boxes(shipment.id, boxes)
            shop.fulfilment.rate_shop(shipment.id)
            shop.fulfilment.buy_label(shipment.id)
        shop.payments.capture(payment.id, key="capture-1", final=True)
        assert shop.orders.get(order.number).payment_status.value == "paid"

        start = clock.now()
        clock.advance(timedelta(days=1))
        for signature, body in zone.webhooks(start - timedelta(seconds=1), duplicates=True):
            shop.fulfilment.receive_tracking_webhook("zone-parcel", signature, body)
        assert shop.fulfilment.flag_late() == []  # picked up on the day, promised in three
        since = clock.now()
        clock.advance(timedelta(days=5))
        for signature, body in zone.webhooks(since, duplicates=True):
            shop.fulfilment.receive_tracking_webhook("zone-parcel", signature, body)
        done = shop.orders.get(order.number)
        assert done.state == "delivered"
        assert [line.delivered for line in done.lines] == [3]
        assert shop.inventory.level("TEE", "BER").on_hand == 0
        assert shop.inventory.level("TEE", "HAM").on_hand == 9
        assert shop.inventory.verify_ledger()


def test_shipments_late_against_their_promise_are_flagged_once(
    shop: ok.Shop, clock: ok.ManualClock
) -> None:
    late = _packed(shop, deliver_by_days=1)
    clock.advance(timedelta(days=2))
    (flagged,) = shop.fulfilment.flag_late()
    assert flagged.id == late.id
    assert flagged.problem == "late: not delivered by 2026-03-03T09:00+00:00"
    assert shop.fulfilment.flag_late() == []
    kinds = [e.kind for e in shop.events.pending(limit=1000) if isinstance(e, ok.ShipmentProblem)]
    assert kinds == ["late"]
