"""Routing: which warehouses fulfil an order, and why.

Routing is a pipeline: **filter** the warehouses that can ship to the
destination and hold some of the stock, **rank** them with a strategy, then
**allocate** each line to the ranked warehouses, **splitting** a line only when
no single warehouse can cover it. Every step adds a sentence to the plan's
explanation, so a person can see why an order went where it went.

Strategies implement :class:`RoutingStrategy`. orderkit bundles
:class:`ByPriority`, :class:`Nearest` and :class:`FewestShipments`; a host writes
its own by subclassing :class:`RankingStrategy` (rank only) or implementing the
protocol (rank and allocate).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Protocol

import attrs

from orderkit.core.addresses import Coordinates
from orderkit.errors import InsufficientStock
from orderkit.inventory.warehouses import Warehouse

__all__ = [
    "Allocation",
    "ByPriority",
    "FewestShipments",
    "Nearest",
    "RankingStrategy",
    "RoutingPlan",
    "RoutingRequest",
    "RoutingStrategy",
    "distance_km",
    "route",
]

Availability = Mapping[tuple[str, str], int]
"""Available units by (SKU, warehouse code)."""


@attrs.frozen
class RoutingRequest:
    """What to route: summed ``(sku, quantity)`` lines and where they go.

    Attributes:
        lines: One ``(sku, quantity)`` per SKU.
        country: The destination country, or ``None`` when unknown.
        coordinates: The destination's coordinates, for distance-based strategies.
    """

    lines: tuple[tuple[str, int], ...]
    country: str | None = None
    coordinates: Coordinates | None = None


@attrs.frozen
class Allocation:
    """Units of one SKU to take from one warehouse."""

    warehouse: str
    sku: str
    quantity: int


@attrs.frozen
class RoutingPlan:
    """Where each line comes from, and the reasons.

    Attributes:
        allocations: Units per warehouse and SKU, in allocation order.
        explanation: Sentences saying why: what was excluded, how warehouses
            were ranked, what was split.
    """

    allocations: tuple[Allocation, ...]
    explanation: tuple[str, ...]

    @property
    def warehouses(self) -> tuple[str, ...]:
        """The warehouses used, in the order they were first allocated."""
        return tuple(dict.fromkeys(a.warehouse for a in self.allocations))

    @property
    def shipments(self) -> int:
        """How many warehouses ship, so how many parcels at least."""
        return len(self.warehouses)


@attrs.frozen
class Ranked:
    """A warehouse in a strategy's order, with the reason for its place."""

    warehouse: Warehouse
    reason: str


class RoutingStrategy(Protocol):
    """Protocol: orders candidate warehouses and allocates lines to them."""

    name: str

    def rank(self, candidates: Sequence[Warehouse], request: RoutingRequest) -> list[Ranked]:
        """Return the candidates best first, each with the reason for its place."""
        ...

    def allocate(
        self, ranked: Sequence[Ranked], request: RoutingRequest, available: Availability
    ) -> tuple[list[Allocation], list[str]]:
        """Return allocations covering every line, and sentences explaining them.

        Raises:
            InsufficientStock: A line cannot be covered by all candidates together.
        """
        ...


def _greedy(
    ranked: Sequence[Ranked], request: RoutingRequest, available: Availability
) -> tuple[list[Allocation], list[str]]:
    allocations: list[Allocation] = []
    notes: list[str] = []
    for sku, quantity in request.lines:
        missing = quantity
        sources = []
        for entry in ranked:
            code = entry.warehouse.code
            take = min(missing, available.get((sku, code), 0))
            if take > 0:
                allocations.append(Allocation(code, sku, take))
                sources.append(f"{take} from {code}")
                missing -= take
            if missing == 0:
                break
        if missing:
            total = sum(available.get((sku, e.warehouse.code), 0) for e in ranked)
            raise InsufficientStock(sku, None, quantity, total)
        if len(sources) > 1:
            notes.append(f"{sku} split: {', '.join(sources)} (no single warehouse had {quantity})")
    return allocations, notes


class RankingStrategy:
    """A strategy that only ranks; lines go to the best-ranked warehouse that has them.

    Subclass it and implement :meth:`rank` to write your own strategy.
    """

    name = "ranking"

    def rank(self, candidates: Sequence[Warehouse], request: RoutingRequest) -> list[Ranked]:
        """Return the candidates best first. Subclasses implement this."""
        raise NotImplementedError

    def allocate(
        self, ranked: Sequence[Ranked], request: RoutingRequest, available: Availability
    ) -> tuple[list[Allocation], list[str]]:
        """Take each line from the best-ranked warehouses that have it, splitting only if needed."""
        return _greedy(ranked, request, available)


class ByPriority(RankingStrategy):
    """Rank by the warehouses' ``priority`` (lower first), then code."""

    name = "priority"

    def rank(self, candidates: Sequence[Warehouse], request: RoutingRequest) -> list[Ranked]:
        """Lowest priority number first."""
        ordered = sorted(candidates, key=lambda w: (w.priority, w.code))
        return [Ranked(w, f"{w.code}: priority {w.priority}") for w in ordered]


def distance_km(a: Coordinates, b: Coordinates) -> float:
    """The great-circle distance between two points in kilometres (haversine).

    Examples:
        >>> berlin, paris = Coordinates(52.52, 13.405), Coordinates(48.857, 2.352)
        >>> round(distance_km(berlin, paris))
        877
    """
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


class Nearest(RankingStrategy):
    """Rank by great-circle distance to the destination; unknown locations go last by priority."""

    name = "nearest"

    def rank(self, candidates: Sequence[Warehouse], request: RoutingRequest) -> list[Ranked]:
        """Closest first."""
        target = request.coordinates

        def key(warehouse: Warehouse) -> tuple[float, int, str]:
            here = warehouse.address.coordinates
            far = math.inf if target is None or here is None else distance_km(here, target)
            return (far, warehouse.priority, warehouse.code)

        ranked = []
        for warehouse in sorted(candidates, key=key):
            far = key(warehouse)[0]
            where = "distance unknown" if math.isinf(far) else f"{far:,.0f} km away"
            ranked.append(Ranked(warehouse, f"{warehouse.code}: {where}"))
        return ranked


class FewestShipments:
    """Prefer one warehouse that has everything; otherwise split over as few as possible.

    The smallest set of warehouses that covers every line is found exactly,
    trying sets in ranking order, for up to :attr:`exact_up_to` candidate
    warehouses; beyond that a greedy cover (the warehouse covering the most
    units first) keeps routing fast. Ties are broken by another strategy's
    ranking (:class:`ByPriority` by default).
    """

    name = "fewest_shipments"
    exact_up_to = 12

    def __init__(self, then: RankingStrategy | None = None) -> None:
        self.then = then if then is not None else ByPriority()

    def rank(self, candidates: Sequence[Warehouse], request: RoutingRequest) -> list[Ranked]:
        """Rank by the tie-breaking strategy."""
        return self.then.rank(candidates, request)

    def allocate(
        self, ranked: Sequence[Ranked], request: RoutingRequest, available: Availability
    ) -> tuple[list[Allocation], list[str]]:
        """Cover the lines with the fewest warehouses, then take each line in ranking order."""
        chosen = self._cover(ranked, request, available)
        allocations, _ = _greedy(chosen, request, available)
        used = list(dict.fromkeys(allocation.warehouse for allocation in allocations))
        if len(used) == 1:
            return allocations, [f"{used[0]} has every line: one shipment"]
        return allocations, [
            f"no warehouse has every line: split over {len(used)} ({', '.join(used)})"
        ]

    def _cover(
        self, ranked: Sequence[Ranked], request: RoutingRequest, available: Availability
    ) -> list[Ranked]:
        def covers(entries: Sequence[Ranked]) -> bool:
            return all(
                sum(available.get((sku, e.warehouse.code), 0) for e in entries) >= quantity
                for sku, quantity in request.lines
            )

        if not covers(ranked):
            _greedy(ranked, request, available)  # raises InsufficientStock naming the line
        if len(ranked) <= self.exact_up_to:
            for size in range(1, len(ranked) + 1):
                for entries in itertools.combinations(ranked, size):
                    if covers(entries):
                        return list(entries)
        chosen: list[Ranked] = []
        remaining = dict(request.lines)
        pool = list(ranked)
        while remaining:

            def gain(entry: Ranked) -> int:
                code = entry.warehouse.code
                return sum(min(q, available.get((s, code), 0)) for s, q in remaining.items())

            best = max(pool, key=gain)  # max keeps the earliest ranked among equals
            pool.remove(best)
            chosen.append(best)
            for sku in list(remaining):
                remaining[sku] -= min(remaining[sku], available.get((sku, best.warehouse.code), 0))
                if remaining[sku] == 0:
                    del remaining[sku]
        return sorted(chosen, key=ranked.index)


def route(
    request: RoutingRequest,
    warehouses: Sequence[Warehouse],
    available: Availability,
    strategy: RoutingStrategy | None = None,
) -> RoutingPlan:
    """Decide which warehouses fulfil ``request``.

    Args:
        request: The summed lines and the destination.
        warehouses: Every warehouse of the shop.
        available: Available units by (SKU, warehouse code).
        strategy: How to rank and allocate; :class:`ByPriority` by default.

    Raises:
        InsufficientStock: The eligible warehouses together lack a line.

    Examples:
        >>> from orderkit.core.addresses import Address
        >>> def hub(code, priority):
        ...     address = Address(name=code, line1="1 Dock", city="X",
        ...                       country="DE")
        ...     return Warehouse(code, code, address, priority=priority)
        >>> plan = route(RoutingRequest((("TEE", 3),), "DE"), [hub("A", 2), hub("B", 1)],
        ...              {("TEE", "A"): 5, ("TEE", "B"): 1})
        >>> [(a.warehouse, a.quantity) for a in plan.allocations]
        [('B', 1), ('A', 2)]
    """
    strategy = strategy if strategy is not None else ByPriority()
    skus = {sku for sku, _ in request.lines}
    explanation: list[str] = [f"strategy: {strategy.name}"]
    candidates = []
    for warehouse in warehouses:
        if not warehouse.active:
            explanation.append(f"{warehouse.code} skipped: inactive")
        elif request.country is not None and not warehouse.ships_to(request.country):
            explanation.append(f"{warehouse.code} skipped: does not ship to {request.country}")
        elif not any(available.get((sku, warehouse.code), 0) > 0 for sku in skus):
            explanation.append(f"{warehouse.code} skipped: none of the stock")
        else:
            candidates.append(warehouse)
    ranked = strategy.rank(candidates, request)
    explanation.extend(entry.reason for entry in ranked)
    allocations, notes = strategy.allocate(ranked, request, available)
    explanation.extend(notes)
    return RoutingPlan(tuple(allocations), tuple(explanation))
