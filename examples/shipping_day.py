"""A shipping day: orders split over two warehouses, a short pick, parcels, deliveries.

Run it with ``python examples/shipping_day.py``.
"""

from collections import Counter
from datetime import UTC, datetime, timedelta

import orderkit as ok

BOX = ok.Parcel(ok.Dimensions(400, 300, 200), weight_g=1800)


def hub(city: str, postal_code: str) -> ok.Address:
    return ok.Address(
        name=f"{city} hub", line1="Lagerweg 1", city=city, postal_code=postal_code, country="DE"
    )


def main() -> None:
    clock = ok.ManualClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    shop = ok.Shop.open(clock=clock)
    shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", hub("Berlin", "10115")))
    shop.inventory.add_warehouse(ok.Warehouse("HAM", "Hamburg", hub("Hamburg", "20095")))
    skus = {"TENT": "149.00", "MAT": "29.00", "LAMP": "19.00"}
    shop.catalog.add_many(
        [ok.Product(sku=sku, name=sku.title(), price=ok.Money(p, "EUR")) for sku, p in skus.items()]
    )
    for sku in skus:
        shop.inventory.receive(sku, "BER", 6)
        shop.inventory.receive(sku, "HAM", 20)
    shop.customers.register("ana@example.com", "Ana", addresses=[hub("Berlin", "10115")])

    numbers = []
    for quantity in range(1, 7):
        order = shop.orders.place(
            "ana@example.com",
            [("TENT", quantity), ("MAT", 1), ("LAMP", 2)],
            payment_method="cash_on_delivery",
        )
        numbers.append(shop.orders.confirm(order.number).number)

    carriers: Counter[str] = Counter()
    for number in numbers:
        for shipment in shop.fulfilment.create_shipments(number):
            found = {"LAMP": 1} if number == numbers[2] and shipment.warehouse == "BER" else None
            shop.fulfilment.pick(shipment.id, found, actor="picker-1")
        # a short pick was reserved again: ship what is held, in as many rounds as it takes
        shop.fulfilment.create_shipments(number)
        for shipment in shop.fulfilment.for_order(number):
            if shipment.state is ok.ShipmentState.CREATED:
                shop.fulfilment.pick(shipment.id, actor="picker-2")
            if shipment.state is not ok.ShipmentState.CANCELLED:
                shop.fulfilment.pack(shipment.id, [BOX], actor="packer-1")
                carrier = "dhl" if shipment.warehouse == "BER" else "hermes"
                shop.fulfilment.ship(shipment.id, carrier=carrier, actor="dock")
                carriers[carrier] += 1
    clock.advance(timedelta(days=2))
    for number in numbers:
        for shipment in shop.fulfilment.for_order(number):
            shop.fulfilment.deliver(shipment.id, note="signed at the door")

    states = Counter(shop.orders.get(number).state for number in numbers)
    short = [e for e in shop.events.pending(limit=10_000) if isinstance(e, ok.ShortPicked)]
    print(f"orders: {len(numbers)}, by state: {dict(states)}")
    print(f"parcels by carrier: {dict(sorted(carriers.items()))}")
    print(f"short picks: {[(e.sku, e.missing, e.reserved_again) for e in short]}")
    for sku in skus:
        print(sku, [shop.inventory.level(sku, w).on_hand for w in ("BER", "HAM")])
    assert states == {"delivered": len(numbers)}
    assert shop.inventory.verify_ledger()


if __name__ == "__main__":
    main()
