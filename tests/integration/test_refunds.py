"""Refunds of orders on every store: by lines, by amount, shipping, store credit, credit notes."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

import orderkit as ok
from orderkit.adapters.gateways import TestCardGateway
from orderkit.errors import (
    IdempotencyConflict,
    InvalidAmount,
    InvalidQuantity,
    ValidationError,
)
from orderkit.payments import GatewayOutcome, GatewayResult, GatewayTimeout, RefundState
from tests.builders import BERLIN, T0, snapshot

CARD = "4242424242424242"


def eur(amount: str) -> ok.Money:
    return ok.Money(amount, "EUR")


class RefusesRefunds(TestCardGateway):
    """A provider that authorises and captures but refuses every refund."""

    name = "stingy"

    def refund(self, reference: str, amount: ok.Money, *, key: str) -> GatewayResult:
        return GatewayResult(GatewayOutcome.DECLINED, reference, code="refund_not_allowed")


class SlowRefunds(TestCardGateway):
    """A provider whose first answer to each refund is lost."""

    name = "slow"

    def __init__(self) -> None:
        super().__init__()
        self.lost: set[str] = set()

    def refund(self, reference: str, amount: ok.Money, *, key: str) -> GatewayResult:
        result = super().refund(reference, amount, key=key)
        if key not in self.lost:
            self.lost.add(key)
            raise GatewayTimeout("refund", key)
        return result


class CreditNotes:
    """The documents hook: numbers credit notes and remembers what it was asked."""

    def __init__(self) -> None:
        self.issued: list[tuple[int, ok.Money]] = []
        self.fail_next = False

    def __call__(self, order: ok.Order, refund: ok.payments.Refund) -> str:
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("document service down")
        self.issued.append((order.number, refund.refunded))
        return f"CN-{len(self.issued):04d}"


@pytest.fixture
def notes() -> CreditNotes:
    return CreditNotes()


@pytest.fixture
def shop(store_url: str | None, notes: CreditNotes) -> Iterator[ok.Shop]:
    with ok.Shop.open(
        store_url,
        clock=ok.ManualClock(T0),
        seed=6,
        gateways=[TestCardGateway(), RefusesRefunds(), SlowRefunds()],
        credit_notes=notes,
        order_policy=ok.OrderPolicy(
            tax=ok.TaxRateTable({"DE": Decimal("0.19")}, prices_include_tax=False)
        ),
    ) as opened:
        opened.catalog.add(ok.Product(sku="TEE", name="T-shirt", price=eur("10.00")))
        opened.catalog.add(ok.Product(sku="CAP", name="Cap", price=eur("15.00")))
        opened.customers.register("ana@example.com", "Ana", addresses=[BERLIN])
        yield opened


def paid_order(shop: ok.Shop, gateway: str = "test_cards", **kwargs: object) -> ok.Order:
    order = shop.orders.place(
        "ana@example.com",
        [("TEE", 3), ("CAP", 1)],
        shipping=eur("4.90"),
        discount=eur("2.00"),
        **kwargs,  # type: ignore[arg-type]
    )
    payment = shop.payments.authorise(
        order.id, order.grand_total, CARD, key=f"a-{order.id}", gateway=gateway
    )
    shop.payments.capture(payment.id, key=f"c-{order.id}")
    return shop.orders.get(order.id)


def test_refunding_every_unit_and_the_shipping_pays_back_the_grand_total(
    shop: ok.Shop, notes: CreditNotes
) -> None:
    order = paid_order(shop)  # tax excluded, a discount spread, shipping taxed
    refunds = [
        shop.payments.refund_order(order.id, key="r-1", lines={"TEE": 1}),
        shop.payments.refund_order(order.id, key="r-2", lines={"TEE": 1, "CAP": 1}),
        shop.payments.refund_order(order.id, key="r-3", lines={"TEE": 1}, shipping=True),
    ]
    assert [refund.state for refund in refunds] == [RefundState.REFUNDED] * 3
    total = ok.Money.sum((refund.amount for refund in refunds), "EUR")
    assert total == order.grand_total
    assert refunds[2].shipping > eur("4.90")  # shipping with its tax
    stored = shop.orders.get(order.id)
    assert stored.refunded == order.grand_total
    assert stored.payment_status is ok.PaymentStatus.REFUNDED
    assert [refund.credit_note for refund in refunds] == ["CN-0001", "CN-0002", "CN-0003"]
    assert notes.issued == [(order.number, refund.amount) for refund in refunds]
    issued = [e for e in shop.events.pending(limit=200) if isinstance(e, ok.payments.RefundIssued)]
    assert [(e.amount, e.credit_note) for e in issued] == [
        (refund.amount, refund.credit_note) for refund in refunds
    ]


def test_refused_refunds_change_nothing(shop: ok.Shop) -> None:
    order = paid_order(shop)
    shop.payments.refund_order(order.id, key="r-1", lines={"TEE": 3})
    before = snapshot(shop)
    with pytest.raises(InvalidQuantity) as too_many:
        shop.payments.refund_order(order.id, key="r-2", lines={"TEE": 1})
    assert too_many.value.field == "lines[TEE]"
    with pytest.raises(ValidationError):
        shop.payments.refund_order(order.id, key="r-3", lines={"HAT": 1})
    with pytest.raises(ValidationError):
        shop.payments.refund_order(order.id, key="r-4", lines={"CAP": 1}, amount=eur("1.00"))
    with pytest.raises(InvalidAmount):
        shop.payments.refund_order(order.id, key="r-5", amount=eur("500.00"))
    with pytest.raises(ValidationError):
        shop.payments.refund_order(order.id, key="r-6")
    with pytest.raises(IdempotencyConflict):
        shop.payments.refund_order(order.id, key="r-1", lines={"CAP": 1})
    with pytest.raises(ValidationError):
        shop.payments.refund_order(order.id, key="r-7", lines={"CAP": 1}, to="cheque")
    assert snapshot(shop) == before


def test_an_amount_is_spread_over_lines_and_payments(shop: ok.Shop) -> None:
    shop.store_credit.issue("GIFT-1", eur("20.00"), key="sold")
    order = shop.orders.place("ana@example.com", [("TEE", 2), ("CAP", 2)])  # 50.00 + 19 % tax
    gift = shop.payments.authorise(
        order.id, eur("20.00"), "GIFT-1", key="a-gift", gateway="store_credit"
    )
    card = shop.payments.authorise(order.id, order.grand_total - eur("20.00"), CARD, key="a-card")
    shop.payments.capture(gift.id, key="c-gift")
    shop.payments.capture(card.id, key="c-card")
    refund = shop.payments.refund_order(order.id, key="r-1", amount=eur("10.00"))
    assert [(line.sku, line.quantity, line.amount) for line in refund.lines] == [
        ("TEE", 0, eur("4.00")),
        ("CAP", 0, eur("6.00")),
    ]
    shares = {part.payment_id: part.amount for part in refund.parts}
    assert shares == {gift.id: eur("3.36"), card.id: eur("6.64")}  # 20.00 : 39.50
    assert shop.store_credit.balance("GIFT-1") == eur("3.36")
    assert shop.payments.get(card.id).refunded == eur("6.64")


def test_a_refund_to_store_credit_opens_the_customers_account(shop: ok.Shop) -> None:
    order = paid_order(shop)
    refund = shop.payments.refund_order(
        order.id, key="r-1", lines={"CAP": 1}, to="store_credit", reason="changed mind"
    )
    account = refund.credit_account
    assert account == f"credit-{order.customer_id}"
    assert shop.store_credit.balance(account) == refund.amount
    credit = shop.store_credit.get(account)
    assert (credit.kind.value, credit.customer_id) == ("store_credit", order.customer_id)
    (payment,) = shop.payments.for_order(order.id)
    assert payment.refunded == refund.amount
    assert payment.exchanges[-1].message == f"to store credit {account}"
    assert shop.orders.get(order.id).refunded == refund.amount
    again = shop.payments.refund_order(
        order.id, key="r-1", lines={"CAP": 1}, to="store_credit", reason="changed mind"
    )
    assert (again.id, shop.store_credit.balance(account)) == (refund.id, refund.amount)


def test_a_refused_part_is_reported_and_not_counted(shop: ok.Shop, notes: CreditNotes) -> None:
    order = paid_order(shop, gateway="stingy")
    refund = shop.payments.refund_order(order.id, key="r-1", lines={"CAP": 1})
    assert refund.state is RefundState.FAILED
    assert [(part.state, part.code) for part in refund.parts] == [("failed", "refund_not_allowed")]
    assert notes.issued == []  # nothing went back: no credit note, nothing announced
    assert not [
        e for e in shop.events.pending(limit=200) if isinstance(e, ok.payments.RefundIssued)
    ]
    assert shop.payments.refunds(order.id)[0].issued_at is not None
    assert shop.orders.get(order.id).refunded == eur("0.00")
    again = shop.payments.refund_order(order.id, key="r-2", lines={"CAP": 1})  # units free again
    assert again.state is RefundState.FAILED


def test_a_lost_answer_leaves_the_refund_pending_until_asked_again(
    shop: ok.Shop, notes: CreditNotes
) -> None:
    order = paid_order(shop, gateway="slow")
    refund = shop.payments.refund_order(order.id, key="r-1", lines={"TEE": 2})
    assert refund.state is RefundState.PENDING
    assert notes.issued == []
    done = shop.payments.refund_order(order.id, key="r-1", lines={"TEE": 2})
    assert (done.id, done.state, done.credit_note) == (refund.id, RefundState.REFUNDED, "CN-0001")


def test_a_failing_credit_note_hook_is_called_again(shop: ok.Shop, notes: CreditNotes) -> None:
    order = paid_order(shop)
    notes.fail_next = True
    with pytest.raises(RuntimeError):
        shop.payments.refund_order(order.id, key="r-1", lines={"CAP": 1})
    (refund,) = shop.payments.refunds(order.id)
    assert (refund.state, refund.credit_note, refund.issued_at) == (
        RefundState.REFUNDED,
        None,
        None,
    )
    assert shop.orders.get(order.id).refunded == refund.amount  # the money went back
    again = shop.payments.refund_order(order.id, key="r-1", lines={"CAP": 1})
    assert (again.id, again.credit_note) == (refund.id, "CN-0001")
    assert shop.orders.get(order.id).refunded == refund.amount  # and only once


def test_a_webhook_naming_a_refund_key_is_ignored(shop: ok.Shop) -> None:
    order = paid_order(shop)
    shop.payments.refund_order(order.id, key="r-1", lines={"CAP": 1})
    cards = shop.payments.gateway("test_cards")
    assert isinstance(cards, TestCardGateway)
    before = snapshot(shop)
    signature, body = cards.notification("r-1", T0)  # not a request sent to the gateway
    assert shop.payments.notify("test_cards", signature, body) is None
    assert snapshot(shop) == before
