"""Four application processes, one PostgreSQL database: a flash sale that oversells nothing.

Each process stands in for one application host. They place and confirm
orders for the same few mugs at once; confirming reserves stock, and the
database decides who gets the last ones.

Run it with ``python examples/scaling_out.py postgresql://user:password@host/database``
(or set ``ORDERKIT_POSTGRES_URL``). It needs the postgres extra
(``pip install 'orderkit[postgres]'``) and writes to the database it is given,
so point it at an empty one.
"""

import multiprocessing
import os
import sys

import orderkit as ok
from orderkit.errors import InsufficientStock

HOSTS = 4
ORDERS_PER_HOST = 15
MUGS = 40
BERLIN = ok.Address(
    name="Ana", line1="Hauptstr. 1", city="Berlin", postal_code="10115", country="DE"
)


def set_up(url: str) -> None:
    with ok.Shop.open(url) as shop:
        shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN))
        shop.catalog.add(ok.Product(sku="MUG", name="Sale mug", price=ok.Money("5.00", "EUR")))
        shop.inventory.receive("MUG", "BER", MUGS, document="opening")
        shop.customers.register("ana@example.com", "Ana", addresses=[BERLIN])


def host(url: str, number: int) -> tuple[int, int]:
    """One application host: place orders of one to three mugs and confirm them."""
    confirmed = sold_out = 0
    with ok.Shop.open(url) as shop:  # each host keeps its own connection pool
        for index in range(ORDERS_PER_HOST):
            order = shop.orders.place("ana@example.com", [("MUG", 1 + (number + index) % 3)])
            try:
                shop.orders.confirm(order.id, actor=f"host-{number}")
            except InsufficientStock:
                shop.orders.cancel(order.id, reason="sold out", actor=f"host-{number}")
                sold_out += 1
            else:
                confirmed += 1
    return confirmed, sold_out


def main(url: str) -> None:
    set_up(url)
    context = multiprocessing.get_context("spawn")
    with context.Pool(HOSTS) as pool:
        results = pool.starmap(host, [(url, number) for number in range(HOSTS)])
    for number, (confirmed, sold_out) in enumerate(results):
        print(f"host-{number}: {confirmed} orders confirmed, {sold_out} sold out")
    with ok.Shop.open(url) as shop:
        level = shop.inventory.level("MUG", "BER")
        orders = shop.orders.list()
        held = sum(
            line.reserved for order in orders if order.state != "cancelled" for line in order.lines
        )
        print(f"{len(orders)} orders placed; mugs reserved {level.reserved} of {level.on_hand}")
        print(f"reserved units match the confirmed orders: {held == level.reserved}")
        print(f"the ledger replays to every level: {shop.inventory.verify_ledger()}")


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("ORDERKIT_POSTGRES_URL")
    if not target:
        raise SystemExit(__doc__)
    main(target)
