"""The catalog: products (SKUs) that orders are made of, and their repository port."""

from orderkit.catalog.events import ProductAdded, ProductPriceChanged
from orderkit.catalog.products import Dimensions, Product
from orderkit.catalog.repository import ProductRepository

__all__ = ["Dimensions", "Product", "ProductAdded", "ProductPriceChanged", "ProductRepository"]
