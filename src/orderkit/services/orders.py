"""Moved to :mod:`orderkit.lifecycle.service` (the old path warns until 0.3.0)."""

from orderkit._moved import forward_to

__getattr__ = forward_to("orderkit.lifecycle.service", old=__name__)
