"""What the catalog needs from a store, and what other capabilities may use of it."""

from __future__ import annotations

from typing import Protocol

from orderkit.catalog.products import Dimensions, Product
from orderkit.catalog.repository import ProductRepository
from orderkit.core.ports import UnitOfWorkBase

__all__ = ["CatalogUnitOfWork", "Dimensions", "Product", "ProductRepository"]


class CatalogUnitOfWork(UnitOfWorkBase, Protocol):
    """Protocol: a unit of work with the products."""

    @property
    def products(self) -> ProductRepository:
        """The products of this transaction."""
        ...
