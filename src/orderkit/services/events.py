"""Moved to :mod:`orderkit.core.outbox` (the old path warns until 0.3.0)."""

from orderkit._moved import forward_to

__getattr__ = forward_to("orderkit.core.outbox", old=__name__)
