"""A gift card and a card pay one order; a return is refunded by lines, partly as store credit.

Run it with ``python examples/gift_cards_and_refunds.py``.
"""

from datetime import UTC, datetime

import orderkit as ok
from orderkit.adapters.gateways import TestCardGateway

HOME = ok.Address(name="Ana", line1="Hauptstr. 1", city="Berlin", postal_code="10115", country="DE")


def credit_note(order: ok.Order, refund: ok.payments.Refund) -> str:
    """Stands in for the documents service: returns the credit note's number."""
    return f"CN-2026-{order.number:04d}-{refund.key}"


def main() -> None:
    shop = ok.Shop.open(
        clock=ok.ManualClock(datetime(2026, 3, 2, tzinfo=UTC)),
        gateways=[TestCardGateway()],
        credit_notes=credit_note,
    )
    shop.catalog.add(ok.Product(sku="SHIRT", name="Shirt", price=ok.Money("30.00", "EUR")))
    shop.customers.register("ana@example.com", "Ana", addresses=[HOME])
    shop.store_credit.issue("GIFT-ANA-01", ok.Money("25.00", "EUR"), key="gift-sold")

    order = shop.orders.place("ana@example.com", [("SHIRT", 3)], shipping=ok.Money("4.90", "EUR"))
    print(f"order {order.number}: {order.grand_total}")
    gift = shop.payments.authorise(
        order.id,
        ok.Money("25.00", "EUR"),
        "GIFT-ANA-01",
        key="pay-gift",
        gateway="store_credit",
        method="store_credit",
    )
    card = shop.payments.authorise(
        order.id, order.grand_total - gift.amount, "4242424242424242", key="pay-card"
    )
    for payment in (gift, card):
        shop.payments.capture(payment.id, key=f"capture-{payment.key}")
    print(f"  gift card left: {shop.store_credit.balance('GIFT-ANA-01')}")

    # One shirt comes back: refunded to the original payments, in proportion.
    first = shop.payments.refund_order(order.id, key="return-1", lines={"SHIRT": 1})
    print(f"return 1: {first.amount} ({first.state}), credit note {first.credit_note}")
    for part in first.parts:
        method = shop.payments.get(part.payment_id).method
        print(f"  {part.amount} back to the {'gift card' if method == 'store_credit' else method}")

    # The other two as store credit, with the shipping.
    rest = shop.payments.refund_order(
        order.id, key="return-2", lines={"SHIRT": 2}, shipping=True, to="store_credit"
    )
    print(f"return 2: {rest.amount} onto {rest.credit_account}")
    print(f"  store credit now {shop.store_credit.balance(str(rest.credit_account))}")
    paid = shop.orders.get(order.id)
    print(
        f"order {order.number}: refunded {paid.refunded} of {paid.captured}: {paid.payment_status}"
    )
    shop.close()


if __name__ == "__main__":
    main()
