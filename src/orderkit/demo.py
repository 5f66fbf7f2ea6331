"""The simulated shop behind ``orderkit demo``: a few weeks of trading, then the reports.

The simulation places orders from customers around the world and runs each
through the order workflow: confirmation (which reserves stock in the nearest
warehouse that serves the customer), payment by card, wallet, bank transfer or
cash on delivery, the odd fraud review and cancellation, then picking, packing,
shipping and delivery. Unconfirmed orders (short of stock) and unpaid bank
transfers expire. Every 250 orders it reorders from suppliers as the
replenishment advice says. The same seed always prints the same report.
"""

from __future__ import annotations

import heapq
import random
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from orderkit._version import __version__
from orderkit.adapters.urls import redact_url
from orderkit.clock import ManualClock
from orderkit.errors import ConfigurationError, InsufficientStock, InvalidTransition
from orderkit.inventory.routing import Nearest
from orderkit.lifecycle.order import Order
from orderkit.lifecycle.policy import OrderPolicy
from orderkit.shop import Shop
from orderkit.testing.sample_data import SampleData

__all__ = ["DEMO_POLICY", "DEMO_START", "run_demo"]

DEMO_START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
DEMO_POLICY = OrderPolicy(
    auto_confirm_channels={"pos"},
    confirm_within=timedelta(days=2),
    pay_within=timedelta(days=3),
)
"""Point-of-sale orders confirm themselves; unconfirmed orders lapse after two
days, unpaid ones after three."""

_REORDER_EVERY = 250
_FRAUD_REVIEW_RATE = 0.02
_CANCEL_RATE = 0.03
_TRANSFER_PAID_RATE = 0.85

Progress = Callable[[int, int], None]
# A step due later: (when, tie-breaker, order number, command).
_Due = tuple[datetime, int, int, str]


class _Simulation:
    """The clock, the shop and the agenda of steps due later."""

    def __init__(self, shop: Shop, clock: ManualClock, rng: random.Random) -> None:
        self.shop = shop
        self.clock = clock
        self.rng = rng
        self.agenda: list[_Due] = []
        self.counts: Counter[str] = Counter()
        self._ticket = 0
        self._swept = clock.now()

    def later(self, after: timedelta, number: int, command: str) -> None:
        self._ticket += 1
        heapq.heappush(self.agenda, (self.clock.now() + after, self._ticket, number, command))

    def run_due(self) -> None:
        now = self.clock.now()
        while self.agenda and self.agenda[0][0] <= now:
            _, _, number, command = heapq.heappop(self.agenda)
            self.step(number, command)
        if now - self._swept >= timedelta(hours=1):
            self._swept = now
            self.counts["expired"] += len(self.shop.orders.expire_due())

    def accept(self, order: Order) -> None:
        """What happens right after an order is placed (or released from a review)."""
        orders, number = self.shop.orders, order.number
        if order.state == "placed" and self.rng.random() < _FRAUD_REVIEW_RATE:
            orders.hold(number, "fraud_review", note="first order, high value", actor="risk-rules")
            self.counts["held for review"] += 1
            self.later(timedelta(hours=6), number, "release")
            return
        if order.state == "placed":
            try:
                order = orders.confirm(number, actor="order-desk")
            except InsufficientStock:
                self.counts["short of stock"] += 1
                return
        self.pay(order)

    def pay(self, order: Order) -> None:
        number, method = order.number, order.payment_method
        if order.state == "awaiting_payment":
            if method in ("card", "wallet"):
                self.shop.orders.apply(number, "mark_paid", actor="gateway")
            elif self.rng.random() < _TRANSFER_PAID_RATE:
                self.later(timedelta(hours=self.rng.randint(4, 48)), number, "mark_paid")
                return
            else:
                return  # never paid: it expires
        if self.rng.random() < _CANCEL_RATE:
            self.later(timedelta(hours=self.rng.randint(1, 12)), number, "cancel")
        else:
            self.later(timedelta(hours=20), number, "fulfil")

    def step(self, number: int, command: str) -> None:
        orders = self.shop.orders
        try:
            if command == "release":
                self.accept(orders.release(number, actor="risk-team", reason="checked"))
            elif command == "mark_paid":
                orders.apply(number, "mark_paid", actor="bank-import")
                self.later(timedelta(hours=20), number, "fulfil")
            elif command == "cancel":
                orders.cancel(number, reason="customer changed their mind", actor="customer")
                self.counts["cancelled"] += 1
            elif command == "fulfil":
                for move in ("start_picking", "pack"):
                    orders.apply(number, move, actor="warehouse")
                self.later(timedelta(hours=2), number, "ship")
            elif command == "ship":
                orders.apply(number, "ship", actor="warehouse")
                self.later(timedelta(days=self.rng.randint(1, 4)), number, "deliver")
            else:
                orders.apply(number, command, actor="carrier")
        except InvalidTransition as refused:
            if command == "ship":  # still backordered: try again tomorrow
                self.later(timedelta(days=1), number, "ship")
            else:
                self.counts[f"refused {command}: {refused.state}"] += 1


def run_demo(
    db: Path | str,
    orders: int,
    seed: int,
    locale: str = "en_US",
    progress: Progress | None = None,
) -> str:
    """Run the simulation and return the report.

    Args:
        db: The SQLite file to create, or the URL of an empty store
            (``"postgresql://user:password@host/database"``).
        orders: How many orders to place.
        seed: The random seed; the same seed gives the same report.
        locale: The locale amounts are formatted for.
        progress: Called with ``(orders placed, orders in all)`` as it goes.
    """
    rng = random.Random(seed)
    data = SampleData(rng)
    clock = ManualClock(DEMO_START)
    url = db if isinstance(db, str) else f"sqlite:///{db}"
    with Shop.open(
        url, clock=clock, seed=seed, routing=Nearest(), order_policy=DEMO_POLICY
    ) as shop:
        if shop.catalog.count():
            raise ConfigurationError("db", redact_url(url), "the demo needs an empty store")
        _open_the_shop(shop, data)
        people = data.customers(max(orders // 4, 1))
        for email, name, address, _currency in people:
            shop.customers.register(email, name, addresses=[address])
        simulation = _Simulation(shop, clock, rng)
        reorders = 0
        for done, request in enumerate(data.orders(orders, people), start=1):
            clock.advance(request.after)
            simulation.run_due()
            try:
                order = shop.orders.place(
                    request.customer_email,
                    list(request.lines),
                    channel=request.channel,
                    shipping=request.shipping,
                    payment_method=request.payment_method,
                    actor="till" if request.channel == "pos" else "customer",
                )
            except InsufficientStock:  # a till order confirms at once: no stock, no sale
                simulation.counts["not sold at the till"] += 1
            else:
                simulation.accept(order)
            if done % _REORDER_EVERY == 0:
                reorders += _reorder(shop)
            if progress:
                progress(done, orders)
        header = [
            f"orderkit {__version__} demo: seed {seed}, "
            + (f"store {redact_url(db)}" if isinstance(db, str) else f"SQLite file {db.name}"),
            f"Catalog: {shop.catalog.count():,} products   "
            f"Customers: {shop.customers.count():,}   "
            f"Period: {DEMO_START:%Y-%m-%d} to {clock.now():%Y-%m-%d}",
            f"Events waiting in the outbox: {shop.events.count_pending():,}",
            "",
        ]
        lifecycle = _lifecycle_report(shop, simulation.counts)
        inventory = _inventory_report(shop, reorders)
        return (
            "\n".join(header)
            + shop.reports.summary().render(locale)
            + "\n"
            + lifecycle
            + "\n"
            + inventory
        )


def _open_the_shop(shop: Shop, data: SampleData) -> None:
    shop.catalog.add_many(data.products())
    for site in data.warehouses():
        shop.inventory.add_warehouse(site)
    for policy in data.policies():
        shop.inventory.set_policy(policy)
    for sku, code, quantity in data.opening_stock():
        shop.inventory.receive(sku, code, quantity, document="opening-balance")


def _lifecycle_report(shop: Shop, counts: Counter[str]) -> str:
    orders = shop.orders.list()
    states = Counter(order.state for order in orders)
    payments = Counter(order.payment_status.value for order in orders)
    fulfilment = Counter(order.fulfilment_status.value for order in orders)
    workflow = shop.orders.policy.workflow
    replayed = all(workflow.replay(order.history) == order.state for order in orders)

    def line(counter: Counter[str]) -> str:
        return ", ".join(f"{name} {count:,}" for name, count in counter.most_common())

    return "\n".join(
        [
            "Order lifecycle:",
            f"  by state: {line(states)}",
            f"  by payment: {line(payments)}",
            f"  by fulfilment: {line(fulfilment)}",
            f"  along the way: {line(counts) or 'nothing unusual'}",
            f"  transitions recorded {sum(len(o.history) for o in orders):,}; "
            f"every history replays to its state: {'yes' if replayed else 'no'}",
        ]
    )


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


def _inventory_report(shop: Shop, reorders: int) -> str:
    levels = shop.inventory.levels()
    advice = shop.purchasing.advice(days=14)
    stocked_out = sum(1 for item in advice if item.stocked_out)
    lines = [
        "Inventory:",
        f"  warehouses {len(shop.inventory.warehouses())}, stock levels {len(levels):,}",
        f"  on hand {sum(lv.on_hand for lv in levels):,}   "
        f"reserved {sum(lv.reserved for lv in levels):,}   "
        f"backordered {sum(lv.backordered for lv in levels):,}",
        f"  purchase orders placed and received {reorders:,}",
        f"  stock levels stocked out now {stocked_out:,}",
        f"  ledger movements {len(shop.inventory.ledger()):,}; "
        f"levels equal their replay: {'yes' if shop.inventory.verify_ledger() else 'no'}",
    ]
    return "\n".join(lines)
