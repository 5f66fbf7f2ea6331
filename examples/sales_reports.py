"""The reports a shop runs on: six weeks of orders, then the figures, KPIs and a DuckDB copy.

Run it with ``python examples/sales_reports.py``. The DuckDB part needs the
``duckdb`` extra (``pip install 'orderkit[duckdb]'``).
"""

import io
import random
from datetime import UTC, datetime, timedelta

import orderkit as ok
from orderkit.adapters.duckdb import DuckDbLedger

BERLIN = ok.Address(
    name="Hub", line1="Lagerweg 1", city="Berlin", postal_code="10115", country="DE"
)
PARIS = ok.Address(
    name="Dépôt", line1="1 rue de Rivoli", city="Paris", postal_code="75001", country="FR"
)
PRODUCTS = [
    ok.Product(
        sku="TEE",
        name="T-shirt",
        price=ok.Money("20.00", "EUR"),
        brand="Acme",
        category="Apparel",
        cost=ok.Money("8.00", "EUR"),
    ),
    ok.Product(
        sku="MUG",
        name="Mug",
        price=ok.Money("12.00", "EUR"),
        brand="Potter",
        category="Home",
        cost=ok.Money("4.00", "EUR"),
    ),
    ok.Product(sku="CAP", name="Cap", price=ok.Money("15.00", "EUR"), brand="Acme"),
]


def trade(shop: ok.Shop, clock: ok.ManualClock) -> None:
    """Six weeks of orders from three customers on two channels; some are cancelled."""
    rng = random.Random(7)
    customers = ["ana@example.com", "bo@example.com", "cy@example.com"]
    for _day in range(42):
        for _ in range(rng.randint(1, 4)):
            order = shop.orders.place(
                rng.choice(customers),
                [(rng.choice(PRODUCTS).sku, rng.randint(1, 3))],
                channel=rng.choice(["web", "marketplace"]),
                attributes={"campaign": rng.choice(["autumn", "newsletter"])},
            )
            shop.orders.confirm(order.number)  # reserves the stock
            if rng.random() < 0.1:
                shop.orders.cancel(order.number, reason="customer changed their mind")
        clock.advance(timedelta(days=1))


def main() -> None:
    clock = ok.ManualClock(datetime(2026, 9, 21, 9, 0, tzinfo=UTC))
    shop = ok.Shop.open(clock=clock, time_zone="Europe/Berlin")
    shop.catalog.add_many(PRODUCTS)
    shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN))
    for product in PRODUCTS:
        shop.inventory.receive(product.sku, "BER", 1_000)
    shop.customers.register("ana@example.com", "Ana", addresses=[BERLIN], account_manager="lena")
    shop.customers.register("bo@example.com", "Bo", addresses=[PARIS])
    shop.customers.register("cy@example.com", "Cy", addresses=[BERLIN])
    trade(shop, clock)

    # The headline figures of October, and the top products by net sales.
    october = shop.reports.sales("2026-10")["EUR"]
    aov = october.average_order_value
    print(f"October: {october.orders} orders, net {october.net_sales}, average {aov}")
    print(shop.reports.top("product", period="2026-10", n=3, compare="previous").render())

    # Any dimension, any filter: weekdays on the web, sellers, campaigns.
    weekdays = shop.reports.breakdown("weekday", period="2026-10", channel="web", by="orders")
    print(weekdays.render())
    print(shop.reports.breakdown("campaign", period="2026-10").render())
    # Orders confirmed but not paid yet, with their stock promised from Berlin.
    unpaid = shop.reports.sales("2026-10", status="awaiting_payment", warehouse="BER")["EUR"]
    print(f"awaiting payment, from Berlin: {unpaid.orders} orders, net {unpaid.net_sales}")

    # Customers and operations.
    rates = shop.reports.customers("2026-10")
    print(f"returning-customer rate {rates.returning_customer_rate}")
    print(f"cancellation rate {shop.reports.operations('2026-10').cancellation_rate}")

    # The same figures from a DuckDB copy of the ledger, to the cent.
    with DuckDbLedger.of_store(shop.store) as ledger:
        copied = shop.reports.top("product", period="2026-10", n=3, engine=ledger)
        assert copied.rows == shop.reports.top("product", period="2026-10", n=3).rows
        print("DuckDB agrees")

    # Every row of the month that the filters keep, as CSV.
    out = io.StringIO()
    count = shop.reports.export_ledger(out, "2026-10", channel="marketplace")
    print(f"{count} ledger rows of the marketplace in October")
    shop.close()


if __name__ == "__main__":
    main()
