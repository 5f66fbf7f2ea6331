"""Gift cards and store credit on every store: issuing, paying, giving back, refusing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

import orderkit as ok
from orderkit.adapters.gateways import TestCardGateway
from orderkit.errors import (
    CreditAccountNotFound,
    CurrencyMismatch,
    IdempotencyConflict,
    InvalidAmount,
    PaymentDeclined,
    ValidationError,
)
from orderkit.payments import PaymentState
from orderkit.store_credit.accounts import CreditEntryKind, CreditKind
from tests.builders import BERLIN, T0


def eur(amount: str) -> ok.Money:
    return ok.Money(amount, "EUR")


@pytest.fixture
def clock() -> ok.ManualClock:
    return ok.ManualClock(T0)


@pytest.fixture
def shop(store_url: str | None, clock: ok.ManualClock) -> Iterator[ok.Shop]:
    with ok.Shop.open(store_url, clock=clock, seed=3, gateways=[TestCardGateway()]) as opened:
        opened.catalog.add(ok.Product(sku="TEE", name="T-shirt", price=eur("20.00")))
        opened.customers.register("ana@example.com", "Ana", addresses=[BERLIN])
        opened.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN))
        opened.inventory.receive("TEE", "BER", 10)
        yield opened


def pay_with_credit(shop: ok.Shop, order: ok.Order, amount: str, key: str) -> ok.Payment:
    return shop.payments.authorise(
        order.id, eur(amount), "GIFT-1", key=key, gateway="store_credit", method="store_credit"
    )


def ledger(shop: ok.Shop) -> list[tuple[str, str, str]]:
    return [
        (entry.kind.value, str(entry.amount), str(entry.balance_after))
        for entry in reversed(shop.store_credit.entries("GIFT-1"))
    ]


def test_issue_opens_tops_up_and_repeats_nothing(shop: ok.Shop) -> None:
    card = shop.store_credit.issue("GIFT-1", eur("25.00"), key="sale-1")
    assert (card.kind, card.balance, card.currency) == (CreditKind.GIFT_CARD, eur("25.00"), "EUR")
    again = shop.store_credit.issue("GIFT-1", eur("25.00"), key="sale-1")
    assert again.balance == eur("25.00")  # the same request: nothing more
    shop.store_credit.issue("GIFT-1", eur("5.00"), key="top-up", note="birthday")
    assert shop.store_credit.balance("GIFT-1") == eur("30.00")
    assert ledger(shop) == [("issue", "25.00 EUR", "25.00 EUR"), ("issue", "5.00 EUR", "30.00 EUR")]
    assert shop.store_credit.entries("GIFT-1")[0].note == "birthday"


def test_refused_issues_change_nothing(shop: ok.Shop) -> None:
    shop.store_credit.issue("GIFT-1", eur("25.00"), key="sale-1")
    before = (shop.store_credit.get("GIFT-1").version, ledger(shop))
    with pytest.raises(IdempotencyConflict):
        shop.store_credit.issue("GIFT-1", eur("30.00"), key="sale-1")
    with pytest.raises(CurrencyMismatch):
        shop.store_credit.issue("GIFT-1", ok.Money("5.00", "USD"), key="usd")
    with pytest.raises(InvalidAmount):
        shop.store_credit.issue("GIFT-1", eur("-5.00"), key="neg")
    with pytest.raises(ValidationError) as bad:
        shop.store_credit.issue("GIFT 1", eur("5.00"), key="space")
    assert bad.value.field == "account_id"
    with pytest.raises(ValidationError):
        shop.store_credit.issue("GIFT-2", eur("5.00"), key="k", kind="voucher")
    with pytest.raises(CreditAccountNotFound):
        shop.store_credit.balance("GIFT-2")
    assert (shop.store_credit.get("GIFT-1").version, ledger(shop)) == before


def test_a_gift_card_and_a_card_pay_one_order(shop: ok.Shop) -> None:
    shop.store_credit.issue("GIFT-1", eur("15.00"), key="sale-1")
    order = shop.orders.confirm(shop.orders.place("ana@example.com", [("TEE", 2)]).id, actor="c")
    gift = pay_with_credit(shop, order, "15.00", "pay-gift")
    assert gift.state is PaymentState.AUTHORISED
    assert shop.store_credit.balance("GIFT-1") == eur("0.00")  # held at once
    assert shop.orders.get(order.id).state == "awaiting_payment"
    card = shop.payments.authorise(order.id, eur("25.00"), "4242424242424242", key="pay-card")
    assert shop.orders.get(order.id).state == "ready_to_fulfil"
    shop.payments.capture(gift.id, key="cap-gift")
    shop.payments.capture(card.id, key="cap-card")
    assert shop.orders.get(order.id).payment_status is ok.PaymentStatus.PAID
    assert ledger(shop) == [
        ("issue", "15.00 EUR", "15.00 EUR"),
        ("hold", "15.00 EUR", "0.00 EUR"),
        ("capture", "15.00 EUR", "0.00 EUR"),
    ]


def test_declines_leave_the_balance_alone(shop: ok.Shop, clock: ok.ManualClock) -> None:
    shop.store_credit.issue(
        "GIFT-1", eur("10.00"), key="sale-1", expires_at=T0 + timedelta(days=30)
    )
    order = shop.orders.place("ana@example.com", [("TEE", 2)])
    for key, source, code in (
        ("too-much", "GIFT-1", "insufficient_funds"),
        ("unknown", "GIFT-9", "unknown_account"),
    ):
        with pytest.raises(PaymentDeclined) as refused:
            shop.payments.authorise(
                order.id,
                eur("40.00"),
                source,
                key=key,
                gateway="store_credit",
                method="store_credit",
            )
        assert refused.value.code == code
    clock.advance(timedelta(days=30))
    with pytest.raises(PaymentDeclined) as expired:
        pay_with_credit(shop, order, "5.00", "late")
    assert expired.value.code == "expired_card"
    assert shop.store_credit.balance("GIFT-1") == eur("10.00")
    assert ledger(shop) == [("issue", "10.00 EUR", "10.00 EUR")]


def test_voids_final_captures_and_refunds_give_credit_back(shop: ok.Shop) -> None:
    shop.store_credit.issue("GIFT-1", eur("50.00"), key="sale-1")
    order = shop.orders.place("ana@example.com", [("TEE", 2)])
    voided = shop.payments.void(pay_with_credit(shop, order, "40.00", "a-1").id, key="v-1")
    assert voided.state is PaymentState.VOIDED
    assert shop.store_credit.balance("GIFT-1") == eur("50.00")

    payment = pay_with_credit(shop, order, "40.00", "a-2")
    payment = shop.payments.capture(payment.id, eur("30.00"), key="c-1", final=True)
    assert (payment.captured, payment.released) == (eur("30.00"), eur("10.00"))
    assert shop.store_credit.balance("GIFT-1") == eur("20.00")
    payment = shop.payments.refund(payment.id, eur("12.50"), key="r-1")
    assert shop.store_credit.balance("GIFT-1") == eur("32.50")
    with pytest.raises(InvalidAmount):  # only 17.50 is left to refund
        shop.payments.refund(payment.id, eur("20.00"), key="r-2")
    assert shop.store_credit.balance("GIFT-1") == eur("32.50")
    kinds = [kind for kind, _, _ in ledger(shop)]
    assert kinds == ["issue", "hold", "release", "hold", "capture", "release", "refund"]
    assert all(entry.balance_after.amount >= 0 for entry in shop.store_credit.entries("GIFT-1"))
    assert CreditEntryKind.REFUND.sign == 1


def test_a_shop_without_card_gateways_still_names_store_credit(store_url: str | None) -> None:
    with ok.Shop.open(store_url) as shop:
        assert shop.payments.gateway("store_credit").name == "store_credit"
        with pytest.raises(ValidationError):
            shop.payments.gateway("paypal")
