"""Real processes racing to return the same delivered units: one wins, none is returned twice."""

from __future__ import annotations

import multiprocessing

import orderkit as ok
from orderkit.errors import InvalidQuantity
from tests.builders import BERLIN

PROCESSES = 4
ORDERS = 3
BOX = ok.Parcel(ok.Dimensions(300, 200, 100), weight_g=900)


def _return_and_inspect(args: tuple[str, int, object]) -> tuple[int, int]:
    """Ask to return every unit of every order, then book what was won; count wins and refusals."""
    url, seed, start = args
    won = refused = 0
    with ok.Shop.open(url) as shop:
        numbers = [order.number for order in shop.orders.list()]
        start.wait()  # type: ignore[attr-defined]  # every process races from the same moment
        for number in numbers[seed % 2 :] + numbers[: seed % 2]:
            try:
                request = shop.returns.request(
                    number, {"A": 2}, reason="wrong_size", actor=f"customer-{seed}"
                )
            except InvalidQuantity:
                refused += 1
                continue
            won += 1
            shop.returns.receive(request.id, {"A": 2}, actor=f"clerk-{seed}")
            shop.returns.inspect(request.id, "A", "restock", 2, actor=f"clerk-{seed}")
    return won, refused


def test_processes_racing_to_return_the_same_units_return_them_once(
    shared_store_url: str,
) -> None:
    url = shared_store_url
    with ok.Shop.open(url) as shop:
        shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN))
        shop.catalog.add(ok.Product(sku="A", name="A", price=ok.Money("5.00", "EUR")))
        shop.inventory.receive("A", "BER", 100)
        shop.customers.register("ana@example.com", "Ana", addresses=[BERLIN])
        for _ in range(ORDERS):
            order = shop.orders.place(
                "ana@example.com", [("A", 2)], payment_method="cash_on_delivery"
            )
            shop.orders.confirm(order.number)
            (shipment,) = shop.fulfilment.create_shipments(order.number)
            shop.fulfilment.pick(shipment.id)
            shop.fulfilment.pack(shipment.id, [BOX])
            shop.fulfilment.ship(shipment.id, carrier="dhl")
            shop.fulfilment.deliver(shipment.id)

    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, context.Pool(PROCESSES) as pool:
        start = manager.Barrier(PROCESSES)
        results = pool.map(_return_and_inspect, [(url, seed, start) for seed in range(PROCESSES)])

    assert sum(won for won, _ in results) == ORDERS  # one return per order won
    assert sum(refused for _, refused in results) == ORDERS * (PROCESSES - 1)
    with ok.Shop.open(url) as shop:
        for order in shop.orders.list():
            assert order.line("A").returned == 2
            assert order.state == "returned"
            (request,) = shop.returns.for_order(order.number)
            assert request.state is ok.ReturnState.CLOSED
        level = shop.inventory.level("A", "BER")
        assert level.on_hand == 100  # every unit back on the shelf once
        assert shop.inventory.verify_ledger()
