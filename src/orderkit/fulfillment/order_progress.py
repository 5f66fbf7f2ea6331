"""How an order follows its shipments: its per-line counters, then its state.

The counters are set from the shipments (units picked, packed, shipped,
delivered); the state then moves along the order workflow as far as the
counters say, firing the workflow's own commands so that history, events,
permissions and stock follow as for any other step. A host workflow that
lacks a command simply stops the state where it is; the counters still tell.
"""

from __future__ import annotations

from collections.abc import Iterable

from orderkit.fulfillment.ports import OrderSteps
from orderkit.fulfillment.shipments import Shipment, ShipmentState
from orderkit.lifecycle.ports import Order, OrderState, OrdersUnitOfWork

__all__ = ["follow_shipments", "shipment_counts"]

_COUNTED = ("picked", "packed", "shipped", "delivered")

_S = ShipmentState
_STAGES_REACHED: dict[ShipmentState, tuple[str, ...]] = {
    _S.CREATED: (),
    _S.PICKED: ("picked",),
    _S.PACKED: ("picked", "packed"),
    _S.LABEL_PURCHASED: ("picked", "packed"),
    _S.SHIPPED: ("picked", "packed", "shipped"),
    _S.IN_TRANSIT: ("picked", "packed", "shipped"),
    _S.OUT_FOR_DELIVERY: ("picked", "packed", "shipped"),
    _S.DELIVERY_FAILED: ("picked", "packed", "shipped"),
    _S.EXCEPTION: ("picked", "packed", "shipped"),
    _S.RETURNED_TO_SENDER: ("picked", "packed", "shipped"),
    _S.DELIVERED: ("picked", "packed", "shipped", "delivered"),
    _S.CANCELLED: (),
}

_O = OrderState
# The workflow commands that take an order from a state towards each target.
_PATHS: dict[OrderState, dict[OrderState, tuple[str, ...]]] = {
    _O.PICKING: {_O.READY_TO_FULFIL: ("start_picking",)},
    _O.PACKED: {_O.READY_TO_FULFIL: ("start_picking", "pack"), _O.PICKING: ("pack",)},
    _O.PARTIALLY_SHIPPED: {
        _O.READY_TO_FULFIL: ("start_picking", "ship_partially"),
        _O.PICKING: ("ship_partially",),
        _O.PACKED: ("ship_partially",),
    },
    _O.SHIPPED: {
        _O.READY_TO_FULFIL: ("start_picking", "pack", "ship"),
        _O.PICKING: ("pack", "ship"),
        _O.PACKED: ("ship",),
        _O.PARTIALLY_SHIPPED: ("ship",),
    },
    _O.DELIVERED: {
        _O.READY_TO_FULFIL: ("start_picking", "pack", "ship", "deliver"),
        _O.PICKING: ("pack", "ship", "deliver"),
        _O.PACKED: ("ship", "deliver"),
        _O.PARTIALLY_SHIPPED: ("ship", "deliver"),
        _O.SHIPPED: ("deliver",),
    },
}


def shipment_counts(order: Order, shipments: Iterable[Shipment]) -> dict[str, dict[str, int]]:
    """The counters each of the order's lines gets from its shipments.

    Units shipped or delivered outside shipments (through the workflow's own
    ``ship`` and ``deliver``) are kept: those counters never drop.
    """
    reached = {line.sku: dict.fromkeys(_COUNTED, 0) for line in order.lines}
    for shipment in shipments:
        stages = _STAGES_REACHED[shipment.state]
        for item in shipment.lines:
            counts = reached[item.sku]
            for stage in stages:
                counts[stage] += item.quantity
    for line in order.lines:
        counts = reached[line.sku]
        counts["delivered"] = max(counts["delivered"], line.delivered)
        counts["shipped"] = max(counts["shipped"], line.shipped, counts["delivered"])
        counts["packed"] = max(counts["packed"], counts["shipped"])
        counts["picked"] = max(counts["picked"], counts["packed"])
    return reached


def _target(order: Order) -> OrderState | None:
    open_units = order.item_count
    if not open_units:
        return None
    total = {stage: sum(getattr(line, stage) for line in order.lines) for stage in _COUNTED}
    if total["delivered"] == open_units:
        return OrderState.DELIVERED
    if total["shipped"] == open_units:
        return OrderState.SHIPPED
    if total["shipped"]:
        return OrderState.PARTIALLY_SHIPPED
    if total["packed"] == open_units:
        return OrderState.PACKED
    if total["picked"]:
        return OrderState.PICKING
    return None


def follow_shipments(
    uow: OrdersUnitOfWork,
    orders: OrderSteps,
    order: Order,
    shipments: Iterable[Shipment],
    *,
    actor: str,
) -> None:
    """Set the order's counters from its shipments, then move its state as far as they say."""
    order.follow_shipments(shipment_counts(order, shipments))
    target = _target(order)
    if target is None:
        return
    workflow = orders.policy.workflow
    for command in _PATHS[target].get(order.state, ()):  # type: ignore[call-overload]
        if command not in workflow.allowed(order.state):
            return
        orders.fire_within(uow, order, command, actor=actor, reason=None)
