"""Real processes shipping the same orders at once never ship a unit twice."""

from __future__ import annotations

import multiprocessing

import orderkit as ok
from orderkit.errors import InvalidTransition, ShipmentStateError
from tests.builders import BERLIN

PROCESSES = 4
ORDERS = 6
BOX = ok.Parcel(ok.Dimensions(300, 200, 100), weight_g=900)


def _ship_everything(args: tuple[str, int, object]) -> int:
    url, seed, start = args
    refused = 0
    with ok.Shop.open(url) as shop:
        numbers = [order.number for order in shop.orders.list()]
        start.wait()  # type: ignore[attr-defined]  # every process races from the same moment
        for number in numbers[seed % 2 :] + numbers[: seed % 2]:
            try:
                shop.fulfilment.create_shipments(number)
            except InvalidTransition:  # another process shipped it all already
                refused += 1
            for shipment in shop.fulfilment.for_order(number):
                for step in ("pick", "pack", "ship"):
                    try:
                        if step == "pick":
                            shop.fulfilment.pick(shipment.id, actor=f"picker-{seed}")
                        elif step == "pack":
                            shop.fulfilment.pack(shipment.id, [BOX], actor=f"packer-{seed}")
                        else:
                            shop.fulfilment.ship(shipment.id, carrier="dhl", actor=f"p-{seed}")
                    except (ShipmentStateError, InvalidTransition):
                        refused += 1
    return refused


def test_processes_racing_to_ship_the_same_lines_ship_each_unit_once(
    shared_store_url: str,
) -> None:
    url = shared_store_url
    with ok.Shop.open(url) as shop:
        shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN))
        shop.catalog.add_many(
            [ok.Product(sku=s, name=s, price=ok.Money("5.00", "EUR")) for s in ("A", "B")]
        )
        shop.inventory.receive("A", "BER", 100)
        shop.inventory.receive("B", "BER", 100)
        shop.customers.register("ana@example.com", "Ana", addresses=[BERLIN])
        for n in range(ORDERS):
            order = shop.orders.place(
                "ana@example.com", [("A", 1 + n % 3), ("B", 2)], payment_method="cash_on_delivery"
            )
            shop.orders.confirm(order.number)

    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, context.Pool(PROCESSES) as pool:
        start = manager.Barrier(PROCESSES)
        refused = pool.map(_ship_everything, [(url, seed, start) for seed in range(PROCESSES)])

    assert sum(refused) > 0  # the processes did collide
    with ok.Shop.open(url) as shop:
        ordered = {"A": 0, "B": 0}
        for order in shop.orders.list():
            assert order.state == "shipped"
            for line in order.lines:
                assert line.shipped == line.quantity
                ordered[line.sku] += line.quantity
            shipped = [s for s in shop.fulfilment.for_order(order.number) if s.left_stock]
            assert sum(s.units.get("A", 0) for s in shipped) == order.line("A").quantity
        for sku, units in ordered.items():
            level = shop.inventory.level(sku, "BER")
            assert (level.on_hand, level.reserved) == (100 - units, 0)
        assert shop.inventory.verify_ledger()
