"""Deciding where a reservation's units are held and which wait as backorders.

Pure decisions over what the service read: the stock available per
(SKU, warehouse), the warehouses that may serve, each SKU's policy. The service
reads, asks here, then writes the movements; following a quantity from a
request to the ledger means reading :func:`plan_stock` once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

import attrs

from orderkit.core.addresses import Coordinates
from orderkit.errors import InsufficientStock
from orderkit.inventory.policies import StockPolicy
from orderkit.inventory.routing import RoutingRequest, RoutingStrategy, route
from orderkit.inventory.warehouses import Warehouse

__all__ = ["StockPlan", "backorder_warehouse", "plan_stock", "split_shortfall"]

Place = tuple[str, str]
"""A (SKU, warehouse) pair."""


@attrs.frozen
class StockPlan:
    """Units to hold and units to backorder, per (SKU, warehouse).

    Attributes:
        held: Units reserved from stock.
        waiting: Units backordered, waiting for stock in that warehouse.
    """

    held: Mapping[Place, int]
    waiting: Mapping[Place, int]

    @property
    def places(self) -> list[Place]:
        """Every (SKU, warehouse) the plan touches, in the order writes must follow.

        Every process writes in this same order, so concurrent writers on
        PostgreSQL lock rows without deadlock.
        """
        return sorted(set(self.held) | set(self.waiting))


def plan_stock(
    wanted: Sequence[tuple[str, int]],
    *,
    candidates: Sequence[Warehouse],
    available: Mapping[Place, int],
    country: str | None,
    coordinates: Coordinates | None,
    strategy: RoutingStrategy,
    now: datetime,
    policy_of: Callable[[str], StockPolicy],
    expecting: Callable[[str], set[str]],
    warehouse: str | None = None,
) -> StockPlan:
    """Decide reserved and backordered units per (SKU, warehouse).

    A SKU the eligible warehouses hold enough of is routed by ``strategy``;
    the units beyond their stock wait as a backorder in
    :func:`backorder_warehouse` when the SKU's policy allows it.

    Args:
        wanted: Summed ``(sku, quantity)`` lines, kits already expanded.
        candidates: The warehouses that may serve (one when the request names it).
        available: Units available per (SKU, warehouse).
        country: The ship-to country, which a warehouse must ship to.
        coordinates: The ship-to location, for distance-based strategies.
        strategy: How warehouses are ranked.
        now: When the decision is made (backorder limits can lapse).
        policy_of: The stock policy of a SKU (read only for a SKU that is short).
        expecting: The warehouses a purchase order will bring the SKU to.
        warehouse: The warehouse the request named, for the error.

    Raises:
        InsufficientStock: A line cannot be covered and may not be backordered.
    """
    eligible = [w for w in candidates if w.active and (country is None or w.ships_to(country))]
    totals = {sku: sum(available.get((sku, w.code), 0) for w in eligible) for sku, _ in wanted}
    routable: list[tuple[str, int]] = []
    waiting: dict[Place, int] = {}
    for sku, quantity in wanted:
        short = quantity - totals[sku]
        if short > 0:
            if not policy_of(sku).backorder_limit_at(now) or not eligible:
                searched = [w.code for w in eligible]
                raise InsufficientStock(sku, warehouse, quantity, totals[sku], searched=searched)
            request = RoutingRequest(((sku, short),), country, coordinates)
            target = backorder_warehouse(eligible, request, strategy, expecting(sku))
            waiting[(sku, target)] = short
            quantity -= short
        if quantity:
            routable.append((sku, quantity))
    held: dict[Place, int] = {}
    if routable:
        plan = route(
            RoutingRequest(tuple(routable), country, coordinates), candidates, available, strategy
        )
        for allocation in plan.allocations:
            place = (allocation.sku, allocation.warehouse)
            held[place] = held.get(place, 0) + allocation.quantity
    return StockPlan(held, waiting)


def backorder_warehouse(
    eligible: Sequence[Warehouse],
    request: RoutingRequest,
    strategy: RoutingStrategy,
    expecting: set[str],
) -> str:
    """Where a backorder waits: the best-ranked warehouse expecting the SKU, else the best."""
    ranked = strategy.rank(list(eligible), request)
    for entry in ranked:
        if entry.warehouse.code in expecting:
            return entry.warehouse.code
    return ranked[0].warehouse.code


def split_shortfall(
    sku: str,
    warehouse: str,
    quantity: int,
    available: int,
    policy: StockPolicy,
    now: datetime,
) -> tuple[int, int]:
    """Units to hold and to backorder when a warehouse has fewer than ``quantity`` available.

    Raises:
        InsufficientStock: The SKU may not be backordered now.
    """
    if not policy.backorder_limit_at(now):
        raise InsufficientStock(sku, warehouse, quantity, available)
    return available, quantity - available
