"""Quickstart: a shop in a SQLite file, two orders, a report and the outbox.

Run it with ``python examples/quickstart.py``; it works in a temporary folder
and leaves nothing behind.
"""

import tempfile
from pathlib import Path

import orderkit as ok


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'shop.db'}"
        with ok.Shop.open(url) as shop:
            shop.catalog.add_many(
                [
                    ok.Product(
                        sku="TEE-M",
                        name="T-shirt M",
                        price=ok.Money("19.90", "EUR"),
                        brand="Acme",
                        category="Apparel",
                    ),
                    ok.Product(
                        sku="MUG-1",
                        name="Mug",
                        price=ok.Money("7.50", "EUR"),
                        brand="Acme",
                        category="Kitchen",
                    ),
                ]
            )
            home = ok.Address(
                name="Ana Example",
                line1="Hauptstr. 1",
                city="Berlin",
                postal_code="10115",
                country="DE",
            )
            shop.customers.register(
                "ana@example.com", "Ana Example", addresses=[home], locale="de_DE"
            )
            first = shop.orders.place(
                "ana@example.com", [("TEE-M", 2), ("MUG-1", 1)], shipping=ok.Money("4.90", "EUR")
            )
            second = shop.orders.place("ana@example.com", [("MUG-1", 2)], channel="phone")
            print(f"order {first.number}: {first.grand_total.format('de_DE')}")
            print(f"order {second.number}: {second.grand_total.format('de_DE')}")
            print(shop.reports.summary().render("de_DE"))
            delivered = shop.events.dispatch(lambda event: print("event:", type(event).__name__))
            print(f"{delivered} events delivered")

        # The file outlives the shop object: open it again and the orders are there.
        with ok.Shop.open(url) as again:
            assert again.orders.count() == 2
            assert again.events.pending() == []


if __name__ == "__main__":
    main()
