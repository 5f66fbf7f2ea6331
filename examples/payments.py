"""An order paid with a gift card and a card: authorise, capture, refund, and a lost answer.

Run it with ``python examples/payments.py``.
"""

from datetime import UTC, datetime

import orderkit as ok
from orderkit.adapters.gateways import TestCardGateway
from orderkit.errors import PaymentDeclined


def main() -> None:
    cards = TestCardGateway()
    shop = ok.Shop.open(clock=ok.ManualClock(datetime(2026, 3, 2, tzinfo=UTC)), gateways=[cards])
    shop.catalog.add(ok.Product(sku="BOOT", name="Boots", price=ok.Money("89.00", "EUR")))
    home = ok.Address(
        name="Ana", line1="Hauptstr. 1", city="Berlin", postal_code="10115", country="DE"
    )
    shop.customers.register("ana@example.com", "Ana", addresses=[home])
    order = shop.orders.place("ana@example.com", [("BOOT", 1)], shipping=ok.Money("5.00", "EUR"))
    print(f"order {order.number}: {order.grand_total}")

    # The first card is declined; the refusal is kept in the payment's audit trail.
    try:
        shop.payments.authorise(order.id, order.grand_total, "4000000000009995", key="o1-a1")
    except PaymentDeclined as refused:
        print(f"  card refused: {refused.code}")

    # Split tender: 20.00 on a gift card, the rest on another card.
    shop.store_credit.issue("GIFT-1", ok.Money("20.00", "EUR"), key="gift-card-sold")
    credit = shop.payments.authorise(
        order.id,
        ok.Money("20.00", "EUR"),
        "GIFT-1",
        key="o1-a2",
        gateway="store_credit",
        method="store_credit",
    )
    rest = order.grand_total - credit.amount
    card = shop.payments.authorise(order.id, rest, "4000000000000259", key="o1-a3")
    print(f"  card payment after a timeout: {card.state}")
    card = shop.payments.resolve(card.id)
    print(f"  resolved by its key: {card.state}, {card.authorised}")

    # Capture at shipping; the same request retried captures once.
    for payment in (credit, card):
        shop.payments.capture(payment.id, key=f"{payment.key}-capture")
        shop.payments.capture(payment.id, key=f"{payment.key}-capture")
    paid = shop.orders.get(order.id)
    print(f"  captured {paid.captured}: {paid.payment_status}")

    # A goodwill refund of 10.00 on the card.
    card = shop.payments.refund(card.id, ok.Money("10.00", "EUR"), key="o1-goodwill")
    paid = shop.orders.get(order.id)
    print(f"  refunded {paid.refunded}: {paid.payment_status}")

    print("audit trail of the card payment:")
    for exchange in card.exchanges:
        print(f"  {exchange.operation:9} {exchange.outcome:8} {exchange.amount} {exchange.key}")
    shop.close()


if __name__ == "__main__":
    main()
