"""Inventory: warehouses and the stock level of one SKU in one warehouse.

This is the pure core that stock reservation, the movement ledger and routing
build on; the services that persist stock arrive with the inventory issue.
"""

from orderkit.inventory.stock import StockLevel
from orderkit.inventory.warehouses import Warehouse

__all__ = ["StockLevel", "Warehouse"]
