"""shop.payments on every store, against the test card gateway's behaviours."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

import orderkit as ok
from orderkit.adapters.gateways import CashOnDeliveryGateway, TestCardGateway
from orderkit.errors import (
    ConfigurationError,
    IdempotencyConflict,
    InvalidAmount,
    PaymentDeclined,
    PaymentError,
    PaymentNotFound,
    ValidationError,
    WebhookRejected,
)
from orderkit.payments import GatewayResult, GatewayTimeout, PaymentState
from tests.builders import BERLIN, T0

APPROVE = "4242424242424242"


class LosesAnswers(TestCardGateway):
    """A provider that processes captures and refunds but whose answers get lost once each."""

    name = "test_cards_lossy"

    def __init__(self) -> None:
        super().__init__()
        self.lost: set[str] = set()

    def _lose_once(self, operation: str, key: str, result: GatewayResult) -> GatewayResult:
        if key not in self.lost:
            self.lost.add(key)
            raise GatewayTimeout(operation, key)
        return result

    def capture(self, reference: str, amount: ok.Money, *, key: str, final: bool) -> GatewayResult:
        result = super().capture(reference, amount, key=key, final=final)
        return self._lose_once("capture", key, result)

    def refund(self, reference: str, amount: ok.Money, *, key: str) -> GatewayResult:
        result = super().refund(reference, amount, key=key)
        return self._lose_once("refund", key, result)


@pytest.fixture
def gateway() -> TestCardGateway:
    return TestCardGateway()


@pytest.fixture
def shop(store_url: str | None, gateway: TestCardGateway) -> Iterator[ok.Shop]:
    with ok.Shop.open(
        store_url, clock=ok.ManualClock(T0), seed=4, gateways=[gateway, LosesAnswers()]
    ) as opened:
        opened.catalog.add(ok.Product(sku="TEE", name="T-shirt", price=ok.Money("20.00", "EUR")))
        opened.customers.register("ana@example.com", "Ana", addresses=[BERLIN])
        yield opened


@pytest.fixture
def order(shop: ok.Shop) -> ok.Order:
    return shop.orders.place("ana@example.com", [("TEE", 2)])  # 40.00 EUR


def eur(amount: str) -> ok.Money:
    return ok.Money(amount, "EUR")


def everything(shop: ok.Shop) -> tuple[object, ...]:
    orders = shop.orders.list()
    payments = [
        [(p.id, p.state, p.captured, p.refunded, p.pending, p.exchanges) for p in found]
        for found in (shop.payments.for_order(order.id) for order in orders)
    ]
    return (orders, payments, shop.events.pending(limit=10_000))


def test_authorise_capture_in_parts_and_refund(shop: ok.Shop, order: ok.Order) -> None:
    payment = shop.payments.authorise(order.id, order.grand_total, APPROVE, key="auth-1")
    assert (payment.state, payment.authorised) == (PaymentState.AUTHORISED, eur("40.00"))
    assert shop.orders.get(order.id).payment_status is ok.PaymentStatus.AUTHORISED

    payment = shop.payments.capture(payment.id, eur("25.00"), key="cap-1")
    assert payment.state is PaymentState.PARTIALLY_CAPTURED
    assert shop.orders.get(order.id).payment_status is ok.PaymentStatus.PARTIALLY_PAID
    payment = shop.payments.capture(payment.id, key="cap-2")  # the rest
    assert (payment.state, payment.captured) == (PaymentState.CAPTURED, eur("40.00"))
    assert shop.orders.get(order.id).payment_status is ok.PaymentStatus.PAID

    payment = shop.payments.refund(payment.id, eur("15.00"), key="ref-1")
    assert (payment.state, payment.refunded) == (PaymentState.PARTIALLY_REFUNDED, eur("15.00"))
    stored = shop.orders.get(order.id)
    assert (stored.captured, stored.refunded) == (eur("40.00"), eur("15.00"))
    assert stored.payment_status is ok.PaymentStatus.PARTIALLY_REFUNDED
    assert [(e.operation, e.outcome) for e in payment.exchanges] == [
        ("authorise", "approved"),
        ("capture", "approved"),
        ("capture", "approved"),
        ("refund", "approved"),
    ]
    kinds = [type(e).__name__ for e in shop.events.pending(limit=100)]
    assert kinds[-4:] == [
        "PaymentAuthorised",
        "PaymentCaptured",
        "PaymentCaptured",
        "PaymentRefunded",
    ]


def test_payments_and_refunds_of_many_orders_come_in_one_read(
    shop: ok.Shop, order: ok.Order
) -> None:
    other = shop.orders.place("ana@example.com", [("TEE", 1)])
    payment = shop.payments.authorise(order.id, order.grand_total, APPROVE, key="auth-1")
    shop.payments.capture(payment.id, key="cap-1")
    shop.payments.refund_order(order.number, key="ref-1", amount=eur("5.00"))
    payments = shop.payments.for_orders([order.id, other.number])
    assert {key: [(p.id, p.version) for p in found] for key, found in payments.items()} == {
        order.id: [(p.id, p.version) for p in shop.payments.for_order(order.id)],
        other.id: [],
    }
    refunds = shop.payments.refunds_for_orders([order.number, other.id])
    assert {key: [r.id for r in found] for key, found in refunds.items()} == {
        order.id: [r.id for r in shop.payments.refunds(order.id)],
        other.id: [],
    }
    assert len(refunds[order.id]) == 1
    with pytest.raises(ok.errors.OrderNotFound):
        shop.payments.for_orders([order.id, "NO-SUCH-ORDER"])


def test_a_final_capture_gives_back_the_rest(shop: ok.Shop, order: ok.Order) -> None:
    payment = shop.payments.authorise(order.id, order.grand_total, APPROVE, key="auth-1")
    payment = shop.payments.capture(payment.id, eur("30.00"), key="cap-1", final=True)
    assert (payment.state, payment.released) == (PaymentState.CAPTURED, eur("10.00"))
    with pytest.raises(PaymentError):
        shop.payments.capture(payment.id, eur("1.00"), key="cap-2")
    assert shop.orders.get(order.id).authorised == eur("30.00")


@pytest.mark.parametrize(
    ("card", "code"),
    [
        ("4000000000000002", "card_declined"),
        ("4000000000009995", "insufficient_funds"),
        ("4000000000000069", "expired_card"),
        ("4000000000000119", "processing_error"),
        ("1234", "invalid_number"),
    ],
)
def test_a_refusal_is_stored_and_raised_again_on_retry(
    shop: ok.Shop, order: ok.Order, gateway: TestCardGateway, card: str, code: str
) -> None:
    with pytest.raises(PaymentDeclined) as refused:
        shop.payments.authorise(order.id, order.grand_total, card, key="auth-1")
    assert refused.value.code == code
    payment = shop.payments.get(refused.value.payment_id)
    assert payment.state is PaymentState.FAILED
    assert payment.exchanges[-1].code == code
    calls = gateway.calls
    with pytest.raises(PaymentDeclined):  # the first answer stands; the gateway is not asked
        shop.payments.authorise(order.id, order.grand_total, card, key="auth-1")
    assert gateway.calls == calls
    assert shop.orders.get(order.id).payment_status is ok.PaymentStatus.UNPAID


def test_three_d_secure_then_resolve(
    shop: ok.Shop, order: ok.Order, gateway: TestCardGateway
) -> None:
    payment = shop.payments.authorise(order.id, order.grand_total, "4000000000003220", key="a")
    assert payment.state is PaymentState.REQUIRES_ACTION
    assert payment.action_url is not None
    assert shop.payments.resolve(payment.id).state is PaymentState.REQUIRES_ACTION  # not yet
    assert payment.reference is not None
    gateway.complete_action(payment.reference, approve=True)
    assert shop.payments.resolve(payment.id).state is PaymentState.AUTHORISED

    second = shop.orders.place("ana@example.com", [("TEE", 1)])
    other = shop.payments.authorise(second.id, second.grand_total, "4000000000003220", key="b")
    assert other.reference is not None
    gateway.complete_action(other.reference, approve=False)
    assert shop.payments.resolve(other.id).state is PaymentState.FAILED


def test_a_wallet_redirect_then_resolve(
    shop: ok.Shop, order: ok.Order, gateway: TestCardGateway
) -> None:
    payment = shop.payments.authorise(
        order.id, order.grand_total, "wallet", key="w-1", method="wallet"
    )
    assert (payment.state, payment.method) == (PaymentState.REQUIRES_ACTION, "wallet")
    assert (payment.action_url or "").startswith("https://test-wallet.invalid/approve/")
    assert payment.reference is not None
    gateway.complete_action(payment.reference, approve=True)
    approved = shop.payments.resolve(payment.id)
    assert (approved.state, approved.authorised) == (PaymentState.AUTHORISED, order.grand_total)
    assert approved.action_url is None


def test_a_timeout_after_charging_is_resolved_without_charging_twice(
    shop: ok.Shop, order: ok.Order, gateway: TestCardGateway
) -> None:
    card = "4000000000000259"
    payment = shop.payments.authorise(order.id, order.grand_total, card, key="auth-1")
    assert payment.state is PaymentState.PENDING
    assert payment.exchanges[-1].outcome == "unknown"
    again = shop.payments.authorise(order.id, order.grand_total, card, key="auth-1")
    assert (again.id, again.state) == (payment.id, PaymentState.AUTHORISED)
    assert again.reference is not None
    assert gateway.holds(again.reference)[0] == eur("40.00")  # one authorisation, not two
    assert shop.payments.resolve(payment.id).state is PaymentState.AUTHORISED


def test_a_timeout_before_charging_resolves_to_failed(shop: ok.Shop, order: ok.Order) -> None:
    payment = shop.payments.authorise(order.id, order.grand_total, "4000000000000341", key="a")
    assert payment.state is PaymentState.PENDING
    assert shop.payments.resolve(payment.id).state is PaymentState.FAILED


def test_a_lost_capture_answer_stays_pending_until_resolved(shop: ok.Shop, order: ok.Order) -> None:
    payment = shop.payments.authorise(
        order.id, order.grand_total, APPROVE, key="auth-1", gateway="test_cards_lossy"
    )
    payment = shop.payments.capture(payment.id, eur("40.00"), key="cap-1")
    assert payment.state is PaymentState.AUTHORISED
    assert [p.key for p in payment.pending] == ["cap-1"]
    with pytest.raises(InvalidAmount):  # the pending capture counts against the bound
        shop.payments.capture(payment.id, eur("1.00"), key="cap-2")
    payment = shop.payments.resolve(payment.id)
    assert (payment.state, payment.captured, payment.pending) == (
        PaymentState.CAPTURED,
        eur("40.00"),
        [],
    )


def test_a_retry_of_a_lost_refund_refunds_once(shop: ok.Shop, order: ok.Order) -> None:
    payment = shop.payments.authorise(
        order.id, order.grand_total, APPROVE, key="auth-1", gateway="test_cards_lossy"
    )
    shop.payments.capture(payment.id, key="cap-1")
    shop.payments.resolve(payment.id)
    first = shop.payments.refund(payment.id, eur("10.00"), key="ref-1")
    assert first.refunded == eur("0.00")  # the answer was lost
    again = shop.payments.refund(payment.id, eur("10.00"), key="ref-1")
    assert (again.refunded, again.pending) == (eur("10.00"), [])
    assert shop.orders.get(order.id).refunded == eur("10.00")


def test_a_key_reused_for_another_request_is_refused_and_changes_nothing(
    shop: ok.Shop, order: ok.Order
) -> None:
    payment = shop.payments.authorise(order.id, order.grand_total, APPROVE, key="auth-1")
    shop.payments.capture(payment.id, eur("10.00"), key="cap-1")
    before = everything(shop)
    with pytest.raises(IdempotencyConflict) as conflict:
        shop.payments.authorise(order.id, eur("39.00"), APPROVE, key="auth-1")
    assert conflict.value.key == "auth-1"
    with pytest.raises(IdempotencyConflict):
        shop.payments.capture(payment.id, eur("11.00"), key="cap-1")
    with pytest.raises(IdempotencyConflict):
        shop.payments.refund(payment.id, eur("10.00"), key="cap-1")
    assert everything(shop) == before
    same = shop.payments.capture(payment.id, eur("10.00"), key="cap-1")
    assert same.captured == eur("10.00")  # the first result, not a second capture


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda s, o, p: s.payments.authorise(o.id, o.grand_total, APPROVE, key=""), "key"),
        (lambda s, o, p: s.payments.authorise(o.id, o.grand_total, 42, key="k"), "source"),
        (lambda s, o, p: s.payments.authorise(o.id, 40.0, APPROVE, key="k"), "amount"),
        (lambda s, o, p: s.payments.authorise(o.id, eur("0"), APPROVE, key="k"), "amount"),
        (
            lambda s, o, p: s.payments.authorise(
                o.id, o.grand_total, APPROVE, key="k", gateway="x"
            ),
            "gateway",
        ),
        (lambda s, o, p: s.payments.capture(p.id, eur("41.00"), key="k"), "amount"),
        (lambda s, o, p: s.payments.capture(p.id, eur("-1.00"), key="k"), "amount"),
        (lambda s, o, p: s.payments.capture(p.id, 5, key="k"), "amount"),
        (lambda s, o, p: s.payments.capture(p.id, key="k", final="yes"), "final"),
        (lambda s, o, p: s.payments.refund(p.id, "5", key="k"), "amount"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(
    shop: ok.Shop, order: ok.Order, call: object, field: str
) -> None:
    payment = shop.payments.authorise(order.id, order.grand_total, APPROVE, key="auth-1")
    before = everything(shop)
    with pytest.raises(ValidationError) as raised:
        call(shop, order, payment)  # type: ignore[operator]
    assert raised.value.field == field
    assert everything(shop) == before


def test_refusals_of_the_rules_change_nothing(shop: ok.Shop, order: ok.Order) -> None:
    payment = shop.payments.authorise(order.id, order.grand_total, APPROVE, key="auth-1")
    before = everything(shop)
    with pytest.raises(PaymentError):
        shop.payments.refund(payment.id, eur("1.00"), key="ref-1")  # nothing captured
    with pytest.raises(ok.errors.CurrencyMismatch):
        shop.payments.authorise(order.id, ok.Money("40.00", "USD"), APPROVE, key="auth-2")
    with pytest.raises(PaymentNotFound):
        shop.payments.capture("NOPE", key="cap-1")
    assert everything(shop) == before
    voided = shop.payments.void(payment.id, key="void-1")
    assert (voided.state, voided.released) == (PaymentState.VOIDED, eur("40.00"))
    with pytest.raises(PaymentError):
        shop.payments.capture(payment.id, key="cap-2")
    assert shop.orders.get(order.id).payment_status is ok.PaymentStatus.UNPAID


def test_uncaptured_authorisations_expire_after_their_window(
    shop: ok.Shop, order: ok.Order
) -> None:
    payment = shop.payments.authorise(order.id, eur("39.00"), APPROVE, key="auth-1")
    captured = shop.payments.authorise(order.id, eur("1.00"), APPROVE, key="auth-2")
    shop.payments.capture(captured.id, key="cap-2")
    clock = shop.clock
    assert isinstance(clock, ok.ManualClock)
    clock.advance(timedelta(days=6))
    assert shop.payments.expire_due() == []
    clock.advance(timedelta(days=1))
    before = everything(shop)
    with pytest.raises(ValidationError):
        shop.payments.expire_due(limit=0)
    assert everything(shop) == before
    (expired,) = shop.payments.expire_due()
    assert (expired.id, expired.state, expired.released) == (
        payment.id,
        PaymentState.EXPIRED,
        eur("39.00"),
    )
    assert shop.orders.get(order.id).authorised == eur("1.00")  # only the captured one is left
    assert type(shop.events.pending(limit=100)[-1]).__name__ == "PaymentExpired"
    with pytest.raises(PaymentError):
        shop.payments.capture(payment.id, key="cap-1")
    assert shop.payments.expire_due() == []


def test_split_tender_adds_up_on_the_order(shop: ok.Shop, order: ok.Order) -> None:
    first = shop.payments.authorise(
        order.id, eur("15.00"), APPROVE, key="a-1", method="store_credit"
    )
    second = shop.payments.authorise(order.id, eur("25.00"), APPROVE, key="a-2")
    shop.payments.capture(first.id, key="c-1")
    shop.payments.capture(second.id, key="c-2")
    stored = shop.orders.get(order.id)
    assert (stored.captured, stored.payment_status) == (eur("40.00"), ok.PaymentStatus.PAID)
    assert [p.method for p in shop.payments.for_order(order.number)] == ["store_credit", "card"]


def test_a_shop_without_gateways_says_so(store_url: str | None) -> None:
    with ok.Shop.open(store_url) as shop, pytest.raises(ConfigurationError, match="gateways"):
        shop.payments.authorise("O1", eur("1.00"), APPROVE, key="k")


def test_gateways_must_be_gateways_with_distinct_names() -> None:
    with pytest.raises(ConfigurationError):
        ok.Shop.open(gateways=[object()])  # type: ignore[list-item]
    with pytest.raises(ConfigurationError):
        ok.Shop.open(gateways=[TestCardGateway(), TestCardGateway()])


def test_a_webhook_settles_a_lost_authorisation_once(
    shop: ok.Shop, order: ok.Order, gateway: TestCardGateway
) -> None:
    payment = shop.payments.authorise(order.id, order.grand_total, "4000000000000259", key="a-1")
    assert payment.state is PaymentState.PENDING
    signature, body = gateway.notification("a-1", T0, event_id="evt_1")
    settled = shop.payments.notify("test_cards", signature, body)
    assert settled is not None
    assert settled.state is PaymentState.AUTHORISED
    again = shop.payments.notify("test_cards", signature, body)  # delivered twice
    assert again is not None
    assert again.exchanges == settled.exchanges
    authorised = [e for e in shop.events.pending(limit=100) if isinstance(e, ok.PaymentAuthorised)]
    assert len(authorised) == 1


def test_a_late_processing_webhook_never_overrides_success(
    shop: ok.Shop, order: ok.Order, gateway: TestCardGateway
) -> None:
    payment = shop.payments.authorise(order.id, order.grand_total, APPROVE, key="a-1")
    signature, body = gateway.notification("a-1", T0, outcome=ok.GatewayOutcome.PENDING)
    late = shop.payments.notify("test_cards", signature, body)
    assert late is not None
    assert (late.state, late.exchanges) == (PaymentState.AUTHORISED, payment.exchanges)


def test_a_webhook_books_a_capture_whose_answer_was_lost(shop: ok.Shop, order: ok.Order) -> None:
    payment = shop.payments.authorise(
        order.id, order.grand_total, APPROVE, key="a-1", gateway="test_cards_lossy"
    )
    payment = shop.payments.capture(payment.id, key="cap-1")
    assert [p.key for p in payment.pending] == ["cap-1"]
    lossy = shop.payments.gateway("test_cards_lossy")  # the provider's side of the test
    assert isinstance(lossy, TestCardGateway)
    booked = shop.payments.notify("test_cards_lossy", *lossy.notification("cap-1", T0))
    assert booked is not None
    assert (booked.state, booked.captured, booked.pending) == (
        PaymentState.CAPTURED,
        eur("40.00"),
        [],
    )


def test_forged_stale_and_unknown_webhooks_change_nothing(
    shop: ok.Shop, order: ok.Order, gateway: TestCardGateway
) -> None:
    shop.payments.authorise(order.id, order.grand_total, "4000000000000259", key="a-1")
    signature, body = gateway.notification("a-1", T0)
    before = everything(shop)
    forged = body.replace(b'"approved"', b'"declined"')
    for bad in (
        lambda: shop.payments.notify("test_cards", signature, forged),
        lambda: shop.payments.notify("test_cards", "t=1,v1=00", body),
        lambda: shop.payments.notify(
            "test_cards", *gateway.notification("a-1", T0 - timedelta(minutes=6))
        ),
        lambda: shop.payments.notify("test_cards", signature, b"not json"),
    ):
        with pytest.raises(WebhookRejected):
            bad()
    assert shop.payments.notify("test_cards", *gateway.notification("nobody-sent-this", T0)) is None
    assert everything(shop) == before


def test_webhooks_signed_with_a_rotated_out_secret_still_count(store_url: str | None) -> None:
    new, old = "whsec_2026_new_secret", "whsec_2025_old_secret"
    provider = TestCardGateway(webhook_secrets=[old])  # the provider still signs with the old one
    ours = TestCardGateway(webhook_secrets=[new, old])
    with ok.Shop.open(store_url, clock=ok.ManualClock(T0), gateways=[ours]) as shop:
        shop.catalog.add(ok.Product(sku="TEE", name="T", price=ok.Money("20.00", "EUR")))
        shop.customers.register("ana@example.com", "Ana", addresses=[BERLIN])
        order = shop.orders.place("ana@example.com", [("TEE", 1)])
        payment = shop.payments.authorise(order.id, order.grand_total, "4000000000000259", key="k")
        _, body = ours.notification("k", T0)
        settled = shop.payments.notify("test_cards", provider.webhooks.sign(body, T0), body)
        assert settled is not None
        assert (settled.id, settled.state) == (payment.id, PaymentState.AUTHORISED)


def test_an_order_waiting_for_payment_moves_on_once_payments_cover_it(
    shop: ok.Shop, order: ok.Order
) -> None:
    shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN))
    shop.inventory.receive("TEE", "BER", 10)
    waiting = shop.orders.confirm(order.id, actor="clerk")
    assert waiting.state == "awaiting_payment"
    shop.payments.authorise(order.id, eur("15.00"), APPROVE, key="a-1", method="store_credit")
    assert shop.orders.get(order.id).state == "awaiting_payment"  # 15.00 of 40.00
    shop.payments.authorise(order.id, eur("25.00"), APPROVE, key="a-2")
    ready = shop.orders.get(order.id)
    assert ready.state == "ready_to_fulfil"
    last = ready.history[-1]
    assert (last.command, last.actor) == ("secure_payment", "system:payments")
    transitions = [e for e in shop.events.pending(limit=100) if isinstance(e, ok.OrderTransitioned)]
    assert transitions[-1].command == "secure_payment"
    assert ready.captured == eur("0.00")  # authorised, not taken: capture comes at shipping


@pytest.mark.parametrize(
    ("policy", "state"),
    [("hold", "on_hold"), ("cancel", "cancelled"), ("wait", "awaiting_payment")],
)
def test_a_failed_payment_holds_cancels_or_waits_per_policy(
    store_url: str | None, policy: str, state: str
) -> None:
    with ok.Shop.open(
        store_url,
        clock=ok.ManualClock(T0),
        gateways=[TestCardGateway()],
        order_policy=ok.OrderPolicy(on_payment_failure=policy),
    ) as shop:
        shop.catalog.add(ok.Product(sku="TEE", name="T", price=ok.Money("20.00", "EUR")))
        shop.customers.register("ana@example.com", "Ana", addresses=[BERLIN])
        shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN))
        shop.inventory.receive("TEE", "BER", 10)
        order = shop.orders.place("ana@example.com", [("TEE", 2)])
        shop.orders.confirm(order.id, actor="clerk")
        with pytest.raises(PaymentDeclined):
            shop.payments.authorise(order.id, eur("40.00"), "4000000000009995", key="a-1")
        after = shop.orders.get(order.id)
        assert after.state == state
        if policy != "wait":
            assert after.history[-1].actor == "system:payments"
            assert "insufficient_funds" in (after.history[-1].reason or "")
        reserved = shop.inventory.level("TEE", "BER").reserved
        assert reserved == (0 if policy == "cancel" else 2)


def test_the_payment_failure_policy_is_checked() -> None:
    with pytest.raises(ConfigurationError) as raised:
        ok.OrderPolicy(on_payment_failure="shrug")
    assert raised.value.setting == "on_payment_failure"


def test_cash_on_delivery_is_captured_when_the_courier_confirms(store_url: str | None) -> None:
    cash = CashOnDeliveryGateway()
    with ok.Shop.open(
        store_url, clock=ok.ManualClock(T0), gateways=[TestCardGateway(), cash]
    ) as shop:
        shop.catalog.add(ok.Product(sku="TEE", name="T", price=ok.Money("20.00", "EUR")))
        shop.customers.register("ana@example.com", "Ana", addresses=[BERLIN])
        shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN))
        shop.inventory.receive("TEE", "BER", 10)
        order = shop.orders.place(
            "ana@example.com", [("TEE", 2)], payment_method="cash_on_delivery"
        )
        with pytest.raises(PaymentError):  # nothing to collect yet
            shop.payments.cash_collected(order.number, key="delivery-1")
        shop.payments.authorise(
            order.id,
            order.grand_total,
            "cash",
            key="cod-1",
            gateway="cash_on_delivery",
            method="cash_on_delivery",
        )
        order = shop.orders.confirm(order.id, actor="clerk")
        assert order.state == "ready_to_fulfil"  # fulfilled unpaid
        for command in ("start_picking", "pack", "ship", "deliver"):
            order = shop.orders.apply(order.id, command, actor="warehouse")
        assert order.payment_status is ok.PaymentStatus.AUTHORISED
        (collected,) = shop.payments.cash_collected(order.number, key="delivery-1")
        assert (collected.state, collected.captured) == (PaymentState.CAPTURED, eur("40.00"))
        again = shop.payments.cash_collected(order.number, key="delivery-1")
        assert [p.exchanges for p in again] == [collected.exchanges]  # once
        assert shop.orders.get(order.id).payment_status is ok.PaymentStatus.PAID
        refunded = shop.payments.refund(collected.id, eur("5.00"), key="goodwill")
        assert refunded.refunded == eur("5.00")
        with pytest.raises(WebhookRejected):
            shop.payments.notify("cash_on_delivery", "t=1,v1=00", b"{}")


def test_the_reconciliation_lists_what_does_not_match(store_url: str | None) -> None:
    clock = ok.ManualClock(T0)
    with ok.Shop.open(
        store_url, clock=clock, gateways=[TestCardGateway(), CashOnDeliveryGateway()]
    ) as shop:
        shop.catalog.add(ok.Product(sku="TEE", name="T", price=ok.Money("20.00", "EUR")))
        shop.customers.register("ana@example.com", "Ana", addresses=[BERLIN])
        shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN))
        shop.inventory.receive("TEE", "BER", 10)

        paid_early = shop.orders.place("ana@example.com", [("TEE", 1)])
        payment = shop.payments.authorise(paid_early.id, eur("20.00"), APPROVE, key="p-1")
        shop.payments.capture(payment.id, key="p-1-cap")

        cod = shop.orders.place("ana@example.com", [("TEE", 1)], payment_method="cash_on_delivery")
        shop.orders.confirm(cod.id, actor="clerk")
        for command in ("start_picking", "pack", "ship"):
            shop.orders.apply(cod.id, command, actor="warehouse")

        clock.advance(timedelta(days=4))
        paid_late = shop.orders.place("ana@example.com", [("TEE", 1)])
        late = shop.payments.authorise(paid_late.id, eur("20.00"), APPROVE, key="p-2")
        shop.payments.capture(late.id, key="p-2-cap")
        lapsing = shop.orders.place("ana@example.com", [("TEE", 1)])
        held = shop.payments.authorise(lapsing.id, eur("20.00"), APPROVE, key="p-3")

        clock.advance(timedelta(days=6, hours=12))  # p-3's week ends in half a day
        report = shop.payments.reconciliation(unshipped_after=timedelta(days=6))
        assert report.shipped_unpaid == (cod.number,)
        assert report.captured_unshipped == (paid_early.number, paid_late.number)
        assert [p.id for p in report.expiring] == [held.id]
        assert "shipped but not paid: 2" in report.render()
        patient = shop.payments.reconciliation(unshipped_after=timedelta(days=8))
        assert patient.captured_unshipped == (paid_early.number,)  # the late one has time
        # Past the limit, the most recent orders are the ones listed.
        assert shop.payments.reconciliation(limit=1).captured_unshipped == (paid_late.number,)
        with pytest.raises(ValidationError):
            shop.payments.reconciliation(unshipped_after=timedelta(days=-1))
        with pytest.raises(ValidationError):
            shop.payments.reconciliation(limit=0)
