"""Events of the catalog."""

from __future__ import annotations

from typing import ClassVar

import attrs

from orderkit.core.events import DomainEvent
from orderkit.core.money import Money

__all__ = ["ProductAdded", "ProductPriceChanged"]


@attrs.frozen(slots=True, kw_only=True)
class ProductAdded(DomainEvent):
    """A product was added to the catalog; ``aggregate_id`` is its SKU."""

    aggregate_type: ClassVar[str] = "product"

    price: Money


@attrs.frozen(slots=True, kw_only=True)
class ProductPriceChanged(DomainEvent):
    """A product's list price changed; ``aggregate_id`` is its SKU."""

    aggregate_type: ClassVar[str] = "product"

    old_price: Money
    new_price: Money
