"""Inventory health: what stock is worth, what sells, what sits, what ran out.

Everything is per SKU over all warehouses, over a window of days that ends
now. "Sold" is units ordered less units cancelled in the window, from the
sales ledger; stock comes from the movement ledger, replayed backwards from
today's levels to the start of the window.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal

import attrs

from orderkit.core.money import Money
from orderkit.inventory.ports import StockLevel, StockMovement
from orderkit.reports.figures import ratio
from orderkit.reports.table import Cell, Column, ReportTable

__all__ = ["InventoryHealth", "SkuHealth", "abc_classes", "inventory_health"]


@attrs.frozen(slots=True, kw_only=True)
class SkuHealth:
    """One SKU's stock and how it moves.

    Attributes:
        sku: The SKU.
        on_hand: Units on hand now, in every warehouse.
        available: On hand less reserved.
        sold: Units sold in the window (ordered less cancelled).
        net_sales: Net sales in the window, in minor units of ``currency``.
        currency: The currency of ``net_sales`` and ``stock_value``.
        stock_value: ``on_hand`` at the product's cost, when it has one.
        days_of_inventory: On hand / units sold per day; ``None`` without sales.
        sell_through: Sold / (on hand at the start of the window + received in it).
        turnover: Sold / average units on hand (start and end of the window).
        stockouts: How many times on-hand stock ran out in the window.
        stockout_hours: How long it was out, in hours (to now if it still is);
            a SKU not stocked yet is not out of stock.
        dead: Stock on hand and nothing sold for ``dead_after_days``.
        overstock: Days of inventory above the threshold (or stock and no sale).
        abc: ``"A"``, ``"B"`` or ``"C"`` by net sales.
    """

    sku: str
    on_hand: int
    available: int
    sold: int
    net_sales: int
    currency: str | None
    stock_value: Money | None
    days_of_inventory: Decimal | None
    sell_through: Decimal | None
    turnover: Decimal | None
    stockouts: int
    stockout_hours: Decimal
    dead: bool
    overstock: bool
    abc: str


@attrs.frozen(kw_only=True)
class InventoryHealth:
    """The health of the whole stock, and of each SKU.

    Attributes:
        as_of: When it was worked out.
        window_days: The days looked back on.
        skus: Each SKU's health, by SKU.
        stock_value: Stock at cost, per currency.
        dead_stock_value: The part of it that is dead, per currency.
        overstock_value: The part of it that is overstock, per currency.
        stocked_out: SKUs out of stock now that sold in the window: the shortage side.
        classes: How many SKUs are in each ABC class.
    """

    as_of: datetime
    window_days: int
    skus: tuple[SkuHealth, ...]
    stock_value: Mapping[str, Money]
    dead_stock_value: Mapping[str, Money]
    overstock_value: Mapping[str, Money]
    stocked_out: tuple[str, ...]
    classes: Mapping[str, int]

    def to_table(self) -> ReportTable:
        """One row per SKU, most valuable stock first."""
        columns = (
            Column("sku", "SKU"),
            Column("abc", "ABC"),
            Column("on_hand", "On hand"),
            Column("available", "Available"),
            Column("sold", "Sold"),
            Column("stock_value", "Stock value"),
            Column("days_of_inventory", "Days of inventory"),
            Column("sell_through", "Sell-through"),
            Column("turnover", "Turnover"),
            Column("stockouts", "Stock-outs"),
            Column("stockout_hours", "Hours out"),
            Column("dead", "Dead"),
            Column("overstock", "Overstock"),
        )
        rows: list[tuple[Cell, ...]] = []
        for sku in sorted(
            self.skus,
            key=lambda s: (-(s.stock_value.amount if s.stock_value else Decimal(0)), s.sku),
        ):
            rows.append(
                (
                    sku.sku,
                    sku.abc,
                    sku.on_hand,
                    sku.available,
                    sku.sold,
                    sku.stock_value,
                    None if sku.days_of_inventory is None else str(sku.days_of_inventory),
                    sku.sell_through,
                    None if sku.turnover is None else str(sku.turnover),
                    sku.stockouts,
                    str(sku.stockout_hours),
                    "yes" if sku.dead else "",
                    "yes" if sku.overstock else "",
                )
            )
        return ReportTable(
            f"Inventory health, the {self.window_days} days to {self.as_of:%Y-%m-%d}",
            columns,
            tuple(rows),
            ("Sell-through is a fraction; days of inventory and turnover are plain numbers.",),
        )


def abc_classes(values: Mapping[str, int], a: float = 0.8, b: float = 0.95) -> dict[str, str]:
    """Pareto classes: the SKUs making the first 80 % of value are A, the next 15 % B, the rest C.

    SKUs are taken largest value first (ties by SKU); a SKU is in the class
    where its value starts, so the first SKU is always A when anything sold.

    Examples:
        >>> abc_classes({"X": 70, "Y": 20, "Z": 10, "W": 0})
        {'X': 'A', 'Y': 'A', 'Z': 'B', 'W': 'C'}
    """
    total = sum(value for value in values.values() if value > 0)
    classes: dict[str, str] = {}
    running = 0
    for sku, value in sorted(values.items(), key=lambda item: (-item[1], item[0])):
        share = running / total if total and value > 0 else 1.0
        classes[sku] = "A" if share < a else "B" if share < b else "C"
        running += max(value, 0)
    return classes


def inventory_health(
    *,
    as_of: datetime,
    start: datetime,
    levels: Iterable[StockLevel],
    movements: Iterable[StockMovement],
    sold: Mapping[str, int],
    net_sales: Mapping[str, tuple[int, str]],
    last_sale: Mapping[str, datetime],
    costs: Mapping[str, Money],
    dead_after_days: int,
    overstock_days: int,
) -> InventoryHealth:
    """Work out the stock's health.

    Args:
        as_of: Now: the end of the window.
        start: The start of the window.
        levels: Today's stock levels.
        movements: The movement ledger from ``start`` on, in order.
        sold: Units sold in the window, by SKU.
        net_sales: Net sales in the window by SKU, as ``(minor units, currency)``.
        last_sale: When each SKU last sold (any time before ``as_of``).
        costs: Each product's unit cost, when known.
        dead_after_days: Stock with no sale for this many days is dead.
        overstock_days: Stock lasting longer than this at the window's pace is overstock.
    """
    days = max((as_of - start).total_seconds() / 86_400, 1e-9)
    on_hand: dict[str, int] = {}
    reserved: dict[str, int] = {}
    for level in levels:
        on_hand[level.sku] = on_hand.get(level.sku, 0) + level.on_hand
        reserved[level.sku] = reserved.get(level.sku, 0) + level.reserved
    moves = list(movements)
    received: dict[str, int] = {}
    change: dict[str, int] = {}
    for move in moves:
        change[move.sku] = change.get(move.sku, 0) + move.on_hand_delta
        if move.on_hand_delta > 0 and move.kind.value in ("receive", "transfer_in", "return"):
            received[move.sku] = received.get(move.sku, 0) + move.on_hand_delta
    at_start = {sku: on_hand.get(sku, 0) - change.get(sku, 0) for sku in set(on_hand) | set(change)}
    outs, out_seconds = _stockouts(at_start, moves, as_of)
    skus = sorted(set(on_hand) | set(sold) | set(change))
    classes = abc_classes({sku: net_sales.get(sku, (0, ""))[0] for sku in skus})
    health = []
    for sku in skus:
        units, units_sold = on_hand.get(sku, 0), sold.get(sku, 0)
        pace = units_sold / days
        cover = Decimal(str(round(units / pace, 1))) if pace > 0 else None
        cost = costs.get(sku)
        value = cost * units if cost is not None and units > 0 else None
        last = last_sale.get(sku)
        dead = units > 0 and (last is None or (as_of - last).days >= dead_after_days)
        average = (at_start.get(sku, 0) + units) / 2
        health.append(
            SkuHealth(
                sku=sku,
                on_hand=units,
                available=units - reserved.get(sku, 0),
                sold=units_sold,
                net_sales=net_sales.get(sku, (0, ""))[0],
                currency=net_sales.get(sku, (0, None))[1] or (cost.currency if cost else None),
                stock_value=value,
                days_of_inventory=cover,
                sell_through=ratio(units_sold, at_start.get(sku, 0) + received.get(sku, 0)),
                turnover=(Decimal(str(round(units_sold / average, 2))) if average > 0 else None),
                stockouts=outs.get(sku, 0),
                stockout_hours=Decimal(str(round(out_seconds.get(sku, 0) / 3600, 1))),
                dead=dead,
                overstock=units > 0 and not dead and (cover is None or cover > overstock_days),
                abc=classes[sku],
            )
        )
    return InventoryHealth(
        as_of=as_of,
        window_days=round(days),
        skus=tuple(health),
        stock_value=_by_currency(h.stock_value for h in health),
        dead_stock_value=_by_currency(h.stock_value for h in health if h.dead),
        overstock_value=_by_currency(h.stock_value for h in health if h.overstock),
        stocked_out=tuple(h.sku for h in health if h.on_hand <= 0 and h.sold > 0),
        classes={name: sum(1 for h in health if h.abc == name) for name in "ABC"},
    )


def _by_currency(values: Iterable[Money | None]) -> dict[str, Money]:
    totals: dict[str, Money] = {}
    for value in values:
        if value is not None:
            totals[value.currency] = totals.get(value.currency, Money.zero(value.currency)) + value
    return dict(sorted(totals.items()))


def _stockouts(
    at_start: Mapping[str, int], moves: list[StockMovement], as_of: datetime
) -> tuple[dict[str, int], dict[str, float]]:
    """How often and how long each SKU ran out in the window (all warehouses).

    A stock-out starts when on-hand stock falls to zero in the window and
    lasts until it rises again (or until now). A SKU already at zero when the
    window starts is not counted until it has had stock and run out: before
    its first delivery it was not out of stock, it was not stocked yet.
    """
    level = dict(at_start)
    out_since: dict[str, datetime] = {}
    counts: dict[str, int] = {}
    seconds: dict[str, float] = {}
    for move in moves:
        if not move.on_hand_delta:
            continue
        sku = move.sku
        before = level.get(sku, 0)
        after = before + move.on_hand_delta
        level[sku] = after
        if before > 0 >= after:
            out_since[sku] = move.occurred_at
            counts[sku] = counts.get(sku, 0) + 1
        elif before <= 0 < after and sku in out_since:
            seconds[sku] = (
                seconds.get(sku, 0.0) + (move.occurred_at - out_since.pop(sku)).total_seconds()
            )
    for sku, since in out_since.items():
        seconds[sku] = seconds.get(sku, 0.0) + (as_of - since).total_seconds()
    return counts, seconds
