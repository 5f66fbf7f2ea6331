"""Use cases of purchasing: purchase orders, receipts, and replenishment advice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import attrs

from orderkit.core.access import reads, writes
from orderkit.core.checks import require_aware, require_code, require_text
from orderkit.core.context import ServiceContext, retried
from orderkit.errors import ValidationError
from orderkit.inventory.events import PurchaseOrderProblem
from orderkit.inventory.ledger import MovementKind, StockMovement
from orderkit.inventory.policies import StockPolicy
from orderkit.inventory.ports import InventoryUnitOfWork
from orderkit.inventory.purchasing import PurchaseOrder, PurchaseOrderLine
from orderkit.inventory.replenishment import (
    DemandProfile,
    ReplenishmentAdvice,
    advise,
    demand_profile,
)
from orderkit.inventory.reservations import summed_lines
from orderkit.inventory.stock import StockLevel
from orderkit.inventory.stock_keeping import apply_movement

__all__ = ["PurchaseOrderSuggestion", "PurchasingService"]


@attrs.frozen
class PurchaseOrderSuggestion:
    """A purchase order worth placing: one supplier, one warehouse, the lines to order.

    Attributes:
        supplier: Who to order from.
        warehouse: Where the stock should arrive.
        lines: ``(sku, quantity)`` to order.
        advice: The advice behind each line.
    """

    supplier: str
    warehouse: str
    lines: tuple[tuple[str, int], ...]
    advice: tuple[ReplenishmentAdvice, ...]


class PurchasingService:
    """``shop.purchasing``: buying stock and knowing when to buy it."""

    def __init__(self, context: ServiceContext[InventoryUnitOfWork]) -> None:
        self._context = context

    @writes("purchasing.order")
    @retried
    def create_order(
        self,
        supplier: str,
        warehouse: str,
        lines: Sequence[tuple[str, int]],
        *,
        expected_at: datetime | None = None,
    ) -> PurchaseOrder:
        """Place a purchase order; its units count as incoming until received.

        Raises:
            ProductNotFound, WarehouseNotFound: Unknown SKU or warehouse.
            ValidationError: Malformed lines, or a kit SKU (order its components).
        """
        supplier = require_text(supplier, "supplier", 120)
        wanted = summed_lines(lines)
        context = self._context
        with context.store.unit_of_work() as uow:
            uow.warehouses.get(require_code(warehouse, "warehouse"))
            for sku, _ in wanted:
                if uow.products.get(sku).is_kit:
                    raise ValidationError("sku", sku, "is a kit; order its components")
            order = PurchaseOrder(
                id=context.ids.new(),
                supplier=supplier,
                warehouse=warehouse,
                lines=[PurchaseOrderLine(sku, quantity) for sku, quantity in wanted],
                created_at=context.clock.now(),
                expected_at=expected_at,
            )
            uow.purchase_orders.add(order)
            uow.commit()
        return order

    @writes("purchasing.receive")
    @retried
    def receive(
        self,
        purchase_order_id: str,
        lines: Sequence[tuple[str, int]],
        *,
        accept_over: bool = False,
    ) -> list[StockLevel]:
        """Receive part or all of a purchase order; stock goes on hand and serves backorders.

        The order completes itself when every unit has arrived. More units
        than outstanding are refused, unless ``accept_over``: then they go on
        hand too and a ``PurchaseOrderProblem`` of kind ``over`` says so.

        Returns:
            The stock levels after the receipt, per line.

        Raises:
            PurchaseOrderNotFound: No such purchase order.
            PurchaseOrderClosed: It no longer accepts receipts.
            ValidationError: A SKU is not on the order or more arrived than outstanding.
        """
        arrived = summed_lines(lines)
        context = self._context
        with context.store.unit_of_work() as uow:
            order = uow.purchase_orders.get(purchase_order_id)
            levels = []
            if not isinstance(accept_over, bool):
                raise ValidationError("accept_over", accept_over, "must be True or False")
            for sku, quantity in arrived:
                beyond = quantity - next(
                    (line.outstanding for line in order.lines if line.sku == sku), quantity
                )
                order.receive(sku, quantity, accept_over=accept_over)
                if beyond > 0:
                    self._flag(uow, order, "over", f"{sku} {beyond}")
                movement = StockMovement.of(
                    MovementKind.RECEIVE,
                    sku,
                    order.warehouse,
                    quantity,
                    occurred_at=context.clock.now(),
                    document=f"po:{order.id}",
                )
                levels.append(apply_movement(context, uow, movement))
            uow.purchase_orders.save(order)
            uow.commit()
        return levels

    @writes("purchasing.close")
    @retried
    def close(self, purchase_order_id: str) -> PurchaseOrder:
        """Close a purchase order; what did not arrive is no longer incoming.

        Raises:
            PurchaseOrderClosed: It is not open.
        """
        purchase_order_id = require_code(purchase_order_id, "purchase_order_id")
        with self._context.store.unit_of_work() as uow:
            order = uow.purchase_orders.get(purchase_order_id)
            order.close()
            short = [f"{line.sku} {line.outstanding}" for line in order.lines if line.outstanding]
            if short:
                self._flag(uow, order, "short", ", ".join(short))
            uow.purchase_orders.save(order)
            uow.commit()
        return order

    def _flag(self, uow: InventoryUnitOfWork, order: PurchaseOrder, kind: str, detail: str) -> None:
        self._context.record(
            uow,
            PurchaseOrderProblem,
            aggregate_id=order.id,
            supplier=order.supplier,
            warehouse=order.warehouse,
            kind=kind,
            detail=detail,
        )

    @writes("purchasing.flag")
    @retried
    def flag_late(self, at: datetime | None = None) -> list[PurchaseOrder]:
        """Flag open purchase orders past their expected date, once each, with an event.

        Each gets a ``PurchaseOrderProblem`` of kind ``late``; run it as often
        as you like. Returns the orders flagged now.
        """
        at = self._context.clock.now() if at is None else require_aware(at, "at")
        flagged = []
        with self._context.store.unit_of_work() as uow:
            for order in uow.purchase_orders.open():
                if order.flagged_late or order.expected_at is None or order.expected_at >= at:
                    continue
                order.flagged_late = True
                uow.purchase_orders.save(order)
                expected = order.expected_at.isoformat(timespec="minutes")
                self._flag(uow, order, "late", f"expected {expected}")
                flagged.append(order)
            uow.commit()
        return flagged

    @reads("purchasing.read")
    def problems(self, at: datetime | None = None) -> list[tuple[PurchaseOrder, tuple[str, ...]]]:
        """Open purchase orders that are late (past ``expected_at``) or came over, and why.

        Orders closed short and units received over are also flagged as they
        happen, with a ``PurchaseOrderProblem`` event; late ones by :meth:`flag_late`.

        Args:
            at: The moment to judge lateness at; now by default.
        """
        at = self._context.clock.now() if at is None else require_aware(at, "at")
        with self._context.store.unit_of_work(readonly=True) as uow:
            orders = uow.purchase_orders.open()
        found = [(order, order.problems(at)) for order in orders]
        return sorted(
            ((order, reasons) for order, reasons in found if reasons),
            key=lambda item: (item[0].created_at, item[0].id),
        )

    @reads("purchasing.read")
    def get(self, purchase_order_id: str) -> PurchaseOrder:
        """Return a purchase order.

        Raises:
            PurchaseOrderNotFound: No such purchase order.
        """
        purchase_order_id = require_code(purchase_order_id, "purchase_order_id")
        with self._context.store.unit_of_work(readonly=True) as uow:
            return uow.purchase_orders.get(purchase_order_id)

    @reads("purchasing.read")
    def open_orders(self, *, warehouse: str | None = None) -> list[PurchaseOrder]:
        """Return the open purchase orders, oldest first."""
        if warehouse is not None:
            warehouse = require_code(warehouse, "warehouse")
        with self._context.store.unit_of_work(readonly=True) as uow:
            return uow.purchase_orders.open(warehouse=warehouse)

    @reads("purchasing.read")
    def advice(
        self,
        *,
        days: int = 90,
        warehouse: str | None = None,
        demand: Mapping[str, Decimal | int | float] | None = None,
    ) -> list[ReplenishmentAdvice]:
        """Reorder points, suggested quantities, days of cover and overstock per SKU and warehouse.

        Demand is what shipped in the last ``days`` days (up to yesterday): its
        daily mean, and its swings for the safety stock.

        Args:
            days: The days of history to read.
            warehouse: Only this warehouse.
            demand: Expected daily units per SKU over all warehouses (a
                forecast, such as ``shop.reports.forecasts()``' daily
                averages) to plan with instead of the trailing mean; each
                warehouse gets the share it shipped in the window (an equal
                share when none shipped anywhere).

        Raises:
            ValidationError: ``days`` is not a positive int, or ``demand`` is
                not a mapping of SKUs to numbers of zero or more.
        """
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 36_600:
            raise ValidationError("days", days, "must be an int from 1 to 36600 (a century)")
        expected = _expected_demand(demand)
        if warehouse is not None:
            warehouse = require_code(warehouse, "warehouse")
        today = self._context.clock.now().date()
        start, end = today - timedelta(days=days), today - timedelta(days=1)
        since = datetime.combine(start, time(), tzinfo=UTC)
        with self._context.store.unit_of_work(readonly=True) as uow:
            levels = uow.stock.levels(warehouse=warehouse)
            shipped: dict[tuple[str, str], list[StockMovement]] = {}
            for movement in uow.stock.movements(warehouse=warehouse, since=since):
                if movement.kind is MovementKind.COMMIT:
                    shipped.setdefault((movement.sku, movement.warehouse), []).append(movement)
            policies = {policy.sku: policy for policy in uow.stock_policies.list()}
            open_orders = uow.purchase_orders.open(warehouse=warehouse)
        result = []
        places: dict[str, int] = {}
        for level in levels:
            places[level.sku] = places.get(level.sku, 0) + 1
        for level in levels:
            history = shipped.get((level.sku, level.warehouse), [])
            profile = demand_profile(history, level.sku, level.warehouse, start, end)
            if level.sku in expected:
                profile = _planned(profile, expected[level.sku], shipped, places[level.sku])
            incoming = sum(
                po.outstanding(level.sku) for po in open_orders if po.warehouse == level.warehouse
            )
            result.append(
                advise(
                    profile,
                    policies.get(level.sku) or StockPolicy(sku=level.sku),
                    available=level.available,
                    incoming=incoming,
                    backordered=level.backordered,
                )
            )
        return result

    @reads("purchasing.read")
    def suggestions(self, *, days: int = 90) -> list[PurchaseOrderSuggestion]:
        """Group the advice that says "order now" into purchase orders per supplier and warehouse.

        SKUs without a supplier in their stock policy are left out: set one
        with :meth:`InventoryService.set_policy
        <orderkit.inventory.service.InventoryService.set_policy>`.
        """
        groups: dict[tuple[str, str], list[ReplenishmentAdvice]] = {}
        for item in self.advice(days=days):
            if item.suggested_quantity and item.supplier:
                groups.setdefault((item.supplier, item.warehouse), []).append(item)
        return [
            PurchaseOrderSuggestion(
                supplier=supplier,
                warehouse=warehouse,
                lines=tuple((item.sku, item.suggested_quantity) for item in items),
                advice=tuple(items),
            )
            for (supplier, warehouse), items in sorted(groups.items())
        ]


def _expected_demand(demand: object) -> dict[str, float]:
    """``demand`` checked: SKUs to daily units of zero or more."""
    if demand is None:
        return {}
    if not isinstance(demand, Mapping):
        raise ValidationError("demand", demand, "give a mapping of SKUs to daily units")
    expected = {}
    for sku, units in demand.items():
        if isinstance(units, bool) or not isinstance(units, Decimal | int | float):
            raise ValidationError(f"demand[{sku}]", units, "must be a number of daily units")
        if not 0 <= units < 10**9:
            raise ValidationError(f"demand[{sku}]", units, "must be zero or more")
        expected[require_code(sku, "demand")] = float(units)
    return expected


def _planned(
    profile: DemandProfile,
    daily: float,
    shipped: Mapping[tuple[str, str], list[StockMovement]],
    places: int,
) -> DemandProfile:
    """The profile with its mean replaced by this warehouse's share of ``daily``."""
    here = -sum(m.on_hand_delta for m in shipped.get((profile.sku, profile.warehouse), []))
    everywhere = -sum(
        m.on_hand_delta for (sku, _), moves in shipped.items() if sku == profile.sku for m in moves
    )
    share = here / everywhere if everywhere > 0 else 1 / places
    return attrs.evolve(profile, mean_daily=daily * share)
