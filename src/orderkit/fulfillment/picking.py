"""Pick priorities and pick lists: which shipments to pick first, together, in which walk.

:class:`PriorityRules` scores a shipment from its order (lower goes first):
express service, a ship-by deadline close at hand, a VIP customer and age
each move it forward, with the reasons kept. :func:`plan_pick_lists` groups
waiting shipments by keys (destination country, carrier, service, ship-by
day, priority), cuts the groups into batches within order and line limits,
and lists each batch's units by bin location, so a picker walks the aisles
once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta

import attrs

from orderkit.errors import InvalidQuantity, ValidationError
from orderkit.fulfillment.shipments import Shipment
from orderkit.lifecycle.ports import Order

__all__ = [
    "GROUP_KEYS",
    "PickLine",
    "PickList",
    "PriorityRules",
    "plan_pick_lists",
    "share_found",
]


def _positive(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(attribute.name, value, "must be a positive int")


def _text_set(value: object) -> frozenset[str]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError("services", value, "give a set of names")
    items = frozenset(value)
    if not all(isinstance(item, str) for item in items):
        raise ValidationError("services", value, "names are texts")
    return items


@attrs.frozen(slots=True)
class PriorityRules:
    """How a shipment's pick priority follows from its order (lower is picked first).

    The score starts at the order's own ``priority`` (100 unless set) and
    each rule that holds takes its points off.

    Attributes:
        express_services: Service codes that count as express (the rate
            choice's or the label's service).
        express_points: Taken off for an express service.
        deadline_within: A ship-by closer than this counts as urgent.
        deadline_points: Taken off for an urgent ship-by (or one already missed).
        vip_tag: The order tag that marks a VIP customer.
        vip_points: Taken off for a VIP.
        age_points_per_day: Taken off per whole day since the order was placed.
    """

    express_services: frozenset[str] = attrs.field(
        default=frozenset({"express"}), converter=_text_set
    )
    express_points: int = 30
    deadline_within: timedelta = timedelta(hours=12)
    deadline_points: int = 40
    vip_tag: str = "vip"
    vip_points: int = 20
    age_points_per_day: int = 5

    def score(self, order: Order, shipment: Shipment, now: datetime) -> tuple[int, tuple[str, ...]]:
        """The shipment's priority and the reasons behind it (a priority set by hand wins)."""
        if shipment.priority is not None:
            return shipment.priority, (f"set by hand: {shipment.priority_reason}",)
        score, reasons = order.priority, [f"order priority {order.priority}"]
        service = shipment.service or (
            shipment.rate_choice.chosen.service if shipment.rate_choice else None
        )
        if service in self.express_services:
            score -= self.express_points
            reasons.append(f"express service {service}")
        if shipment.ship_by is not None and shipment.ship_by - now <= self.deadline_within:
            score -= self.deadline_points
            reasons.append(f"ship by {shipment.ship_by.isoformat(timespec='minutes')}")
        if self.vip_tag in order.tags:
            score -= self.vip_points
            reasons.append("VIP customer")
        days = max((now - order.placed_at).days, 0)
        if days and self.age_points_per_day:
            score -= days * self.age_points_per_day
            reasons.append(f"waiting {days} days")
        return score, tuple(reasons)


@attrs.frozen(slots=True)
class PickLine:
    """Units of one SKU to take from one bin, and which shipments they go to.

    Attributes:
        bin: The bin location (``None`` when the SKU has none: walked last).
        sku: The SKU.
        quantity: Units to take.
        shipments: ``(shipment id, units)`` in priority order.
    """

    bin: str | None
    sku: str
    quantity: int
    shipments: tuple[tuple[str, int], ...]


@attrs.frozen(slots=True)
class PickList:
    """One picker's round: shipments picked together and the walk through the bins.

    Attributes:
        warehouse: Where.
        group: The values of the grouping keys the shipments share.
        shipments: Shipment ids, most urgent first.
        lines: What to take, in bin order.
        priorities: Each shipment's score and reasons, by id.
    """

    warehouse: str
    group: tuple[tuple[str, str], ...]
    shipments: tuple[str, ...]
    lines: tuple[PickLine, ...]
    priorities: Mapping[str, tuple[int, tuple[str, ...]]]


GROUP_KEYS: Mapping[str, Callable[[Order, Shipment, int], str]] = {
    "country": lambda order, shipment, _: order.ship_to.country,
    "carrier": lambda order, shipment, _: (
        shipment.carrier
        or (shipment.rate_choice.chosen.carrier if shipment.rate_choice else None)
        or "unassigned"
    ),
    "service": lambda order, shipment, _: (
        shipment.service
        or (shipment.rate_choice.chosen.service if shipment.rate_choice else None)
        or "unassigned"
    ),
    "ship_by": lambda order, shipment, _: (
        shipment.ship_by.date().isoformat() if shipment.ship_by else "none"
    ),
    "priority": lambda order, shipment, score: str(score),
}
"""The keys pick lists can be grouped by."""


_Group = tuple[tuple[str, str], ...]
_Member = tuple[Shipment, tuple[int, tuple[str, ...]]]


def _bin_order(line: PickLine) -> tuple[bool, str, str]:
    return (line.bin is None, line.bin or "", line.sku)


def plan_pick_lists(
    warehouse: str,
    waiting: Sequence[tuple[Order, Shipment]],
    bins: Mapping[str, str],
    now: datetime,
    *,
    rules: PriorityRules | None = None,
    group_by: Sequence[str] = (),
    max_orders: int = 20,
    max_lines: int = 200,
) -> list[PickList]:
    """Batch waiting shipments into pick lists, most urgent batches first.

    Shipments are ordered by priority score, then ship-by, then age; each
    group (by ``group_by``) is cut into batches of at most ``max_orders``
    shipments and ``max_lines`` pick lines. ``max_orders=1`` makes
    single-order picking.

    Raises:
        ValidationError: An unknown grouping key or a limit below one.
    """
    rules = rules or PriorityRules()
    if (
        isinstance(group_by, str | bytes)
        or not isinstance(group_by, Sequence)
        or not all(isinstance(key, str) and key in GROUP_KEYS for key in group_by)
    ):
        raise ValidationError("group_by", group_by, f"use keys from {sorted(GROUP_KEYS)}")
    for name, limit in (("max_orders", max_orders), ("max_lines", max_lines)):
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValidationError(name, limit, "must be a positive int")
    scored = []
    for order, shipment in waiting:
        score, reasons = rules.score(order, shipment, now)
        far = datetime.max.replace(tzinfo=now.tzinfo)
        rank = (score, shipment.ship_by or far, shipment.created_at, shipment.id)
        group = tuple((key, GROUP_KEYS[key](order, shipment, score)) for key in group_by)
        scored.append((rank, group, shipment, (score, reasons)))
    scored.sort(key=lambda item: item[0])
    groups: dict[
        tuple[tuple[str, str], ...], list[tuple[Shipment, tuple[int, tuple[str, ...]]]]
    ] = {}
    for _, group, shipment, priority in scored:
        groups.setdefault(group, []).append((shipment, priority))
    lists = []
    for group, members in groups.items():
        batch: list[_Member] = []
        for member in members:
            trial = [*batch, member]
            if batch and (len(trial) > max_orders or _line_count(trial) > max_lines):
                lists.append(_pick_list(warehouse, group, batch, bins))
                trial = [member]
            batch = trial
        if batch:
            lists.append(_pick_list(warehouse, group, batch, bins))
    return lists


def _line_count(batch: Sequence[tuple[Shipment, object]]) -> int:
    return len({line.sku for shipment, _ in batch for line in shipment.lines})


def _pick_list(
    warehouse: str,
    group: tuple[tuple[str, str], ...],
    batch: Sequence[tuple[Shipment, tuple[int, tuple[str, ...]]]],
    bins: Mapping[str, str],
) -> PickList:
    by_sku: dict[str, list[tuple[str, int]]] = {}
    for shipment, _ in batch:
        for line in shipment.lines:
            by_sku.setdefault(line.sku, []).append((shipment.id, line.quantity))
    lines = sorted(
        (
            PickLine(bins.get(sku), sku, sum(units for _, units in takers), tuple(takers))
            for sku, takers in by_sku.items()
        ),
        key=_bin_order,
    )
    return PickList(
        warehouse=warehouse,
        group=group,
        shipments=tuple(shipment.id for shipment, _ in batch),
        lines=tuple(lines),
        priorities={shipment.id: priority for shipment, priority in batch},
    )


def share_found(pick_list: PickList, found: Mapping[str, int]) -> dict[str, dict[str, int]]:
    """Share the units found per SKU among the list's shipments, most urgent first.

    SKUs not named were found in full. Returns the units picked per shipment
    and SKU.

    Raises:
        ValidationError, InvalidQuantity: A SKU not on the list, or more units
            found than the list asks for.
    """
    wanted = {line.sku: line for line in pick_list.lines}
    for sku, units in found.items():
        if sku not in wanted:
            raise ValidationError(f"found[{sku}]", units, "is not on this pick list")
        most = wanted[sku].quantity
        if isinstance(units, bool) or not isinstance(units, int) or not 0 <= units <= most:
            raise InvalidQuantity(f"found[{sku}]", units, f"must be an int from 0 to {most}")
    picked: dict[str, dict[str, int]] = {shipment: {} for shipment in pick_list.shipments}
    for sku, line in wanted.items():
        left = found.get(sku, line.quantity)
        for shipment, units in line.shipments:
            take = min(units, left)
            picked[shipment][sku] = take
            left -= take
    return picked
