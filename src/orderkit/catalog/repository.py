"""The port through which products are stored and found."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from orderkit.catalog.products import Product

__all__ = ["ProductRepository"]


class ProductRepository(Protocol):
    """Protocol: products inside one unit of work, keyed by SKU."""

    def add(self, product: Product) -> None:
        """Store a new product.

        Raises:
            AlreadyExists: A product with the same SKU is stored.
        """
        ...

    def replace(self, product: Product) -> None:
        """Store a new version of an existing product (same SKU).

        Raises:
            ProductNotFound: No product has that SKU.
        """
        ...

    def get(self, sku: str) -> Product:
        """Return the product with ``sku``.

        Raises:
            ProductNotFound: No product has that SKU.
        """
        ...

    def components(self, skus: Sequence[str]) -> dict[str, tuple[tuple[str, int], ...]]:
        """Return the kit components of each SKU (empty for a plain product), cheaply.

        Raises:
            ProductNotFound: One of the SKUs is not in the catalog.
        """
        ...

    def list(self) -> Iterator[Product]:
        """Yield every product in SKU order."""
        ...

    def count(self) -> int:
        """Return how many products are stored."""
        ...
