"""The simulated shop behind ``orderkit demo``: a few weeks of trading, then the reports.

The simulation places orders from customers around the world, reserves their
stock in the nearest warehouse that serves them, ships most of them, reorders
from suppliers when the replenishment advice says so, and prints what
happened. The same seed always prints the same report.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from orderkit._version import __version__
from orderkit.clock import ManualClock
from orderkit.errors import InsufficientStock
from orderkit.inventory.reservations import Reservation
from orderkit.inventory.routing import Nearest
from orderkit.shop import Shop
from orderkit.testing.sample_data import SampleData

__all__ = ["DEMO_START", "run_demo"]

DEMO_START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
_SHIP_AFTER = timedelta(hours=20)
_REORDER_EVERY = 250

Progress = Callable[[int, int], None]


def run_demo(
    db: Path, orders: int, seed: int, locale: str = "en_US", progress: Progress | None = None
) -> str:
    """Run the simulation in the SQLite file ``db`` and return the report.

    Args:
        db: The database file to create.
        orders: How many orders to place.
        seed: The random seed; the same seed gives the same report.
        locale: The locale amounts are formatted for.
        progress: Called with ``(orders placed, orders in all)`` as it goes.
    """
    rng = random.Random(seed)
    data = SampleData(rng)
    clock = ManualClock(DEMO_START)
    with Shop.open(f"sqlite:///{db}", clock=clock, seed=seed, routing=Nearest()) as shop:
        _open_the_shop(shop, data)
        people = data.customers(max(orders // 4, 1))
        for email, name, address, _currency in people:
            shop.customers.register(email, name, addresses=[address])
        to_ship: deque[Reservation] = deque()
        short = reorders = 0
        for done, request in enumerate(data.orders(orders, people), start=1):
            clock.advance(request.after)
            order = shop.orders.place(
                request.customer_email,
                list(request.lines),
                channel=request.channel,
                shipping=request.shipping,
            )
            try:
                to_ship.append(
                    shop.reservations.reserve(
                        f"order:{order.number}", list(request.lines), ship_to=order.ship_to
                    )
                )
            except InsufficientStock:
                short += 1
            _ship_due(shop, to_ship, clock.now())
            if done % _REORDER_EVERY == 0:
                reorders += _reorder(shop)
            if progress:
                progress(done, orders)
        header = [
            f"orderkit {__version__} demo: seed {seed}, SQLite file {db.name}",
            f"Catalog: {shop.catalog.count():,} products   "
            f"Customers: {shop.customers.count():,}   "
            f"Period: {DEMO_START:%Y-%m-%d} to {clock.now():%Y-%m-%d}",
            f"Events waiting in the outbox: {shop.events.count_pending():,}",
            "",
        ]
        inventory = _inventory_report(shop, short, reorders)
        return "\n".join(header) + shop.reports.summary().render(locale) + "\n" + inventory


def _open_the_shop(shop: Shop, data: SampleData) -> None:
    shop.catalog.add_many(data.products())
    for site in data.warehouses():
        shop.inventory.add_warehouse(site)
    for policy in data.policies():
        shop.inventory.set_policy(policy)
    for sku, code, quantity in data.opening_stock():
        shop.inventory.receive(sku, code, quantity, document="opening-balance")


def _ship_due(shop: Shop, to_ship: deque[Reservation], now: datetime) -> None:
    """Ship reservations older than a day; one still waiting for stock goes to the back."""
    for _ in range(len(to_ship)):
        if now - to_ship[0].created_at < _SHIP_AFTER:
            return
        reservation = shop.reservations.get(to_ship.popleft().id)
        if reservation.backordered:
            to_ship.append(reservation)
        else:
            shop.reservations.commit(reservation.id)


def _reorder(shop: Shop) -> int:
    """Place and receive the purchase orders the replenishment advice suggests."""
    placed = 0
    for suggestion in shop.purchasing.suggestions(days=14):
        order = shop.purchasing.create_order(
            suggestion.supplier, suggestion.warehouse, list(suggestion.lines)
        )
        shop.purchasing.receive(order.id, list(suggestion.lines))
        placed += 1
    return placed


def _inventory_report(shop: Shop, short: int, reorders: int) -> str:
    levels = shop.inventory.levels()
    advice = shop.purchasing.advice(days=14)
    stocked_out = sum(1 for item in advice if item.stocked_out)
    lines = [
        "Inventory:",
        f"  warehouses {len(shop.inventory.warehouses())}, stock levels {len(levels):,}",
        f"  on hand {sum(lv.on_hand for lv in levels):,}   "
        f"reserved {sum(lv.reserved for lv in levels):,}   "
        f"backordered {sum(lv.backordered for lv in levels):,}",
        f"  orders short of stock (not reserved) {short:,}",
        f"  purchase orders placed and received {reorders:,}",
        f"  stock levels stocked out now {stocked_out:,}",
        f"  ledger movements {len(shop.inventory.ledger()):,}; "
        f"levels equal their replay: {'yes' if shop.inventory.verify_ledger() else 'no'}",
    ]
    return "\n".join(lines)
