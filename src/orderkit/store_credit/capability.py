"""The declaration of gift cards and store credit: its events."""

from __future__ import annotations

from orderkit.core.capability import Capability

__all__ = ["CAPABILITY"]

CAPABILITY = Capability(
    name="store_credit",
    events=(),
)
"""What gift cards and store credit bring to a shop."""
