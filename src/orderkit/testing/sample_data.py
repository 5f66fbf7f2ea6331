"""A reproducible sample shop: catalog, customers around the world, and orders.

Used by ``orderkit demo``, the tests and the benchmarks; handy in a notebook.
The same seed always gives the same data.

Example:
    >>> import random
    >>> data = SampleData(random.Random(7))
    >>> len(data.products()) > 200
    True
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import attrs

from orderkit.catalog.products import Dimensions, Product
from orderkit.core.addresses import Address, Coordinates
from orderkit.core.money import Money
from orderkit.inventory.policies import BackorderMode, StockPolicy
from orderkit.inventory.warehouses import Warehouse

__all__ = ["City", "OrderRequest", "SampleData"]


@attrs.frozen
class City:
    """A city customers live in, with the currency its shop front sells in."""

    name: str
    country: str
    postal_code: str
    latitude: float
    longitude: float
    currency: str


CITIES: tuple[City, ...] = (
    City("Berlin", "DE", "10115", 52.52, 13.405, "EUR"),
    City("Hamburg", "DE", "20095", 53.551, 9.994, "EUR"),
    City("Munich", "DE", "80331", 48.137, 11.575, "EUR"),
    City("Paris", "FR", "75001", 48.857, 2.352, "EUR"),
    City("Lyon", "FR", "69001", 45.764, 4.836, "EUR"),
    City("Madrid", "ES", "28001", 40.417, -3.704, "EUR"),
    City("Milan", "IT", "20121", 45.464, 9.19, "EUR"),
    City("Amsterdam", "NL", "1011 AB", 52.368, 4.904, "EUR"),
    City("Vienna", "AT", "1010", 48.208, 16.374, "EUR"),
    City("Dublin", "IE", "D01", 53.35, -6.26, "EUR"),
    City("Lisbon", "PT", "1100-148", 38.722, -9.139, "EUR"),
    City("Helsinki", "FI", "00100", 60.17, 24.938, "EUR"),
    City("New York", "US", "10001", 40.713, -74.006, "USD"),
    City("Chicago", "US", "60601", 41.878, -87.63, "USD"),
    City("Austin", "US", "73301", 30.267, -97.743, "USD"),
    City("Seattle", "US", "98101", 47.606, -122.332, "USD"),
    City("London", "GB", "EC1A 1BB", 51.507, -0.128, "GBP"),
    City("Manchester", "GB", "M1 1AE", 53.481, -2.243, "GBP"),
    City("Tokyo", "JP", "100-0001", 35.676, 139.65, "JPY"),
    City("Osaka", "JP", "530-0001", 34.694, 135.502, "JPY"),
)

CURRENCIES = ("EUR", "USD", "GBP", "JPY")

# (category, low price, high price in EUR, weight in grams)
CATEGORIES: tuple[tuple[str, int, int, int], ...] = (
    ("Apparel", 15, 90, 300),
    ("Footwear", 40, 180, 900),
    ("Outdoor", 25, 400, 1500),
    ("Kitchen", 10, 250, 1200),
    ("Electronics", 20, 900, 700),
    ("Books", 8, 45, 500),
    ("Toys", 10, 120, 600),
    ("Beauty", 6, 80, 200),
    ("Garden", 12, 300, 2500),
    ("Office", 4, 150, 400),
)

BRANDS = (
    "Acme",
    "Northwind",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Tyrell",
    "Hooli",
    "Vandelay",
    "Soylent",
    "Aperture",
)

# Rough price levels relative to EUR for each shop front.
_PRICE_FACTOR = {
    "EUR": Decimal(1),
    "USD": Decimal("1.1"),
    "GBP": Decimal("0.86"),
    "JPY": Decimal(160),
}
_SHIPPING = {"EUR": "4.90", "USD": "5.99", "GBP": "3.99", "JPY": "700"}
CHANNELS = (("web", 55), ("marketplace", 25), ("pos", 10), ("phone", 10))
PAYMENT_METHODS = (("card", 60), ("wallet", 12), ("bank_transfer", 14), ("cash_on_delivery", 14))
FIRST_NAMES = (
    "Ana",
    "Ben",
    "Chloe",
    "Daniel",
    "Emma",
    "Felix",
    "Greta",
    "Hiro",
    "Ines",
    "Jonas",
    "Kai",
    "Lena",
    "Mateo",
    "Nora",
    "Oskar",
    "Paula",
    "Quinn",
    "Rosa",
    "Sam",
    "Yuki",
)
LAST_NAMES = (
    "Schmidt",
    "Martin",
    "Garcia",
    "Rossi",
    "de Vries",
    "Murphy",
    "Silva",
    "Virtanen",
    "Smith",
    "Johnson",
    "Tanaka",
    "Suzuki",
    "Brown",
    "Wilson",
    "Huber",
    "Dubois",
)


# (code, name, city index in CITIES, currency, countries served, priority)
WAREHOUSES: tuple[tuple[str, str, int, str, tuple[str, ...], int], ...] = (
    ("BER", "Berlin hub", 0, "EUR", ("DE", "FR", "ES", "IT", "NL", "AT", "IE", "PT", "FI"), 1),
    ("AMS", "Amsterdam hub", 7, "EUR", ("NL", "FR", "IE", "DE"), 2),
    ("CHI", "Chicago hub", 13, "USD", ("US",), 1),
    ("LON", "London hub", 16, "GBP", ("GB",), 1),
    ("TYO", "Tokyo hub", 18, "JPY", ("JP",), 1),
)


@attrs.frozen
class OrderRequest:
    """One order the simulation places: who, through which channel, what."""

    customer_email: str
    channel: str
    lines: tuple[tuple[str, int], ...]
    shipping: Money
    after: timedelta
    payment_method: str = "card"


class SampleData:
    """Generates the sample shop from one random source.

    Args:
        rng: The random source; seed it for reproducible data.
        products_per_currency: How many products each shop front sells.
    """

    def __init__(self, rng: random.Random, products_per_currency: int = 80) -> None:
        self._rng = rng
        self._products_per_currency = products_per_currency
        self._products: list[Product] | None = None

    def products(self) -> list[Product]:
        """The catalog: products across brands and categories, per currency."""
        if self._products is None:
            self._products = list(self._make_products())
        return self._products

    def _make_products(self) -> Iterator[Product]:
        rng = self._rng
        for currency in CURRENCIES:
            for index in range(1, self._products_per_currency + 1):
                category, low, high, weight = rng.choice(CATEGORIES)
                brand = rng.choice(BRANDS)
                euros = Decimal(rng.randint(low, high)) - Decimal("0.01")
                price = Money.rounded(euros * _PRICE_FACTOR[currency], currency)
                cost = price.multiply(Decimal(rng.randint(35, 70)) / 100)
                yield Product(
                    sku=f"{currency[:2]}-{category[:3].upper()}-{index:04d}",
                    name=f"{brand} {category.lower()} item {index}",
                    price=price,
                    brand=brand,
                    category=category,
                    cost=cost,
                    weight_g=weight + rng.randint(-weight // 3, weight // 3),
                    dimensions=Dimensions(
                        rng.randint(100, 600), rng.randint(80, 400), rng.randint(20, 300)
                    ),
                )

    def warehouses(self) -> list[Warehouse]:
        """One or two warehouses per shop front, each serving its region."""
        made = []
        for code, name, city_index, _currency, serves, priority in WAREHOUSES:
            city = CITIES[city_index]
            address = Address(
                name=name,
                line1="1 Logistics Park",
                city=city.name,
                postal_code=city.postal_code,
                country=city.country,
                coordinates=Coordinates(city.latitude, city.longitude),
            )
            made.append(Warehouse(code, name, address, priority=priority, serves=serves))
        return made

    def opening_stock(self) -> list[tuple[str, str, int]]:
        """``(sku, warehouse, quantity)`` to receive before trading starts."""
        rng = self._rng
        stock = []
        for product in self.products():
            for code, _name, _city, currency, _serves, _priority in WAREHOUSES:
                if currency == product.currency:
                    stock.append((product.sku, code, rng.randint(0, 40)))
        return [line for line in stock if line[2] > 0]

    def policies(self) -> list[StockPolicy]:
        """Every product bought from its brand; one in five takes up to 20 backorders."""
        made = []
        for index, product in enumerate(self.products()):
            backorders = index % 5 == 0
            made.append(
                StockPolicy(
                    sku=product.sku,
                    supplier=f"{product.brand} Supply",
                    lead_time_days=self._rng.randint(3, 14),
                    backorders=BackorderMode.LIMITED if backorders else BackorderMode.NONE,
                    backorder_limit=20 if backorders else 0,
                )
            )
        return made

    def customers(self, count: int) -> list[tuple[str, str, Address, str]]:
        """``count`` customers as ``(email, name, address, currency)``."""
        rng = self._rng
        people = []
        for index in range(1, count + 1):
            city = rng.choice(CITIES)
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            email = f"customer{index:05d}@example.com"
            address = Address(
                name=name,
                line1=f"{rng.randint(1, 200)} Sample Street",
                city=city.name,
                postal_code=city.postal_code,
                country=city.country,
                coordinates=Coordinates(city.latitude, city.longitude),
            )
            people.append((email, name, address, city.currency))
        return people

    def orders(
        self, count: int, customers: list[tuple[str, str, Address, str]]
    ) -> Iterator[OrderRequest]:
        """``count`` orders by ``customers``, each buying from its own currency's catalog."""
        rng = self._rng
        by_currency: dict[str, list[Product]] = {}
        for product in self.products():
            by_currency.setdefault(product.currency, []).append(product)
        names = [name for name, _ in CHANNELS]
        weights = [weight for _, weight in CHANNELS]
        methods = [name for name, _ in PAYMENT_METHODS]
        method_weights = [weight for _, weight in PAYMENT_METHODS]
        for _ in range(count):
            email, _name, _address, currency = rng.choice(customers)
            picks = rng.sample(by_currency[currency], rng.choice((1, 1, 1, 2, 2, 3, 4)))
            yield OrderRequest(
                customer_email=email,
                channel=rng.choices(names, weights)[0],
                lines=tuple((p.sku, rng.choice((1, 1, 1, 2, 3))) for p in picks),
                shipping=Money(_SHIPPING[currency], currency),
                after=timedelta(minutes=rng.randint(1, 90)),
                payment_method=rng.choices(methods, method_weights)[0],
            )
