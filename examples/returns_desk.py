"""A returns desk: a return in two parcels, an exchange, and a lost parcel replaced.

Run it with ``python examples/returns_desk.py``.
"""

from datetime import UTC, datetime
from decimal import Decimal

import orderkit as ok
from orderkit.adapters.carriers import FlatRateCarrier
from orderkit.adapters.gateways import TestCardGateway

CARD = "4242424242424242"
BOX = ok.Parcel(ok.Dimensions(300, 200, 100), weight_g=900)
BERLIN = ok.Address(
    name="Hub", line1="Lagerweg 1", city="Berlin", postal_code="10115", country="DE"
)


def delivered(shop: ok.Shop, lines: list[tuple[str, int]]) -> ok.Order:
    """Place, pay, ship and deliver an order."""
    order = shop.orders.place("ana@example.com", lines)
    payment = shop.payments.authorise(order.id, order.grand_total, CARD, key=f"pay-{order.id}")
    shop.payments.capture(payment.id, key=f"take-{order.id}")
    shop.orders.confirm(order.number)
    (shipment,) = shop.fulfilment.create_shipments(order.number)
    shop.fulfilment.pick(shipment.id)
    shop.fulfilment.pack(shipment.id, [BOX])
    shop.fulfilment.ship(shipment.id, carrier="post", service="standard")
    shop.fulfilment.deliver(shipment.id)
    return shop.orders.get(order.number)


def main() -> None:
    clock = ok.ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    policy = ok.ReturnPolicy(
        restocking_fee=Decimal("0.10"),  # kept when the shop is not at fault
        return_shipping_fee=ok.Money("3.00", "EUR"),
        non_returnable_categories={"Underwear"},
    )
    shop = ok.Shop.open(
        clock=clock,
        gateways=[TestCardGateway()],
        carriers=[
            FlatRateCarrier(clock, price=ok.Money("4.50", "EUR"), countries=["DE"], code="post")
        ],
        return_policy=policy,
    )
    shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN))
    for sku, price in {"TEE-M": "20.00", "TEE-L": "20.00", "HOODIE": "45.00"}.items():
        shop.catalog.add(ok.Product(sku=sku, name=sku, price=ok.Money(price, "EUR")))
        shop.inventory.receive(sku, "BER", 10)
    shop.customers.register("ana@example.com", "Ana", addresses=[BERLIN])

    # A return: two tees, sent back in two parcels; one is fine, one is torn.
    order = delivered(shop, [("TEE-M", 2), ("HOODIE", 1)])
    rma = shop.returns.request(order.number, {"TEE-M": 2}, reason="wrong_size")
    print(f"return {rma.state.value}: {rma.decision}")
    shop.returns.issue_label(rma.id, carrier="post", service="standard")
    shop.returns.receive(rma.id, {"TEE-M": 1})
    shop.returns.receive(rma.id, {"TEE-M": 1})
    shop.returns.inspect(rma.id, "TEE-M", "restock")
    rma = shop.returns.inspect(rma.id, "TEE-M", "damaged", note="torn seam")
    print(f"return {rma.state.value}: {rma.refunded} paid back (40.00 less 4.00 and 3.00 in fees)")
    print(f"order {order.number}: {shop.orders.get(order.number).fulfilment_status.value}")

    # An exchange: the hoodie for a tee; the difference goes back to the card.
    swap = shop.returns.request(
        order.number,
        {"HOODIE": 1},
        reason="not_as_described",
        resolution="exchange",
        exchange={"TEE-L": 1},
    )
    shop.returns.receive(swap.id, {"HOODIE": 1})
    swap = shop.returns.inspect(swap.id, "HOODIE", "restock")
    assert swap.exchange_order_id is not None
    linked = shop.orders.get(swap.exchange_order_id)
    print(f"exchange order {linked.number}: {linked.state}, paid {linked.captured} from credit")

    # A lost parcel: replaced at once, at no charge, and claimed from the carrier.
    second = delivered(shop, [("TEE-M", 1)])
    (shipment,) = shop.fulfilment.for_order(second.number)
    claim = shop.returns.file_claim(shipment.id, "lost")
    assert claim.replacement_order_id is not None
    replacement = shop.orders.get(claim.replacement_order_id)
    print(f"replacement order {replacement.number}: {replacement.state}, {replacement.grand_total}")
    print(f"perfect order? {shop.returns.perfect_order(second.number).perfect}")
    print(f"reasons: {shop.returns.reasons()}")


if __name__ == "__main__":
    main()
