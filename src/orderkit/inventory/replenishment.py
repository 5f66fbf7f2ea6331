"""Replenishment: demand, safety stock, reorder points, days of cover, suggested orders.

Demand is what actually shipped: the ``commit`` movements of the ledger,
counted per day. From the mean daily demand *d*, its standard deviation *s*,
the lead time *L* in days and the service level *p*:

- safety stock = z(p) · s · √L, with z the standard normal quantile;
- reorder point = d · L + safety stock;
- days of cover = available ÷ d.

A SKU needs ordering when available plus incoming falls to its reorder point
(or to ``min_quantity`` under a min/max policy). The suggested quantity brings
it to ``max_quantity``, or to the reorder point plus one lead time of demand,
rounded up to the pack size.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

import attrs

from orderkit.inventory.ledger import MovementKind, StockMovement
from orderkit.inventory.policies import StockPolicy

__all__ = ["DemandProfile", "ReplenishmentAdvice", "advise", "demand_profile"]


@attrs.frozen
class DemandProfile:
    """Daily demand of one SKU in one warehouse over a window.

    Attributes:
        sku: The SKU.
        warehouse: The warehouse.
        days: The length of the window in days.
        units: Units shipped in the window.
        mean_daily: Mean units per day.
        stdev_daily: Standard deviation of units per day (population).
    """

    sku: str
    warehouse: str
    days: int
    units: int
    mean_daily: float
    stdev_daily: float


def demand_profile(
    movements: Iterable[StockMovement], sku: str, warehouse: str, start: date, end: date
) -> DemandProfile:
    """Count units of ``sku`` shipped from ``warehouse`` per day, ``start`` to ``end`` inclusive.

    Days without shipments count as zero demand.

    Examples:
        >>> from datetime import UTC, datetime
        >>> ledger = [StockMovement.of("commit", "A", "W", 4,
        ...     occurred_at=datetime(2026, 1, 2, tzinfo=UTC))]
        >>> demand_profile(ledger, "A", "W", date(2026, 1, 1), date(2026, 1, 4)).mean_daily
        1.0
    """
    days = (end - start).days + 1
    per_day: Counter[date] = Counter()
    for movement in movements:
        if movement.kind is not MovementKind.COMMIT:
            continue
        if (movement.sku, movement.warehouse) != (sku, warehouse):
            continue
        day = movement.occurred_at.date()
        if start <= day <= end:
            per_day[day] += -movement.on_hand_delta
    series = [per_day.get(start + timedelta(days=offset), 0) for offset in range(max(days, 0))]
    if not series:
        return DemandProfile(sku, warehouse, 0, 0, 0.0, 0.0)
    return DemandProfile(
        sku,
        warehouse,
        days,
        sum(series),
        statistics.fmean(series),
        statistics.pstdev(series),
    )


@attrs.frozen
class ReplenishmentAdvice:
    """What to do about one SKU in one warehouse.

    Attributes:
        sku: The SKU.
        warehouse: The warehouse.
        supplier: Who to order from (from the stock policy), if known.
        available: Units on hand and not reserved.
        incoming: Units on open purchase orders.
        backordered: Units waiting for stock.
        safety_stock: Units kept against demand swings during the lead time.
        reorder_point: Order when available plus incoming minus backorders falls to this.
        suggested_quantity: Units to order now (0: nothing to do).
        days_of_cover: How many days the available units last at mean demand
            (``None`` when there is no demand).
        overstock: Units above the policy's maximum, or above twice the order-up-to
            level; with no demand and no maximum, all available units are overstock.
    """

    sku: str
    warehouse: str
    supplier: str | None
    available: int
    incoming: int
    backordered: int
    safety_stock: int
    reorder_point: int
    suggested_quantity: int
    days_of_cover: Decimal | None
    overstock: int

    @property
    def stocked_out(self) -> bool:
        """Nothing is available: every unit on hand is promised, or there is none."""
        return self.available == 0


def advise(
    profile: DemandProfile,
    policy: StockPolicy,
    *,
    available: int,
    incoming: int,
    backordered: int = 0,
) -> ReplenishmentAdvice:
    """Compute the reorder point and the quantity to order for one SKU and warehouse.

    Examples:
        >>> profile = DemandProfile("A", "W", 30, 300, 10.0, 3.0)
        >>> advice = advise(profile, StockPolicy(sku="A", lead_time_days=4), available=40,
        ...                 incoming=0)
        >>> advice.safety_stock, advice.reorder_point, advice.suggested_quantity
        (10, 50, 50)
    """
    lead = policy.lead_time_days
    z = statistics.NormalDist().inv_cdf(float(policy.service_level))
    safety = math.ceil(z * profile.stdev_daily * math.sqrt(lead))
    reorder_point = math.ceil(profile.mean_daily * lead) + safety
    position = available + incoming - backordered
    if policy.min_quantity is not None and policy.max_quantity is not None:
        trigger, order_up_to = policy.min_quantity, policy.max_quantity
    else:
        trigger, order_up_to = reorder_point, reorder_point + math.ceil(profile.mean_daily * lead)
    suggested = 0
    if position <= trigger and order_up_to > position:
        suggested = math.ceil((order_up_to - position) / policy.pack_size) * policy.pack_size
    cover = None
    if profile.mean_daily > 0:
        cover = (Decimal(available) / Decimal(str(profile.mean_daily))).quantize(Decimal("0.1"))
    ceiling = policy.max_quantity if policy.max_quantity is not None else 2 * order_up_to
    overstock = max(available - ceiling, 0)
    return ReplenishmentAdvice(
        sku=profile.sku,
        warehouse=profile.warehouse,
        supplier=policy.supplier,
        available=available,
        incoming=incoming,
        backordered=backordered,
        safety_stock=safety,
        reorder_point=reorder_point,
        suggested_quantity=suggested,
        days_of_cover=cover,
        overstock=overstock,
    )
