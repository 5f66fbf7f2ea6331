"""Bank transfers on every store: a reference to pay under, and statements booked once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import orderkit as ok
from orderkit.adapters.gateways import BankTransferGateway
from orderkit.errors import ValidationError
from orderkit.payments import PaymentState, is_creditor_reference
from tests.builders import BERLIN, T0, snapshot

HEADER = "date,amount,currency,reference\n"


def eur(amount: str) -> ok.Money:
    return ok.Money(amount, "EUR")


@pytest.fixture
def shop(store_url: str | None) -> Iterator[ok.Shop]:
    bank = BankTransferGateway("IBAN DE89 3704 0044 0532 0130 00", "Example Shop GmbH")
    with ok.Shop.open(store_url, clock=ok.ManualClock(T0), seed=5, gateways=[bank]) as opened:
        opened.catalog.add(ok.Product(sku="TEE", name="T-shirt", price=eur("20.00")))
        opened.customers.register("ana@example.com", "Ana", addresses=[BERLIN])
        opened.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN))
        opened.inventory.receive("TEE", "BER", 10)
        yield opened


def transfer(shop: ok.Shop, key: str) -> tuple[ok.Order, ok.Payment]:
    order = shop.orders.place("ana@example.com", [("TEE", 2)])  # 40.00
    order = shop.orders.confirm(order.id, actor="clerk")
    payment = shop.payments.authorise(
        order.id, order.grand_total, "transfer", key=key, method="bank_transfer"
    )
    return order, payment


def spaced(reference: str) -> str:
    return " ".join(reference[i : i + 4] for i in range(0, len(reference), 4))


def swapped(reference: str) -> str:
    """The reference with two different neighbouring digits swapped, as a customer might."""
    i = next(i for i in range(4, len(reference) - 1) if reference[i] != reference[i + 1])
    return reference[:i] + reference[i + 1] + reference[i] + reference[i + 2 :]


def test_a_transfer_waits_under_a_reference(shop: ok.Shop) -> None:
    order, payment = transfer(shop, "t-1")
    assert payment.state is PaymentState.PENDING
    assert payment.reference is not None
    assert is_creditor_reference(payment.reference)
    message = payment.exchanges[-1].message or ""
    assert payment.reference in message
    assert "IBAN DE89" in message
    assert shop.orders.get(order.id).state == "awaiting_payment"


def test_a_statement_books_each_line_once(shop: ok.Shop) -> None:
    order, payment = transfer(shop, "t-1")
    assert payment.reference is not None
    statement = HEADER + f"2026-03-03,40.00,EUR,Order 1 {spaced(payment.reference).lower()}\n"
    report = shop.payments.import_statement(statement)
    assert [m.outcome for m in report.matched] == ["paid"]
    assert (report.matched[0].payment_id, report.matched[0].booked) == (payment.id, eur("40.00"))
    paid = shop.payments.get(payment.id)
    assert (paid.state, paid.captured) == (PaymentState.CAPTURED, eur("40.00"))
    stored = shop.orders.get(order.id)
    assert stored.state == "ready_to_fulfil"
    assert stored.payment_status is ok.PaymentStatus.PAID
    captured = [e for e in shop.events.pending(limit=100) if isinstance(e, ok.PaymentCaptured)]
    assert [e.amount for e in captured] == [eur("40.00")]

    before = snapshot(shop)
    again = shop.payments.import_statement(statement)
    assert (again.matched, len(again.already_imported)) == ((), 1)
    assert snapshot(shop) == before


def test_short_and_over_payments_are_reported(shop: ok.Shop) -> None:
    _, short = transfer(shop, "t-1")
    _, over = transfer(shop, "t-2")
    assert short.reference is not None
    assert over.reference is not None
    report = shop.payments.import_statement(
        HEADER
        + f"2026-03-03,25.00,EUR,{short.reference}\n"
        + f"2026-03-03,50.00,EUR,{over.reference}\n"
        + "2026-03-03,12.00,EUR,no reference at all\n"
        + f"2026-03-03,40.00,EUR,{swapped(over.reference)}\n"
        + "2026-03-03,-3.50,EUR,bank fee\n"
    )
    assert [(m.outcome, m.booked, m.outstanding, m.excess) for m in report.matched] == [
        ("underpaid", eur("25.00"), eur("15.00"), eur("0.00")),
        ("overpaid", eur("40.00"), eur("0.00"), eur("10.00")),
    ]
    assert [line.row for line in report.unmatched] == [4, 5]  # none, and a swapped reference
    assert [line.row for line in report.outgoing] == [6]
    assert "short by 15.00 EUR" in report.render()
    assert shop.orders.get(short.order_id).payment_status is ok.PaymentStatus.PARTIALLY_PAID
    assert shop.orders.get(short.order_id).state == "awaiting_payment"

    second = shop.payments.import_statement(HEADER + f"2026-03-05,15.00,EUR,{short.reference}\n")
    assert [m.outcome for m in second.matched] == ["paid"]
    assert shop.orders.get(short.order_id).state == "ready_to_fulfil"
    late = shop.payments.import_statement(HEADER + f"2026-03-06,40.00,EUR,{short.reference}\n")
    assert [(m.outcome, m.booked, m.excess) for m in late.matched] == [
        ("overpaid", eur("0.00"), eur("40.00"))  # paid twice: 40.00 to give back
    ]


def test_a_malformed_statement_books_nothing(shop: ok.Shop) -> None:
    _, payment = transfer(shop, "t-1")
    before = snapshot(shop)
    with pytest.raises(ValidationError) as refused:
        shop.payments.import_statement(
            HEADER + f"2026-03-03,40.00,EUR,{payment.reference}\n2026-03-03,forty,EUR,x\n"
        )
    assert refused.value.field == "row 3, amount"
    assert snapshot(shop) == before


def test_a_transfer_no_longer_expected_is_voided(shop: ok.Shop) -> None:
    order, payment = transfer(shop, "t-1")
    assert payment.awaits_funds
    voided = shop.payments.void(payment.id, key="v-1")
    assert (voided.state, voided.awaits_funds) == (PaymentState.VOIDED, False)
    late = shop.payments.import_statement(HEADER + f"2026-03-09,40.00,EUR,{payment.reference}\n")
    assert [(m.outcome, m.booked, m.excess) for m in late.matched] == [
        ("overpaid", eur("0.00"), eur("40.00"))  # money for a closed payment: give it back
    ]
    assert shop.payments.get(payment.id).captured == eur("0.00")
    assert shop.orders.get(order.id).payment_status is ok.PaymentStatus.UNPAID
