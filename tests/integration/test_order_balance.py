"""An order's payments never hold or take more than it costs, unless the shop says so."""

from collections.abc import Iterator

import pytest

import orderkit as ok
from orderkit.adapters.gateways import TestCardGateway
from orderkit.errors import BalanceExceeded, ConfigurationError, ValidationError
from tests.builders import BERLIN, T0, snapshot

CARD = "4242424242424242"


def eur(amount: str) -> ok.Money:
    return ok.Money(amount, "EUR")


@pytest.fixture
def cards() -> TestCardGateway:
    return TestCardGateway()


@pytest.fixture
def shop(store_url: str | None, cards: TestCardGateway) -> Iterator[ok.Shop]:
    with ok.Shop.open(store_url, clock=ok.ManualClock(T0), seed=8, gateways=[cards]) as opened:
        opened.catalog.add(ok.Product(sku="TEE", name="T-shirt", price=eur("10.00")))
        opened.customers.register("ana@example.com", "Ana", addresses=[BERLIN])
        yield opened


@pytest.fixture
def order(shop: ok.Shop) -> ok.Order:
    return shop.orders.place("ana@example.com", [("TEE", 1)])  # 10.00


def test_a_second_checkout_of_a_paid_order_is_refused_and_changes_nothing(
    shop: ok.Shop, order: ok.Order, cards: TestCardGateway
) -> None:
    first = shop.payments.authorise(order.id, order.grand_total, CARD, key="checkout-1")
    shop.payments.capture(first.id, key="checkout-1-cap")
    before, calls = snapshot(shop), cards.calls
    with pytest.raises(BalanceExceeded) as refused:
        shop.payments.authorise(order.id, order.grand_total, CARD, key="checkout-2")
    assert refused.value.order_id == order.id
    assert (refused.value.operation, refused.value.requested, refused.value.balance) == (
        "authorise",
        eur("10.00"),
        eur("0.00"),
    )
    assert "10.00 EUR" in str(refused.value)
    assert "0.00 EUR" in str(refused.value)
    assert snapshot(shop) == before
    assert cards.calls == calls  # the gateway was never asked
    # the same key may be used again once there is room: the refusal claimed nothing
    shop.payments.refund(first.id, eur("4.00"), key="refund-1")
    again = shop.payments.authorise(order.id, eur("4.00"), CARD, key="checkout-2")
    assert again.state is ok.PaymentState.AUTHORISED


def test_an_authorisation_far_beyond_the_total_is_refused(shop: ok.Shop, order: ok.Order) -> None:
    with pytest.raises(BalanceExceeded):
        shop.payments.authorise(order.id, eur("9999.00"), CARD, key="big")
    assert shop.payments.for_order(order.id) == []


def test_split_payments_fill_the_balance_and_no_more(shop: ok.Shop, order: ok.Order) -> None:
    shop.payments.authorise(order.id, eur("6.00"), CARD, key="part-1")
    with pytest.raises(BalanceExceeded) as refused:
        shop.payments.authorise(order.id, eur("4.01"), CARD, key="part-2")
    assert refused.value.balance == eur("4.00")
    shop.payments.authorise(order.id, eur("4.00"), CARD, key="part-2")


def test_a_pending_or_declined_payment_holds_what_it_may_take(
    shop: ok.Shop, order: ok.Order
) -> None:
    lost = shop.payments.authorise(order.id, eur("10.00"), "4000000000000341", key="lost")
    assert lost.state is ok.PaymentState.PENDING  # the gateway never answered
    with pytest.raises(BalanceExceeded):
        shop.payments.authorise(order.id, eur("1.00"), CARD, key="more")
    declined = shop.orders.place("ana@example.com", [("TEE", 1)])
    with pytest.raises(ok.errors.PaymentDeclined):
        shop.payments.authorise(declined.id, eur("10.00"), "4000000000000002", key="no")
    shop.payments.authorise(declined.id, eur("10.00"), CARD, key="yes")  # a decline holds nothing


def test_a_capture_beyond_what_the_order_now_costs_is_refused(
    shop: ok.Shop, cards: TestCardGateway
) -> None:
    order = shop.orders.place("ana@example.com", [("TEE", 3)])  # 30.00
    payment = shop.payments.authorise(order.id, order.grand_total, CARD, key="a")
    shop.payments.capture(payment.id, eur("10.00"), key="c-1")
    shop.orders.cancel(order.id, lines={"TEE": 2}, reason="out of stock")  # now 10.00
    calls = cards.calls
    with pytest.raises(BalanceExceeded) as refused:
        shop.payments.capture(payment.id, eur("5.00"), key="c-2")
    assert (refused.value.operation, refused.value.balance) == ("capture", eur("0.00"))
    assert cards.calls == calls
    assert shop.payments.get(payment.id).pending == []


def test_an_overpayment_on_purpose_shows_as_overpaid_and_is_reconciled(
    shop: ok.Shop, order: ok.Order
) -> None:
    paid = shop.payments.authorise(order.id, order.grand_total, CARD, key="pay")
    shop.payments.capture(paid.id, key="pay-cap")
    tip = shop.payments.authorise(order.id, eur("2.00"), CARD, key="tip", allow_overpayment=True)
    assert tip.overpayment_allowed
    shop.payments.capture(tip.id, key="tip-cap")
    stored = shop.orders.get(order.id)
    assert (stored.captured, stored.payment_status) == (eur("12.00"), ok.PaymentStatus.OVERPAID)
    assert shop.payments.reconciliation().overpaid == (order.number,)


def test_a_shop_may_allow_overpayment_for_every_payment(store_url: str | None) -> None:
    with ok.Shop.open(store_url, gateways=[TestCardGateway()], allow_overpayment=True) as shop:
        shop.catalog.add(ok.Product(sku="TEE", name="T-shirt", price=eur("10.00")))
        shop.customers.register("ana@example.com", "Ana", addresses=[BERLIN])
        order = shop.orders.place("ana@example.com", [("TEE", 1)])
        weighed = shop.payments.authorise(order.id, eur("12.50"), CARD, key="weighed")
        assert weighed.overpayment_allowed
        with pytest.raises(BalanceExceeded):
            shop.payments.authorise(order.id, eur("1.00"), CARD, key="no", allow_overpayment=False)


def test_the_overpayment_switch_takes_only_booleans(shop: ok.Shop, order: ok.Order) -> None:
    with pytest.raises(ValidationError) as refused:
        shop.payments.authorise(order.id, eur("1.00"), CARD, key="k", allow_overpayment="yes")  # type: ignore[arg-type]
    assert refused.value.field == "allow_overpayment"
    with pytest.raises(ConfigurationError):
        ok.ShopSettings(allow_overpayment="yes")  # type: ignore[arg-type]
