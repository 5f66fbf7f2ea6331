"""Moved to :mod:`orderkit.inventory.order_stock` (the old path warns until 0.3.0)."""

from orderkit._moved import forward_to

__getattr__ = forward_to("orderkit.inventory.order_stock", old=__name__)
