"""A day in two warehouses: receipts, reservations from racing carts, backorders, restock.

Run it with ``python examples/warehouse_day.py``.
"""

from datetime import UTC, datetime, timedelta

import orderkit as ok


def site(city: str, country: str, lat: float, lon: float) -> ok.Address:
    return ok.Address(
        name=city,
        line1="Lagerweg 1",
        city=city,
        country=country,
        coordinates=ok.Coordinates(lat, lon),
    )


def main() -> None:
    clock = ok.ManualClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    shop = ok.Shop.open(clock=clock, routing=ok.Nearest(), channel_buffers={"marketplace": 3})
    shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", site("Berlin", "DE", 52.5, 13.4)))
    shop.inventory.add_warehouse(ok.Warehouse("MAD", "Madrid", site("Madrid", "ES", 40.4, -3.7)))
    shop.catalog.add_many(
        [
            ok.Product(sku="TENT-2", name="Tent for two", price=ok.Money("149.00", "EUR")),
            ok.Product(sku="MAT", name="Sleeping mat", price=ok.Money("29.00", "EUR")),
            ok.Product(
                sku="CAMP-SET",
                name="Camping set",
                price=ok.Money("169.00", "EUR"),
                components=[("TENT-2", 1), ("MAT", 2)],
            ),
        ]
    )
    shop.inventory.set_policy(
        ok.StockPolicy(
            sku="TENT-2",
            backorders="limited",
            backorder_limit=20,
            supplier="Alpine Gear",
            lead_time_days=10,
        )
    )

    order = shop.purchasing.create_order("Alpine Gear", "BER", [("TENT-2", 6), ("MAT", 20)])
    shop.purchasing.receive(order.id, [("TENT-2", 4), ("MAT", 20)])  # two tents still to come
    shop.inventory.receive("TENT-2", "MAD", 2)
    print("camping sets available:", shop.inventory.available("CAMP-SET"))
    print("tents for marketplaces:", shop.inventory.available("TENT-2", channel="marketplace"))

    lisbon = site("Lisbon", "PT", 38.7, -9.1)
    first = shop.reservations.reserve("order:1", [("CAMP-SET", 2)], ship_to=lisbon)
    print("order 1 from:", sorted({line.warehouse for line in first.lines}))

    big = shop.reservations.reserve("order:2", [("TENT-2", 6)], ship_to=lisbon, priority=1)
    print("order 2 reserved", big.quantity, "and waits for", big.backordered)

    clock.advance(timedelta(hours=4))
    shop.purchasing.receive(order.id, [("TENT-2", 2)])
    waiting = shop.reservations.get(big.id)
    print("after the late delivery, order 2 waits for", waiting.backordered)

    shop.reservations.commit(first.id)
    for level in shop.inventory.levels():
        print(
            f"{level.sku:8} {level.warehouse}: on hand {level.on_hand:3}, "
            f"reserved {level.reserved:3}, backordered {level.backordered:3}"
        )
    assert shop.inventory.verify_ledger()
    print(len(shop.inventory.ledger()), "ledger movements, levels equal their replay")


if __name__ == "__main__":
    main()
