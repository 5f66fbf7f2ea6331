"""Verification checks around authorisation and capture, on every store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import orderkit as ok
from orderkit.adapters.gateways import TestCardGateway
from orderkit.errors import PaymentDeclined, PaymentError, PaymentUnderReview
from orderkit.payments import PaymentState, Verdict, VerificationStage
from orderkit.payments.checks import (
    BlockList,
    CardVerification,
    CountryMismatch,
    FirstOrderOver,
    Velocity,
)
from tests.builders import BERLIN, PARIS, T0, snapshot

APPROVE = "4242424242424242"
CVC_MISMATCH = "4000000000000101"
CHECKS = ok.VerificationPipeline(
    [BlockList(emails={"mallory@example.com"}), CountryMismatch(), CardVerification()]
)


def eur(amount: str) -> ok.Money:
    return ok.Money(amount, "EUR")


@pytest.fixture
def gateway() -> TestCardGateway:
    return TestCardGateway()


def open_shop(store_url: str | None, gateway: TestCardGateway, policy: str = "hold") -> ok.Shop:
    shop = ok.Shop.open(
        store_url,
        clock=ok.ManualClock(T0),
        seed=8,
        gateways=[gateway],
        verification=CHECKS,
        order_policy=ok.OrderPolicy(on_payment_failure=policy),
    )
    shop.catalog.add(ok.Product(sku="TEE", name="T-shirt", price=eur("20.00")))
    shop.customers.register("ana@example.com", "Ana", addresses=[BERLIN])
    shop.customers.register("mallory@example.com", "Mallory", addresses=[BERLIN])
    shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN))
    shop.inventory.receive("TEE", "BER", 10)
    return shop


@pytest.fixture
def shop(store_url: str | None, gateway: TestCardGateway) -> Iterator[ok.Shop]:
    with open_shop(store_url, gateway) as opened:
        yield opened


def waiting_order(shop: ok.Shop, email: str = "ana@example.com", **kwargs: object) -> ok.Order:
    order = shop.orders.place(email, [("TEE", 2)], **kwargs)  # type: ignore[arg-type]
    return shop.orders.confirm(order.id, actor="clerk")


def test_a_rejected_payment_never_reaches_the_gateway(
    shop: ok.Shop, gateway: TestCardGateway
) -> None:
    order = waiting_order(shop, "mallory@example.com")
    with pytest.raises(PaymentDeclined) as refused:
        shop.payments.authorise(order.id, eur("40.00"), APPROVE, key="a-1")
    assert refused.value.code == "verification_rejected"
    assert "email mallory@example.com is blocked" in str(refused.value)
    assert gateway.calls == 0
    (payment,) = shop.payments.for_order(order.id)
    assert payment.state is PaymentState.FAILED
    (decision,) = payment.decisions
    assert (decision.stage, decision.verdict) == (VerificationStage.AUTHORISE, Verdict.REJECT)
    assert [o.check for o in decision.outcomes] == ["block_list"]
    held = shop.orders.get(order.id)
    assert held.state == "on_hold"
    assert (held.history[-1].reason or "").startswith("fraud_review: payment")
    failed = [e for e in shop.events.pending(limit=100) if isinstance(e, ok.PaymentFailed)]
    assert failed[-1].code == "verification_rejected"

    before = snapshot(shop)
    with pytest.raises(PaymentDeclined):  # the retry gets the same answer, still no gateway
        shop.payments.authorise(order.id, eur("40.00"), APPROVE, key="a-1")
    assert gateway.calls == 0
    assert snapshot(shop) == before


def test_a_rejected_payment_cancels_the_order_when_the_policy_says_so(
    store_url: str | None, gateway: TestCardGateway
) -> None:
    with open_shop(store_url, gateway, policy="cancel") as shop:
        order = waiting_order(shop, "mallory@example.com")
        with pytest.raises(PaymentDeclined):
            shop.payments.authorise(order.id, eur("40.00"), APPROVE, key="a-1")
        assert shop.orders.get(order.id).state == "cancelled"
        assert shop.inventory.level("TEE", "BER").reserved == 0


def test_a_review_authorises_holds_the_order_and_blocks_capture_until_cleared(
    shop: ok.Shop, gateway: TestCardGateway
) -> None:
    order = waiting_order(shop, bill_to=PARIS)
    payment = shop.payments.authorise(order.id, eur("40.00"), APPROVE, key="a-1")
    assert payment.state is PaymentState.AUTHORISED
    assert payment.under_review
    held = shop.orders.get(order.id)
    assert held.state == "on_hold"
    assert "billing country FR is not shipping country DE" in (held.history[-1].reason or "")

    before = snapshot(shop)
    calls = gateway.calls
    with pytest.raises(PaymentUnderReview) as review:
        shop.payments.capture(payment.id, key="c-1")
    assert review.value.reasons == ("billing country FR is not shipping country DE",)
    assert gateway.calls == calls
    after = snapshot(shop)
    assert after.orders == before.orders  # the order was already held: nothing more to do
    assert shop.payments.get(payment.id).captured == eur("0.00")

    cleared = shop.payments.approve_review(payment.id, actor="risk-team", note="known customer")
    assert not cleared.under_review
    assert cleared.cleared_by_person
    manual = cleared.decisions[-1]
    assert (manual.stage, manual.verdict, manual.actor) == (
        VerificationStage.MANUAL,
        Verdict.APPROVE,
        "risk-team",
    )
    ready = shop.orders.get(order.id)
    assert ready.state == "ready_to_fulfil"
    assert [entry.command for entry in ready.history[-2:]] == ["release", "secure_payment"]

    captured = shop.payments.capture(payment.id, key="c-1")  # the refused key is free
    assert captured.state is PaymentState.CAPTURED
    again = captured.decisions[-1]
    assert (again.stage, again.verdict) == (VerificationStage.CAPTURE, Verdict.REVIEW)
    assert not captured.under_review  # the person's approval answers it


def test_reject_review_voids_the_authorisation(
    store_url: str | None, gateway: TestCardGateway
) -> None:
    with open_shop(store_url, gateway, policy="cancel") as shop:
        order = waiting_order(shop, bill_to=PARIS)
        payment = shop.payments.authorise(order.id, eur("40.00"), APPROVE, key="a-1")
        rejected = shop.payments.reject_review(payment.id, actor="risk-team", key="v-1")
        assert rejected.state is PaymentState.VOIDED
        assert gateway.holds(rejected.reference or "")[0] == eur("40.00")
        assert shop.orders.get(order.id).state == "cancelled"
        with pytest.raises(PaymentError, match="not under review"):
            shop.payments.approve_review(payment.id, actor="risk-team")


def test_a_failed_card_code_refuses_the_capture(shop: ok.Shop, gateway: TestCardGateway) -> None:
    order = waiting_order(shop)
    payment = shop.payments.authorise(order.id, eur("40.00"), CVC_MISMATCH, key="a-1")
    assert payment.card_checks == {"avs": "match", "cvc": "mismatch"}
    assert shop.orders.get(order.id).state == "ready_to_fulfil"
    calls = gateway.calls
    with pytest.raises(PaymentDeclined) as refused:
        shop.payments.capture(payment.id, key="c-1")
    assert refused.value.code == "verification_rejected"
    assert gateway.calls == calls
    stored = shop.payments.get(payment.id)
    assert stored.captured == eur("0.00")
    assert not stored.pending
    assert stored.decisions[-1].reasons == ("the card code did not match",)
    assert shop.orders.get(order.id).state == "on_hold"


def test_approving_a_payment_not_under_review_changes_nothing(shop: ok.Shop) -> None:
    order = waiting_order(shop)
    payment = shop.payments.authorise(order.id, eur("40.00"), APPROVE, key="a-1")
    before = snapshot(shop)
    with pytest.raises(PaymentError, match="not under review"):
        shop.payments.approve_review(payment.id, actor="risk-team")
    assert snapshot(shop) == before


def test_velocity_and_first_order_count_what_the_store_holds(
    store_url: str | None, gateway: TestCardGateway
) -> None:
    checks = ok.VerificationPipeline(
        [Velocity(max_orders=2, max_attempts=3), FirstOrderOver(amount=eur("30.00"))],
        stages={VerificationStage.AUTHORISE},
    )
    with ok.Shop.open(
        store_url, clock=ok.ManualClock(T0), gateways=[gateway], verification=checks
    ) as shop:
        shop.catalog.add(ok.Product(sku="TEE", name="T-shirt", price=eur("20.00")))
        shop.customers.register("ana@example.com", "Ana", addresses=[BERLIN])
        first = shop.orders.place("ana@example.com", [("TEE", 2)])
        payment = shop.payments.authorise(first.id, eur("40.00"), APPROVE, key="a-1")
        assert payment.decisions[-1].reasons == (
            "first order of this customer, 40.00 EUR is above 30.00 EUR",
        )
        second = shop.orders.place("ana@example.com", [("TEE", 1)])
        for n in (2, 3):  # two declined attempts on the second order
            with pytest.raises(PaymentDeclined):
                shop.payments.authorise(second.id, eur("20.00"), "4000000000000002", key=f"a-{n}")
        fourth = shop.payments.authorise(second.id, eur("20.00"), APPROVE, key="a-4")
        assert fourth.decisions[-1].verdict is Verdict.REVIEW
        assert fourth.decisions[-1].reasons == ("4 payment attempts within 24 hours, more than 3",)


def test_one_card_across_customers_is_counted(
    store_url: str | None, gateway: TestCardGateway
) -> None:
    checks = ok.VerificationPipeline(
        [Velocity(max_orders=None, max_attempts=None, max_per_card=2)],
        stages={VerificationStage.AUTHORISE},
    )
    with ok.Shop.open(
        store_url, clock=ok.ManualClock(T0), gateways=[gateway], verification=checks
    ) as shop:
        shop.catalog.add(ok.Product(sku="TEE", name="T-shirt", price=eur("20.00")))
        signals = ok.PaymentSignals(card_fingerprint="fp_stolen")
        verdicts = []
        for n in range(3):
            email = f"buyer{n}@example.com"
            shop.customers.register(email, f"Buyer {n}", addresses=[BERLIN])
            order = shop.orders.place(email, [("TEE", 1)])
            payment = shop.payments.authorise(
                order.id, eur("20.00"), APPROVE, key=f"a-{n}", signals=signals
            )
            verdicts.append(payment.decisions[-1].verdict)
        assert verdicts == [Verdict.APPROVE, Verdict.APPROVE, Verdict.REVIEW]
