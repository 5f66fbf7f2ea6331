"""Moved to :mod:`orderkit.inventory.service` (the old path warns until 0.3.0)."""

from orderkit._moved import forward_to

__getattr__ = forward_to("orderkit.inventory.service", old=__name__)
