"""Moved to :mod:`orderkit.store_credit.accounts` (the old path warns until 0.3.0)."""

from orderkit._moved import forward_to

__getattr__ = forward_to("orderkit.store_credit.accounts", old=__name__)
