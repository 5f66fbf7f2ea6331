"""Moved to :mod:`orderkit.core.clock`; this path warns and is removed in orderkit 0.3.0."""

from orderkit._moved import forward_to

__getattr__ = forward_to("orderkit.core.clock", old=__name__)
