"""The declaration of the catalog: its events."""

from __future__ import annotations

from orderkit.catalog.events import ProductAdded, ProductPriceChanged
from orderkit.core.capability import Capability

__all__ = ["CAPABILITY"]

CAPABILITY = Capability(
    name="catalog",
    events=(ProductAdded, ProductPriceChanged),
)
"""What the catalog brings to a shop."""
