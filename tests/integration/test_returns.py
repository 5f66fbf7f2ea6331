"""Returns, exchanges and claims carry delivered units back, on every store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

import orderkit as ok
from orderkit.adapters.carriers import FlatRateCarrier
from orderkit.adapters.gateways import TestCardGateway
from orderkit.errors import InvalidQuantity, PaymentDeclined, ReturnStateError, ValidationError
from orderkit.returns import InspectionOutcome, ReturnPolicy, ReturnRequest, ReturnState
from tests.builders import BERLIN, T0

CARD = "4242424242424242"
BOX = ok.Parcel(ok.Dimensions(300, 200, 100), weight_g=900)


def eur(amount: str) -> ok.Money:
    return ok.Money(amount, "EUR")


POLICY = ReturnPolicy(
    return_shipping_fee=eur("3.00"),
    restocking_fee=Decimal("0.10"),
    auto_approve_below=eur("200.00"),
    non_returnable_categories={"underwear"},
)


@pytest.fixture
def clock() -> ok.ManualClock:
    return ok.ManualClock(T0)


@pytest.fixture
def shop(store_url: str | None, clock: ok.ManualClock) -> Iterator[ok.Shop]:
    """A shop with a warehouse, products, a card gateway and a carrier."""
    carrier = FlatRateCarrier(clock, price=eur("4.50"), countries=["DE"], code="post")
    with ok.Shop.open(
        store_url,
        clock=clock,
        seed=11,
        gateways=[TestCardGateway()],
        carriers=[carrier],
        return_policy=POLICY,
    ) as opened:
        opened.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN))
        opened.catalog.add_many(
            [
                ok.Product(sku="TEE-M", name="T-shirt M", price=eur("20.00")),
                ok.Product(sku="TEE-L", name="T-shirt L", price=eur("20.00")),
                ok.Product(sku="HOODIE", name="Hoodie", price=eur("45.00")),
                ok.Product(sku="SOCKS", name="Socks", price=eur("5.00"), category="underwear"),
            ]
        )
        for sku in ("TEE-M", "TEE-L", "HOODIE", "SOCKS"):
            opened.inventory.receive(sku, "BER", 20)
        opened.customers.register("ana@example.com", "Ana", addresses=[BERLIN])
        yield opened


def delivered(
    shop: ok.Shop, lines: list[tuple[str, int]], *, tags: tuple[str, ...] = ()
) -> ok.Order:
    """An order paid by card, shipped in one shipment and delivered."""
    order = shop.orders.place("ana@example.com", lines, shipping=eur("4.90"), tags=tags)
    payment = shop.payments.authorise(order.id, order.grand_total, CARD, key=f"a-{order.id}")
    shop.payments.capture(payment.id, key=f"c-{order.id}")
    assert shop.orders.confirm(order.number).state == "ready_to_fulfil"
    (shipment,) = shop.fulfilment.create_shipments(order.number)
    shop.fulfilment.pick(shipment.id)
    shop.fulfilment.pack(shipment.id, [BOX])
    shop.fulfilment.ship(shipment.id, carrier="post", service="standard", tracking_number="T1")
    shop.fulfilment.deliver(shipment.id)
    done = shop.orders.get(order.number)
    assert done.state == "delivered"
    return done


def swap_tee(shop: ok.Shop, number: int, **advance: Any) -> ReturnRequest:
    """Ask to exchange a medium tee for a large one (``advance=True, payment_source=...``)."""
    return shop.returns.request(
        number,
        {"TEE-M": 1},
        reason="wrong_size",
        resolution="exchange",
        exchange={"TEE-L": 1},
        **advance,
    )


def _state(shop: ok.Shop, number: int) -> dict[str, Any]:
    converter = ok.make_converter()
    return {
        "order": converter.unstructure(shop.orders.get(number)),
        "returns": converter.unstructure(shop.returns.for_order(number)),
        "stock": shop.inventory.levels(),
        "events": len(shop.events.pending(limit=10_000)),
    }


def test_the_whole_return_cycle_in_two_parcels(shop: ok.Shop) -> None:
    order = delivered(shop, [("TEE-M", 2), ("HOODIE", 1)])
    request = shop.returns.request(
        order.number, {"TEE-M": 2}, reason="wrong_size", note="too small"
    )
    assert request.state is ReturnState.APPROVED
    assert request.decision == "within the return policy"
    assert shop.orders.get(order.number).state == "return_requested"
    labelled = shop.returns.issue_label(request.id, carrier="post", service="standard")
    (parcel,) = labelled.parcels
    assert parcel.carrier == "post"
    assert parcel.price == eur("4.50")
    shop.returns.receive(request.id, {"TEE-M": 1}, tracking_number=parcel.tracking_number)
    assert shop.returns.get(request.id).state is ReturnState.RECEIVING
    shop.returns.receive(request.id, {"TEE-M": 1})
    assert shop.returns.get(request.id).state is ReturnState.RECEIVED
    before = shop.inventory.level("TEE-M", "BER")
    shop.returns.inspect(request.id, "TEE-M", InspectionOutcome.RESTOCK)
    after_restock = shop.inventory.level("TEE-M", "BER")
    assert after_restock.on_hand == before.on_hand + 1
    assert after_restock.available == before.available + 1
    closed = shop.returns.inspect(request.id, "TEE-M", "damaged", note="torn seam")
    after_damage = shop.inventory.level("TEE-M", "BER")
    assert (after_damage.on_hand, after_damage.available) == (
        after_restock.on_hand,
        after_restock.available,
    )
    document = ok.returns.return_document(request.id)
    moved = [
        (m.kind.value, m.on_hand_delta)
        for m in shop.inventory.ledger(sku="TEE-M", warehouse="BER")
        if m.document == document
    ]
    assert moved == [("return", 1), ("return", 1), ("write_off", -1)]
    assert shop.inventory.verify_ledger()

    # Refunded by lines: two tees (40.00), less 10 % restocking and 3.00 postage.
    assert closed.state is ReturnState.CLOSED
    assert closed.resolved
    assert closed.refunded == eur("33.00")
    (refund,) = shop.payments.refunds(order.number)
    assert [(line.sku, line.quantity) for line in refund.lines] == [("TEE-M", 2)]
    assert refund.withheld == eur("7.00")
    stored = shop.orders.get(order.number)
    assert stored.line("TEE-M").returned == 2
    assert stored.refunded == eur("33.00")
    assert stored.payment_status is ok.PaymentStatus.PARTIALLY_REFUNDED
    assert stored.state == "delivered"  # the hoodie stays with the customer
    assert shop.returns.reasons() == {"wrong_size": 2}


def test_returning_everything_for_the_shops_fault_refunds_shipping_too(shop: ok.Shop) -> None:
    order = delivered(shop, [("TEE-M", 1)])
    request = shop.returns.request(order.number, {"TEE-M": 1}, reason="damaged")
    assert request.restocking_fee == eur("0.00")
    assert request.refund_shipping
    shop.returns.receive(request.id, {"TEE-M": 1})
    shop.returns.inspect(request.id, "TEE-M", "damaged")
    stored = shop.orders.get(order.number)
    assert stored.refunded == stored.captured == order.grand_total
    assert stored.state == "refunded"


def test_a_trusted_customer_is_refunded_before_anything_comes_back(shop: ok.Shop) -> None:
    order = delivered(shop, [("TEE-M", 1)], tags=("trusted",))
    request = shop.returns.request(order.number, {"TEE-M": 1}, reason="changed_mind")
    assert request.resolved
    assert request.refunded == eur("18.00")
    assert shop.returns.get(request.id).state is ReturnState.APPROVED
    shop.returns.receive(request.id, {"TEE-M": 1})
    closed = shop.returns.inspect(request.id, "TEE-M", "restock")
    assert closed.state is ReturnState.CLOSED
    assert len(shop.payments.refunds(order.number)) == 1  # paid once


def test_the_policy_rejects_with_its_reason_and_refuses_bad_requests(
    shop: ok.Shop, clock: ok.ManualClock
) -> None:
    order = delivered(shop, [("TEE-M", 2), ("SOCKS", 1)])
    socks = shop.returns.request(order.number, {"SOCKS": 1}, reason="changed_mind")
    assert socks.state is ReturnState.REJECTED
    assert socks.decision == "not returnable: SOCKS"
    assert shop.orders.get(order.number).state == "delivered"
    before = _state(shop, order.number)
    with pytest.raises(InvalidQuantity) as too_many:
        shop.returns.request(order.number, {"TEE-M": 3}, reason="wrong_size")
    assert too_many.value.field == "lines[TEE-M]"
    with pytest.raises(ValidationError) as unknown_reason:
        shop.returns.request(order.number, {"TEE-M": 1}, reason="bored")
    assert unknown_reason.value.field == "reason"
    with pytest.raises(ValidationError):
        shop.returns.request(order.number, {"HOODIE": 1}, reason="wrong_size")
    assert _state(shop, order.number) == before
    clock.advance(timedelta(days=31))
    late = shop.returns.request(order.number, {"TEE-M": 1}, reason="wrong_size")
    assert late.state is ReturnState.REJECTED
    assert late.decision is not None
    assert late.decision.startswith("the return window closed")


def test_units_on_their_way_back_cannot_be_asked_for_twice(shop: ok.Shop) -> None:
    order = delivered(shop, [("TEE-M", 2)])
    first = shop.returns.request(order.number, {"TEE-M": 2}, reason="wrong_size")
    with pytest.raises(InvalidQuantity):
        shop.returns.request(order.number, {"TEE-M": 1}, reason="wrong_size")
    shop.returns.cancel(first.id, reason="kept them")
    assert shop.orders.get(order.number).state == "delivered"
    again = shop.returns.request(order.number, {"TEE-M": 1}, reason="wrong_size")
    assert again.state is ReturnState.APPROVED
    with pytest.raises(ReturnStateError):
        shop.returns.cancel(first.id, reason="twice")


def test_expensive_returns_wait_for_a_person(shop: ok.Shop) -> None:
    order = delivered(shop, [("HOODIE", 5)])
    request = shop.returns.request(order.number, {"HOODIE": 5}, reason="changed_mind")
    assert request.state is ReturnState.REQUESTED
    assert shop.orders.get(order.number).state == "return_requested"
    rejected = shop.returns.reject(request.id, reason="worn")
    assert rejected.state is ReturnState.REJECTED
    assert shop.orders.get(order.number).state == "delivered"


def test_an_exchange_for_a_dearer_product_leaves_the_difference_to_pay(shop: ok.Shop) -> None:
    order = delivered(shop, [("TEE-M", 1)])
    request = shop.returns.request(
        order.number,
        {"TEE-M": 1},
        reason="wrong_size",
        resolution="exchange",
        exchange={"HOODIE": 1},
    )
    shop.returns.receive(request.id, {"TEE-M": 1})
    closed = shop.returns.inspect(request.id, "TEE-M", "restock")
    assert closed.state is ReturnState.CLOSED
    assert closed.exchange_order_id is not None
    linked = shop.orders.get(closed.exchange_order_id)
    assert linked.attributes["exchange_for"] == str(order.number)
    # The tee is worth 18.00 after the 10 % fee; the hoodie costs 45.00.
    assert linked.captured == eur("18.00")
    assert linked.state == "awaiting_payment"
    payment = shop.payments.authorise(linked.id, eur("27.00"), CARD, key="difference")
    assert payment.state is ok.PaymentState.AUTHORISED
    assert shop.orders.get(linked.id).state == "ready_to_fulfil"
    assert shop.store_credit.balance(f"credit-{order.customer_id}") == eur("0.00")


def test_an_exchange_for_a_cheaper_product_refunds_the_difference(shop: ok.Shop) -> None:
    order = delivered(shop, [("HOODIE", 1)])
    request = shop.returns.request(
        order.number,
        {"HOODIE": 1},
        reason="not_as_described",
        resolution="exchange",
        exchange={"TEE-L": 1},
    )
    shop.returns.receive(request.id, {"HOODIE": 1})
    closed = shop.returns.inspect(request.id, "HOODIE", "restock")
    assert closed.exchange_order_id is not None
    linked = shop.orders.get(closed.exchange_order_id)
    assert linked.state == "ready_to_fulfil"
    assert linked.captured == eur("20.00")
    assert closed.refunded == eur("45.00")  # 20.00 as credit for the tee, 25.00 back
    assert shop.fulfilment.for_order(linked.number)  # on its way
    stored = shop.orders.get(order.number)
    assert stored.refunded == eur("45.00")


def test_an_advance_exchange_ships_at_once_against_a_hold(shop: ok.Shop) -> None:
    order = delivered(shop, [("TEE-M", 1)])
    request = swap_tee(shop, order.number, advance=True, payment_source=CARD)
    assert request.exchange_order_id is not None
    assert request.hold_payment_id is not None
    linked = shop.orders.get(request.exchange_order_id)
    assert linked.state == "ready_to_fulfil"
    assert linked.authorised == eur("20.00")
    assert shop.fulfilment.for_order(linked.number)
    shop.returns.receive(request.id, {"TEE-M": 1})
    closed = shop.returns.inspect(request.id, "TEE-M", "restock")
    assert closed.state is ReturnState.CLOSED
    hold = shop.payments.get(request.hold_payment_id)
    # 18.00 of store credit pays for the new tee; the hold takes the 2.00 fee.
    assert hold.captured == eur("2.00")
    assert shop.orders.get(linked.id).captured == eur("20.00")


def test_an_advance_exchange_never_returned_takes_the_hold(shop: ok.Shop) -> None:
    order = delivered(shop, [("TEE-M", 1)])
    request = swap_tee(shop, order.number, advance=True, payment_source=CARD)
    charged = shop.returns.charge_unreturned(request.id)
    assert charged.state is ReturnState.CANCELLED
    assert request.hold_payment_id is not None
    assert shop.payments.get(request.hold_payment_id).captured == eur("20.00")
    assert shop.orders.get(order.number).state == "delivered"


def test_a_lost_parcel_is_replaced_at_no_charge_and_claimed_from_the_carrier(
    shop: ok.Shop,
) -> None:
    order = delivered(shop, [("TEE-M", 2)])
    (shipment,) = shop.fulfilment.for_order(order.number)
    claim = shop.returns.file_claim(shipment.id, "lost", note="never arrived")
    assert claim.replacement_order_id is not None
    replacement = shop.orders.get(claim.replacement_order_id)
    assert replacement.grand_total == eur("0.00")
    assert replacement.state == "ready_to_fulfil"
    assert replacement.line("TEE-M").reserved == 2
    assert replacement.attributes["replaces"] == str(order.number)
    assert shop.fulfilment.for_order(replacement.number)
    assert claim.carrier_claim is not None
    assert claim.carrier_claim.amount == eur("40.00")
    paid = shop.returns.settle_carrier_claim(claim.id, paid=eur("40.00"), reference="C-1")
    assert paid.carrier_claim is not None
    assert paid.carrier_claim.state == "paid"
    with pytest.raises(ValidationError):
        shop.returns.file_claim(shipment.id, "lost")  # every unit is claimed
    flags = shop.returns.perfect_order(order.number)
    assert not flags.no_claim
    assert not flags.perfect


def test_a_wrong_item_claim_can_refund_instead(shop: ok.Shop) -> None:
    order = delivered(shop, [("TEE-M", 2)])
    (shipment,) = shop.fulfilment.for_order(order.number)
    claim = shop.returns.file_claim(shipment.id, "wrong_item", units={"TEE-M": 1}, remedy="refund")
    assert claim.refund_id is not None
    assert claim.settled
    assert shop.orders.get(order.number).refunded == eur("20.00")


def test_feedback_follow_ups_and_the_perfect_order(shop: ok.Shop, clock: ok.ManualClock) -> None:
    order = delivered(shop, [("TEE-M", 1)])
    assert shop.returns.perfect_order(order.number).perfect
    assert shop.returns.send_follow_ups() == []  # not due yet
    clock.advance(timedelta(days=3))
    (sent,) = shop.returns.send_follow_ups()
    assert sent.order_number == order.number
    assert shop.returns.send_follow_ups() == []  # once each
    due = [e for e in shop.events.pending(limit=500) if isinstance(e, ok.returns.FollowUpDue)]
    assert [e.order_number for e in due] == [order.number]
    shop.returns.leave_feedback(order.number, 4, comment="fine", lines={"TEE-M": 5})
    changed = shop.returns.leave_feedback(order.number, 5)
    assert shop.returns.feedback(order.number) is not None
    assert changed.rating == 5
    with pytest.raises(ValidationError):
        shop.returns.leave_feedback(order.number, 6)
    shop.returns.request(order.number, {"TEE-M": 1}, reason="changed_mind")
    assert not shop.returns.perfect_order(order.number).no_return


def test_return_parcels_follow_carrier_scans_once_each(shop: ok.Shop) -> None:
    order = delivered(shop, [("TEE-M", 1)])
    request = shop.returns.request(order.number, {"TEE-M": 1}, reason="wrong_size")
    (parcel,) = shop.returns.issue_label(request.id, carrier="post", service="standard").parcels

    def scan(event_id: str, status: str) -> ok.TrackingEvent:
        return ok.TrackingEvent(
            event_id=event_id,
            tracking_number=parcel.tracking_number,
            status=status,
            at=T0,
            raw_status=status.upper(),
        )

    (changed,) = shop.returns.record_tracking([scan("e1", "in_transit")])
    assert changed.parcels[0].status == "in_transit"
    shop.returns.record_tracking([scan("e2", "delivered")])
    late = shop.returns.record_tracking([scan("e1", "in_transit"), scan("e3", "in_transit")])
    assert [r.id for r in late] == [request.id]  # e3 is new, e1 was seen
    assert shop.returns.get(request.id).parcels[0].status == "delivered"  # never undone
    assert shop.returns.record_tracking([scan("e3", "in_transit")]) == []
    with pytest.raises(ValidationError):
        shop.returns.record_tracking("not events")  # type: ignore[arg-type]


def test_carrier_webhooks_reach_return_parcels_through_fulfilment(
    shop: ok.Shop, clock: ok.ManualClock
) -> None:
    order = delivered(shop, [("TEE-M", 1)])
    request = shop.returns.request(order.number, {"TEE-M": 1}, reason="wrong_size")
    (parcel,) = shop.returns.issue_label(request.id, carrier="post", service="standard").parcels
    carrier = shop.fulfilment.carriers["post"]
    assert isinstance(carrier, FlatRateCarrier)
    since = clock.now()
    clock.advance(timedelta(days=5))
    deliveries = carrier.webhooks(since, duplicates=True)
    assert deliveries
    for signature, body in deliveries:
        shop.fulfilment.receive_tracking_webhook("post", signature, body)
    assert shop.returns.get(request.id).parcels[0].status == "delivered"
    assert parcel.status == "label_issued"


def test_units_taken_back_by_hand_are_not_booked_twice(shop: ok.Shop) -> None:
    order = delivered(shop, [("TEE-M", 1)])
    request = shop.returns.request(order.number, {"TEE-M": 1}, reason="wrong_size")
    shop.orders.apply(order.number, "receive_return", actor="clerk")  # the old way, by hand
    on_hand = shop.inventory.level("TEE-M", "BER").on_hand
    shop.returns.receive(request.id, {"TEE-M": 1})
    closed = shop.returns.inspect(request.id, "TEE-M", "restock")
    assert closed.state is ReturnState.CLOSED
    assert shop.inventory.level("TEE-M", "BER").on_hand == on_hand
    assert shop.orders.get(order.number).line("TEE-M").returned == 1
    assert shop.inventory.verify_ledger()


def test_an_exchange_out_of_stock_waits_with_a_note_and_settles_later(shop: ok.Shop) -> None:
    order = delivered(shop, [("TEE-M", 1)])
    shop.inventory.write_off("TEE-L", "BER", 20, reason="flooded")
    request = swap_tee(shop, order.number)
    shop.returns.receive(request.id, {"TEE-M": 1})
    waiting = shop.returns.inspect(request.id, "TEE-M", "restock")
    assert waiting.state is ReturnState.RECEIVED
    assert not waiting.resolved
    assert waiting.history[-1].note is not None
    assert waiting.history[-1].note.startswith("not settled")
    assert shop.orders.get(order.number).line("TEE-M").returned == 1  # the inspection stands
    shop.inventory.receive("TEE-L", "BER", 5)
    settled = shop.returns.resolve(request.id)
    assert settled.state is ReturnState.CLOSED
    assert settled.exchange_order_id is not None
    assert shop.orders.get(settled.exchange_order_id).state == "awaiting_payment"  # 2.00 fee


def test_an_advance_exchange_the_card_refuses_ships_when_the_units_are_back(
    shop: ok.Shop,
) -> None:
    order = delivered(shop, [("TEE-M", 1)])
    declined = "4000000000000002"
    with pytest.raises(PaymentDeclined):
        swap_tee(shop, order.number, advance=True, payment_source=declined)
    (request,) = shop.returns.for_order(order.number)
    assert request.state is ReturnState.APPROVED
    assert request.hold_payment_id is None
    assert request.exchange_order_id is not None
    assert shop.orders.get(request.exchange_order_id).state == "confirmed"
    shop.returns.receive(request.id, {"TEE-M": 1})
    closed = shop.returns.inspect(request.id, "TEE-M", "restock")
    assert closed.state is ReturnState.CLOSED
    assert shop.orders.get(request.exchange_order_id).captured == eur("18.00")


def test_withdrawing_an_advance_exchange_the_card_refused_cancels_its_order(
    shop: ok.Shop,
) -> None:
    order = delivered(shop, [("TEE-M", 1)])
    declined = "4000000000000002"
    with pytest.raises(PaymentDeclined):
        swap_tee(shop, order.number, advance=True, payment_source=declined)
    (request,) = shop.returns.for_order(order.number)
    shop.returns.cancel(request.id, reason="kept it")
    assert request.exchange_order_id is not None
    assert shop.orders.get(request.exchange_order_id).state == "cancelled"
    assert shop.inventory.level("TEE-L", "BER").reserved == 0
