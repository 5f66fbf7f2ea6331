"""Use cases of the catalog: adding products, changing prices, looking them up."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from orderkit.catalog.events import ProductAdded, ProductPriceChanged
from orderkit.catalog.ports import CatalogUnitOfWork
from orderkit.catalog.products import Product
from orderkit.core.access import reads, writes
from orderkit.core.checks import require_code, require_instance
from orderkit.core.context import ServiceContext, retried
from orderkit.core.money import Money
from orderkit.errors import CurrencyMismatch, ValidationError

__all__ = ["CatalogService"]


class CatalogService:
    """``shop.catalog``: the products a shop sells."""

    def __init__(self, context: ServiceContext[CatalogUnitOfWork]) -> None:
        self._context = context

    @writes("catalog.add")
    @retried
    def add(self, product: Product) -> Product:
        """Add a new product and emit :class:`~orderkit.catalog.ProductAdded`.

        Raises:
            ValidationError: ``product`` is not a Product.
            AlreadyExists: A product with the same SKU exists.
        """
        require_instance(product, Product, "product")
        with self._context.store.unit_of_work() as uow:
            uow.products.add(product)
            self._context.record(uow, ProductAdded, aggregate_id=product.sku, price=product.price)
            uow.commit()
        return product

    @writes("catalog.add")
    @retried
    def add_many(self, products: list[Product]) -> int:
        """Add several products in one unit of work: all of them or none.

        Returns:
            How many products were added.

        Raises:
            ValidationError: An item is not a Product.
            AlreadyExists: One of the SKUs exists (nothing is added).
        """
        if isinstance(products, str | bytes) or not isinstance(products, Iterable):
            raise ValidationError("products", products, "give a list of Product")
        products = list(products)
        for index, product in enumerate(products):
            require_instance(product, Product, f"products[{index}]")
        with self._context.store.unit_of_work() as uow:
            for product in products:
                uow.products.add(product)
                self._context.record(
                    uow, ProductAdded, aggregate_id=product.sku, price=product.price
                )
            uow.commit()
        return len(products)

    @writes("catalog.change_price")
    @retried
    def change_price(self, sku: str, price: Money) -> Product:
        """Set a new list price; emits :class:`~orderkit.catalog.ProductPriceChanged`.

        Orders already placed keep the price they were placed at.

        Raises:
            ProductNotFound: No product has ``sku``.
            CurrencyMismatch: ``price`` is in another currency than the product.
            ValidationError: ``price`` is not Money or is negative.
        """
        require_instance(price, Money, "price")
        with self._context.store.unit_of_work() as uow:
            product = uow.products.get(sku)
            if price.currency != product.currency:
                raise CurrencyMismatch("price", product.currency, price.currency)
            if price.amount < 0:
                raise ValidationError("price", price, "must not be negative")
            changed = attrs.evolve(product, price=price)
            uow.products.replace(changed)
            self._context.record(
                uow,
                ProductPriceChanged,
                aggregate_id=sku,
                old_price=product.price,
                new_price=price,
            )
            uow.commit()
        return changed

    @reads("catalog.read")
    def get(self, sku: str) -> Product:
        """Return the product with ``sku``.

        Raises:
            ProductNotFound: No product has ``sku``.
        """
        sku = require_code(sku, "sku")
        with self._context.store.unit_of_work(readonly=True) as uow:
            return uow.products.get(sku)

    @reads("catalog.read")
    def list(self) -> list[Product]:
        """Return every product, by SKU."""
        with self._context.store.unit_of_work(readonly=True) as uow:
            return list(uow.products.list())

    @reads("catalog.read")
    def count(self) -> int:
        """Return how many products the catalog holds."""
        with self._context.store.unit_of_work(readonly=True) as uow:
            return uow.products.count()
