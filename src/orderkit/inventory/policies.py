"""Per-SKU stock policy: backorders and preorders, supplier, and replenishment settings."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

import attrs

from orderkit.core.checks import blank_to_none, code, count, optional_text, parse_enum
from orderkit.errors import ValidationError

__all__ = ["BackorderMode", "StockPolicy"]


class BackorderMode(enum.StrEnum):
    """What happens when an order wants more than is available."""

    NONE = "none"
    """Refuse: the order cannot be reserved."""
    LIMITED = "limited"
    """Accept up to ``backorder_limit`` waiting units per warehouse."""
    PREORDER = "preorder"
    """Accept up to ``backorder_limit`` waiting units until ``preorder_until``."""


def _mode(value: object) -> BackorderMode:
    return parse_enum(BackorderMode, value, "backorders")


def _service_level(value: object) -> Decimal:
    if isinstance(value, bool | float) or not isinstance(value, Decimal | str | int):
        raise ValidationError("service_level", value, "give a Decimal or string such as '0.95'")
    number = Decimal(value)
    if not Decimal("0.5") <= number < 1:
        raise ValidationError("service_level", value, "must be at least 0.5 and below 1")
    return number


@attrs.frozen(slots=True, kw_only=True)
class StockPolicy:
    """How a SKU is stocked.

    Attributes:
        sku: The SKU it applies to.
        backorders: Whether orders beyond stock are refused, accepted up to a
            limit, or taken as preorders until a date.
        backorder_limit: The most units that may wait for stock per warehouse.
        preorder_until: The last moment preorders are accepted.
        supplier: Who the SKU is bought from, for suggested purchase orders.
        lead_time_days: Days from ordering to receiving.
        service_level: The chance of not running out during the lead time that
            the safety stock aims for (``0.95``).
        min_quantity: Reorder when available plus incoming falls to this
            (min/max policy); ``None`` uses the computed reorder point.
        max_quantity: Order up to this; ``None`` orders enough for one lead
            time on top of the reorder point.
        pack_size: Order in multiples of this.

    Raises:
        ValidationError: The settings contradict each other.
    """

    sku: str = attrs.field(validator=code())
    backorders: BackorderMode = attrs.field(default=BackorderMode.NONE, converter=_mode)
    backorder_limit: int = attrs.field(default=0, validator=count())
    preorder_until: datetime | None = None
    supplier: str | None = attrs.field(
        default=None, converter=blank_to_none, validator=optional_text(120)
    )
    lead_time_days: int = attrs.field(default=7, validator=count())
    service_level: Decimal = attrs.field(default=Decimal("0.95"), converter=_service_level)
    min_quantity: int | None = None
    max_quantity: int | None = None
    pack_size: int = 1

    def __attrs_post_init__(self) -> None:
        if self.backorders is not BackorderMode.NONE and self.backorder_limit < 1:
            raise ValidationError(
                "backorder_limit", self.backorder_limit, "must be at least 1 to take backorders"
            )
        if self.backorders is BackorderMode.PREORDER and self.preorder_until is None:
            raise ValidationError("preorder_until", None, "preorders need an end date")
        if self.preorder_until is not None and self.preorder_until.tzinfo is None:
            raise ValidationError("preorder_until", self.preorder_until, "must be timezone-aware")
        for name in ("min_quantity", "max_quantity"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise ValidationError(name, value, "must be an int or None")
        if (self.min_quantity is None) != (self.max_quantity is None):
            raise ValidationError("max_quantity", self.max_quantity, "give both min and max")
        if (
            self.min_quantity is not None
            and self.max_quantity is not None
            and not 0 <= self.min_quantity < self.max_quantity
        ):
            raise ValidationError("max_quantity", self.max_quantity, "must exceed min >= 0")
        if isinstance(self.pack_size, bool) or not isinstance(self.pack_size, int):
            raise ValidationError("pack_size", self.pack_size, "must be an int >= 1")
        if self.pack_size < 1:
            raise ValidationError("pack_size", self.pack_size, "must be an int >= 1")

    def backorder_limit_at(self, now: datetime) -> int:
        """How many units may wait for stock per warehouse at ``now`` (0: no backorders)."""
        if self.backorders is BackorderMode.NONE:
            return 0
        if self.backorders is BackorderMode.PREORDER:
            assert self.preorder_until is not None
            if now >= self.preorder_until:
                return 0
        return self.backorder_limit
