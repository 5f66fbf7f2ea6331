"""Moved to :mod:`orderkit.inventory.purchasing_service` (the old path warns until 0.3.0)."""

from orderkit._moved import forward_to

__getattr__ = forward_to("orderkit.inventory.purchasing_service", old=__name__)
