"""An order's state follows its money: a full refund moves it, a refund of nothing is refused."""

from collections.abc import Iterator

import pytest

import orderkit as ok
from orderkit.adapters.gateways import TestCardGateway
from orderkit.errors import TransitionRefused
from tests.builders import BERLIN, T0, snapshot

CARD = "4242424242424242"


@pytest.fixture
def shop(store_url: str | None) -> Iterator[ok.Shop]:
    with ok.Shop.open(
        store_url, clock=ok.ManualClock(T0), seed=6, gateways=[TestCardGateway()]
    ) as opened:
        opened.catalog.add(ok.Product(sku="TEE", name="T-shirt", price=ok.Money("10.00", "EUR")))
        opened.customers.register("ana@example.com", "Ana", addresses=[BERLIN])
        opened.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN))
        opened.inventory.receive("TEE", "BER", 10)
        yield opened


def delivered(shop: ok.Shop, key: str) -> ok.Order:
    order = shop.orders.confirm(shop.orders.place("ana@example.com", [("TEE", 2)]).id)
    payment = shop.payments.authorise(order.id, order.grand_total, CARD, key=key)
    shop.payments.capture(payment.id, key=f"{key}-capture")
    for command in ("start_picking", "pack", "ship", "deliver"):
        shop.orders.apply(order.id, command)
    return shop.orders.get(order.id)


def test_refunding_everything_paid_moves_a_delivered_order_to_refunded(shop: ok.Shop) -> None:
    order = delivered(shop, "a")
    assert order.state == "delivered"
    shop.payments.refund_order(order.id, key="r-1", lines={"TEE": 1})
    assert shop.orders.get(order.id).state == "delivered"  # half of it: nothing moves
    shop.payments.refund_order(order.id, key="r-2", lines={"TEE": 1})
    refunded = shop.orders.get(order.id)
    assert (refunded.state, refunded.payment_status) == ("refunded", ok.PaymentStatus.REFUNDED)
    last = refunded.history[-1]
    assert (last.command, last.actor) == ("refund", "system:payments")


def test_a_returned_order_is_refunded_when_its_money_goes_back(shop: ok.Shop) -> None:
    order = delivered(shop, "b")
    shop.orders.apply(order.id, "request_return")
    shop.orders.apply(order.id, "receive_return")
    shop.payments.refund_order(order.id, key="r", amount=order.grand_total)
    assert shop.orders.get(order.id).state == "refunded"


def test_a_cancelled_order_keeps_its_state_when_refunded(shop: ok.Shop) -> None:
    order = shop.orders.confirm(shop.orders.place("ana@example.com", [("TEE", 1)]).id)
    payment = shop.payments.authorise(order.id, order.grand_total, CARD, key="c")
    shop.payments.capture(payment.id, key="c-capture")
    shop.orders.cancel(order.id, reason="changed her mind")
    shop.payments.refund_order(order.id, key="r", amount=ok.Money("10.00", "EUR"))
    cancelled = shop.orders.get(order.id)
    assert (cancelled.state, cancelled.payment_status) == (
        "cancelled",
        ok.PaymentStatus.REFUNDED,
    )


def test_the_refund_command_is_refused_when_nothing_was_paid(shop: ok.Shop) -> None:
    order = shop.orders.confirm(shop.orders.place("ana@example.com", [("TEE", 1)]).id)
    shop.orders.apply(order.id, "mark_paid")  # paid elsewhere, recorded by hand
    for command in ("start_picking", "pack", "ship", "deliver"):
        shop.orders.apply(order.id, command)
    assert shop.orders.apply(order.id, "refund").state == "refunded"  # something was paid

    cod = shop.orders.place("ana@example.com", [("TEE", 1)], payment_method="cash_on_delivery")
    cod = shop.orders.confirm(cod.id)
    for command in ("start_picking", "pack", "ship", "deliver"):
        cod = shop.orders.apply(cod.id, command)
    before = snapshot(shop)
    with pytest.raises(TransitionRefused, match="nothing was paid"):
        shop.orders.apply(cod.id, "refund")
    assert snapshot(shop) == before


def test_receiving_a_return_puts_its_units_back_through_the_ledger(shop: ok.Shop) -> None:
    order = delivered(shop, "ret")
    assert shop.inventory.level("TEE", "BER").on_hand == 8
    shop.orders.apply(order.id, "request_return")
    assert shop.inventory.level("TEE", "BER").on_hand == 8  # asked for, not yet back
    returned = shop.orders.apply(order.id, "receive_return")
    assert returned.state == "returned"
    level = shop.inventory.level("TEE", "BER")
    assert (level.on_hand, level.available) == (10, 10)
    (movement,) = [m for m in shop.inventory.ledger(sku="TEE") if m.kind.value == "return"]
    assert (movement.warehouse, movement.on_hand_delta, movement.document) == (
        "BER",
        2,
        f"return:order:{order.number}",
    )
    assert shop.inventory.verify_ledger()


def test_units_that_never_left_through_a_reservation_are_not_invented(
    store_url: str | None,
) -> None:
    policy = ok.OrderPolicy(reserve_stock=False)
    with ok.Shop.open(store_url, clock=ok.ManualClock(T0), order_policy=policy) as shop:
        shop.catalog.add(ok.Product(sku="TEE", name="T-shirt", price=ok.Money("10.00", "EUR")))
        shop.customers.register("ana@example.com", "Ana", addresses=[BERLIN])
        shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN))
        shop.inventory.receive("TEE", "BER", 10)
        order = shop.orders.confirm(shop.orders.place("ana@example.com", [("TEE", 1)]).id)
        shop.orders.apply(order.id, "mark_paid")
        for command in ("start_picking", "pack", "ship", "deliver", "request_return"):
            shop.orders.apply(order.id, command)
        shop.orders.apply(order.id, "receive_return")
        assert shop.inventory.level("TEE", "BER").on_hand == 10  # the host keeps this stock


def test_a_packed_order_is_packed_not_fulfilled_until_it_ships(shop: ok.Shop) -> None:
    order = shop.orders.confirm(shop.orders.place("ana@example.com", [("TEE", 2)]).id)
    shop.orders.apply(order.id, "mark_paid")
    shop.orders.apply(order.id, "start_picking")
    packed = shop.orders.apply(order.id, "pack")
    assert packed.fulfilment_status is ok.FulfilmentStatus.PACKED
    found = shop.orders.find(fulfilment_status="packed").orders
    assert [o.number for o in found] == [order.number]
    assert shop.orders.apply(order.id, "ship").fulfilment_status is ok.FulfilmentStatus.SHIPPED
