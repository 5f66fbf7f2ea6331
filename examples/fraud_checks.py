"""Fraud checks around payments: a blocked payer, a review a person clears, a card code that failed.

Run it with ``python examples/fraud_checks.py``.
"""

from datetime import UTC, datetime

import orderkit as ok
from orderkit.adapters.gateways import TestCardGateway
from orderkit.errors import PaymentDeclined, PaymentUnderReview
from orderkit.payments.checks import BlockList, CardVerification, CountryMismatch, FirstOrderOver

BERLIN = ok.Address(
    name="Ana", line1="Hauptstr. 1", city="Berlin", postal_code="10115", country="DE"
)
PARIS = ok.Address(name="Ana", line1="1 rue X", city="Paris", postal_code="75001", country="FR")


def main() -> None:
    checks = ok.VerificationPipeline(
        [
            BlockList(email_domains={"throwaway.test"}),
            CountryMismatch(),
            FirstOrderOver(amount=ok.Money("300", "EUR")),
            CardVerification(),
        ]
    )
    cards = TestCardGateway()
    shop = ok.Shop.open(
        clock=ok.ManualClock(datetime(2026, 3, 2, tzinfo=UTC)),
        gateways=[cards],
        verification=checks,
    )
    shop.catalog.add(ok.Product(sku="BIKE", name="Bike", price=ok.Money("650.00", "EUR")))
    shop.catalog.add(ok.Product(sku="BELL", name="Bell", price=ok.Money("9.00", "EUR")))
    shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN))
    for sku in ("BIKE", "BELL"):
        shop.inventory.receive(sku, "BER", 10)
    shop.customers.register("ana@example.com", "Ana", addresses=[BERLIN])
    shop.customers.register("x@throwaway.test", "X", addresses=[BERLIN])

    def waiting(email: str, sku: str, bill_to: ok.Address | None = None) -> ok.Order:
        placed = shop.orders.place(email, [(sku, 1)], bill_to=bill_to)
        return shop.orders.confirm(placed.id, actor="order-desk")

    print("1. a blocked email domain")
    order = waiting("x@throwaway.test", "BELL")
    try:
        shop.payments.authorise(order.id, order.grand_total, "4242424242424242", key="x-1")
    except PaymentDeclined as refused:
        print(f"   refused ({refused.code}) without asking the gateway: {cards.calls} calls")
    print(f"   order {order.number}: {shop.orders.get(order.id).state}")

    print("2. a large first order billed abroad")
    order = waiting("ana@example.com", "BIKE", bill_to=PARIS)
    payment = shop.payments.authorise(order.id, order.grand_total, "4242424242424242", key="a-1")
    print(f"   authorised, order {shop.orders.get(order.id).state}:")
    for reason in payment.decisions[-1].reasons:
        print(f"     - {reason}")
    try:
        shop.payments.capture(payment.id, key="c-1")
    except PaymentUnderReview:
        print("   capture refused while under review")
    shop.payments.approve_review(payment.id, actor="risk-team", note="called the customer")
    payment = shop.payments.capture(payment.id, key="c-1")
    print(f"   cleared by a person; captured {payment.captured}")

    print("3. a card code that did not match")
    order = waiting("ana@example.com", "BELL")
    payment = shop.payments.authorise(order.id, order.grand_total, "4000000000000101", key="a-2")
    try:
        shop.payments.capture(payment.id, key="c-2")
    except PaymentDeclined as refused:
        reasons = shop.payments.get(payment.id).decisions[-1].reasons
        print(f"   capture refused ({refused.code}): {'; '.join(reasons)}")
    print(f"   order {order.number}: {shop.orders.get(order.id).state}")
    shop.close()


if __name__ == "__main__":
    main()
