"""The simulated shop behind ``orderkit demo``: a few weeks of trading, then the reports.

The simulation places orders from customers around the world and runs each
through the order workflow: confirmation (which reserves stock in the nearest
warehouse that serves the customer), payment through the payment service —
test cards (declines, 3-D Secure), a wallet redirect, bank transfers booked from
a daily statement CSV, cash on delivery — a fraud check on large first orders
with a person's review, the odd cancellation (its authorisation voided), then
then each day's work in the warehouses (pick lists in batches with the odd
short pick, boxes chosen for every parcel, the cheapest carrier that keeps
the promised date or a pickup at the store or the shop's own van, cards
captured as parcels leave, tracking over webhooks with late, failed and
returned parcels) and delivery (cash collected), and a few refunds, some
as store credit. Unconfirmed orders (short of stock) and
unpaid bank transfers expire. Every 250 orders it reorders from suppliers as
the replenishment advice says. The same seed always prints the same report.
"""

from __future__ import annotations

import heapq
import random
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import attrs

from orderkit._demo_reports import sales_reports, write_dashboard
from orderkit._demo_returns import DEMO_RETURN_POLICY, ReturnsDesk, returns_report
from orderkit._demo_shipping import (
    PICKUP_POINTS,
    Shipping,
    demo_calendars,
    demo_carriers,
    fulfilment_report,
)
from orderkit._version import __version__
from orderkit.adapters.gateways import (
    BankTransferGateway,
    CashOnDeliveryGateway,
    TestCardGateway,
)
from orderkit.adapters.urls import redact_url
from orderkit.core.clock import ManualClock
from orderkit.core.money import Money
from orderkit.errors import (
    ConfigurationError,
    InsufficientStock,
    InvalidTransition,
    PaymentDeclined,
)
from orderkit.inventory.routing import Nearest
from orderkit.lifecycle.order import Order
from orderkit.lifecycle.policy import OrderPolicy
from orderkit.payments.gateway import PaymentGateway
from orderkit.payments.payment import PaymentState
from orderkit.payments.verification import (
    CheckResult,
    VerificationContext,
    VerificationPipeline,
    VerificationStage,
)
from orderkit.shop import Shop
from orderkit.testing.sample_data import SampleData

__all__ = ["DEMO_POLICY", "DEMO_START", "run_demo"]

DEMO_START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
DEMO_POLICY = OrderPolicy(
    auto_confirm_channels={"pos"},
    confirm_within=timedelta(days=2),
    pay_within=timedelta(days=3),
    on_payment_failure="wait",
)
"""Point-of-sale orders confirm themselves; unconfirmed orders lapse after two
days, unpaid ones after three; a declined card lets the customer try another."""

_REORDER_EVERY = 250
_DAYS_AFTER = 10
_CANCEL_RATE = 0.03
_TRANSFER_PAID_RATE = 0.85
_REVIEW_APPROVED_RATE = 0.85
_CARDS = (
    ("4242424242424242", 92),  # approved
    ("4000000000000002", 4),  # declined: the customer tries another card
    ("4000000000003220", 4),  # 3-D Secure
)
_GOOD_CARD = "4242424242424242"
# A first order above these is reviewed by a person before the money is taken.
_REVIEW_FIRST_ORDERS_OVER = {"EUR": 600, "USD": 700, "GBP": 500, "JPY": 90_000}


def large_first_order(context: VerificationContext) -> CheckResult:
    """The demo shop's own rule: a person looks at large first orders."""
    total = context.order.grand_total
    limit = _REVIEW_FIRST_ORDERS_OVER.get(total.currency)
    if limit is None or total <= Money(limit, total.currency) or context.orders_since(None) > 1:
        return CheckResult.approve()
    return CheckResult.review(f"first order of {total}", score=30)


Progress = Callable[[int, int], None]
# A step due later: (when, tie-breaker, order number, command).
_Due = tuple[datetime, int, int, str]


class _Simulation:
    """The clock, the shop and the agenda of steps due later."""

    def __init__(
        self, shop: Shop, clock: ManualClock, rng: random.Random, cards: TestCardGateway
    ) -> None:
        self.shop = shop
        self.clock = clock
        self.rng = rng
        self.agenda: list[_Due] = []
        self.counts: Counter[str] = Counter()
        self.cards = cards
        self.transfers: list[tuple[datetime, Money, str]] = []
        self.statement_lines = 0
        self.reviewing: set[int] = set()
        self.moving: set[int] = set()
        self._ticket = 0
        self._swept = clock.now()
        self._statement_day = clock.now().date()
        self._round_day = clock.now().date()
        self.shipping: Shipping | None = None
        self.returns: ReturnsDesk | None = None

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
            for expired in self.shop.orders.expire_due():
                self.counts["expired"] += 1
                self.give_back(expired.number)
        if self.returns is not None:
            self.returns.run_due()
        if now.date() != self._statement_day:
            self._statement_day = now.date()
            self.import_statement()
        if self.shipping is not None and now.date() != self._round_day and now.hour >= 10:
            self._round_day = now.date()
            self.shipping.daily_round()

    def accept(self, order: Order) -> None:
        """What happens right after an order is placed."""
        if order.state == "placed":
            try:
                order = self.shop.orders.confirm(order.number, actor="order-desk")
            except InsufficientStock:
                self.counts["short of stock"] += 1
                return
        self.pay(order)

    def pay(self, order: Order) -> None:
        """The customer pays the way they chose at checkout."""
        payments, number, method = self.shop.payments, order.number, order.payment_method
        total, key = order.grand_total, f"order-{order.number}"
        if method == "card":
            card = self.rng.choices([c for c, _ in _CARDS], [w for _, w in _CARDS])[0]
            try:
                payment = payments.authorise(order.id, total, card, key=f"{key}-card")
            except PaymentDeclined:
                self.counts["card declined, paid with another"] += 1
                payment = payments.authorise(order.id, total, _GOOD_CARD, key=f"{key}-card-2")
            if payment.state is PaymentState.REQUIRES_ACTION:
                self.later(timedelta(minutes=10), number, "customer_acts")
        elif method == "wallet":
            payments.authorise(order.id, total, "wallet", key=f"{key}-wallet", method="wallet")
            self.later(timedelta(minutes=5), number, "customer_acts")
        elif method == "bank_transfer":
            payment = payments.authorise(
                order.id,
                total,
                "transfer",
                key=f"{key}-transfer",
                gateway="bank_transfer",
                method="bank_transfer",
            )
            if self.rng.random() < _TRANSFER_PAID_RATE:
                paid = total if self.rng.random() < 0.92 else total.multiply(Decimal("0.9"))
                when = self.clock.now() + timedelta(hours=self.rng.randint(4, 36))
                self.transfers.append((when, paid, str(payment.reference)))
        else:
            payments.authorise(
                order.id,
                total,
                "cash",
                key=f"{key}-cash",
                gateway="cash_on_delivery",
                method="cash_on_delivery",
            )
        self.proceed(number)

    def proceed(self, number: int) -> None:
        """Once paid (or held for a review), the order moves on."""
        order = self.shop.orders.get(number)
        if order.state == "on_hold" and number not in self.reviewing:
            self.reviewing.add(number)
            self.counts["held for a fraud review"] += 1
            self.later(timedelta(hours=6), number, "review")
        if order.state != "ready_to_fulfil" or number in self.moving:
            return  # waits for the customer, the bank or a person, or is on its way
        self.moving.add(number)
        if self.rng.random() < _CANCEL_RATE:
            self.later(timedelta(hours=self.rng.randint(1, 12)), number, "cancel")
        else:
            self.later(timedelta(hours=1), number, "fulfil")

    def step(self, number: int, command: str) -> None:
        orders, payments = self.shop.orders, self.shop.payments
        try:
            if command == "customer_acts":  # 3-D Secure or the wallet's approval page
                for payment in payments.for_order(number):
                    if payment.state is PaymentState.REQUIRES_ACTION and payment.reference:
                        self.cards.complete_action(payment.reference, approve=True)
                        payments.resolve(payment.id)
                self.proceed(number)
            elif command == "review":
                self.review(number)
            elif command == "cancel":
                orders.cancel(number, reason="customer changed their mind", actor="customer")
                self.counts["cancelled"] += 1
                self.give_back(number)
            elif command == "fulfil" and self.shipping is not None:
                self.shipping.make_shipments(number)
            else:
                orders.apply(number, command, actor="carrier")
        except InvalidTransition as refused:
            self.counts[f"refused {command}: {refused.state}"] += 1

    def shipped(self, number: int) -> None:
        """Units left for the customer: the cards are charged."""
        payments = self.shop.payments
        for payment in payments.for_order(number):
            if payment.method != "cash_on_delivery" and payment.capturable.amount:
                payments.capture(payment.id, key=f"capture-{payment.id}", final=True)

    def delivered(self, number: int) -> None:
        """The whole order arrived: cash is collected, and now and then a unit comes back."""
        order = self.shop.orders.get(number)
        if order.payment_method == "cash_on_delivery":
            self.shop.payments.cash_collected(number, key=f"cash-{number}")
        if self.returns is not None:
            self.returns.delivered(number)

    def give_back(self, number: int) -> None:
        """A cancelled or lapsed order's money: holds and transfers voided, takings refunded."""
        payments = self.shop.payments
        for payment in payments.for_order(number):
            if payment.capturable.amount or payment.awaits_funds:
                payments.void(payment.id, key=f"void-{payment.id}")
        order = self.shop.orders.get(number)
        taken = order.captured - order.refunded
        if taken.amount:
            payments.refund_order(number, key=f"cancel-{number}", amount=taken, reason="cancelled")

    def review(self, number: int) -> None:
        """A person looks at a payment the fraud check sent to review."""
        payments = self.shop.payments
        for payment in payments.for_order(number):
            if not payment.under_review:
                continue
            if self.rng.random() < _REVIEW_APPROVED_RATE:
                payments.approve_review(payment.id, actor="risk-team", note="customer called")
                self.counts["review approved"] += 1
            else:
                payments.reject_review(payment.id, actor="risk-team", key=f"reject-{payment.id}")
                self.shop.orders.cancel(number, reason="payment rejected", actor="risk-team")
                self.counts["review rejected, cancelled"] += 1
        self.proceed(number)

    def import_statement(self) -> None:
        """The bank's daily statement: every transfer that arrived since the last one."""
        now = self.clock.now()
        arrived = [t for t in self.transfers if t[0] <= now]
        if not arrived:
            return
        self.transfers = [t for t in self.transfers if t[0] > now]
        rows = ["date,amount,currency,reference"]
        rows += [
            f"{when:%Y-%m-%d},{paid.amount},{paid.currency},{ref}" for when, paid, ref in arrived
        ]
        report = self.shop.payments.import_statement("\n".join(rows) + "\n")
        self.statement_lines += len(arrived)
        self.counts["transfers short"] += len(report.underpaid)
        for match in report.matched:
            self.proceed(self.shop.orders.get(match.order_id).number)


def run_demo(
    db: Path | str,
    orders: int,
    seed: int,
    locale: str = "en_US",
    progress: Progress | None = None,
    dashboard: Path | None = None,
) -> str:
    """Run the simulation and return the report.

    Args:
        db: The SQLite file to create, or the URL of an empty store
            (``"postgresql://user:password@host/database"``).
        orders: How many orders to place.
        seed: The random seed; the same seed gives the same report.
        locale: The locale amounts are formatted for.
        progress: Called with ``(orders placed, orders in all)`` as it goes.
        dashboard: Where to write the HTML dashboard of the period, if anywhere.
    """
    rng = random.Random(seed)
    data = SampleData(rng)
    clock = ManualClock(DEMO_START)
    url = db if isinstance(db, str) else f"sqlite:///{db}"
    cards = TestCardGateway()
    gateways: list[PaymentGateway] = [
        cards,
        BankTransferGateway("IBAN DE89 3704 0044 0532 0130 00", "orderkit demo shop"),
        CashOnDeliveryGateway(),
    ]
    checks = VerificationPipeline([large_first_order], stages={VerificationStage.AUTHORISE})
    carriers = demo_carriers(clock, seed)
    with Shop.open(
        url,
        clock=clock,
        seed=seed,
        routing=Nearest(),
        order_policy=DEMO_POLICY,
        gateways=gateways,
        verification=checks,
        carriers=[carrier for found in carriers.values() for carrier in found],
        shipping_calendars=demo_calendars(),
        return_policy=DEMO_RETURN_POLICY,
    ) as shop:
        if shop.catalog.count():
            raise ConfigurationError("db", redact_url(url), "the demo needs an empty store")
        _open_the_shop(shop, data)
        people = data.customers(max(orders // 4, 1))
        for email, name, address, _currency in people:
            shop.customers.register(email, name, addresses=[address])
        simulation = _Simulation(shop, clock, rng, cards)
        simulation.returns = ReturnsDesk(shop, clock, random.Random(seed + 2), carriers)
        simulation.shipping = Shipping(
            shop,
            clock,
            random.Random(seed + 1),
            carriers,
            data.warehouses(),
            on_delivered=simulation.delivered,
            on_shipped=simulation.shipped,
        )
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
        for _ in range(_DAYS_AFTER * 4):  # the last parcels arrive; the shop keeps working
            clock.advance(timedelta(hours=6))
            simulation.run_due()
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
        payments = _payments_report(shop, simulation.statement_lines)
        inventory = _inventory_report(shop, reorders)
        fulfilment = fulfilment_report(shop, simulation.shipping.counts)
        returns = returns_report(shop, simulation.returns.counts)
        sales = sales_reports(shop, DEMO_START.date(), clock.now().date(), locale)
        if dashboard is not None:
            write_dashboard(shop, DEMO_START.date(), clock.now().date(), locale, dashboard)
            sales += f"\n\nDashboard written to {dashboard}"
        return (
            "\n".join(header)
            + shop.reports.summary().render(locale)
            + "\n"
            + lifecycle
            + "\n"
            + payments
            + "\n"
            + fulfilment
            + "\n"
            + returns
            + "\n"
            + inventory
            + "\n\n"
            + sales
        )


def _open_the_shop(shop: Shop, data: SampleData) -> None:
    shop.catalog.add_many(data.products())
    for site in data.warehouses():
        shop.inventory.add_warehouse(attrs.evolve(site, pickup_point=site.code in PICKUP_POINTS))
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


def _payments_report(shop: Shop, statement_lines: int) -> str:
    orders = [order.id for order in shop.orders.list()]
    payments = [p for found in shop.payments.for_orders(orders).values() for p in found]
    refunds = [r for found in shop.payments.refunds_for_orders(orders).values() for r in found]
    states = Counter(payment.state.value for payment in payments)
    methods = Counter(payment.method for payment in payments)
    reviews = sum(1 for p in payments if any(d.verdict.value == "review" for d in p.decisions))
    refunded = Counter(refund.destination.value for refund in refunds)
    check = shop.payments.reconciliation()

    def line(counter: Counter[str]) -> str:
        return ", ".join(f"{name} {count:,}" for name, count in counter.most_common())

    return "\n".join(
        [
            "Payments:",
            f"  by state: {line(states)}",
            f"  by method: {line(methods)}",
            f"  sent to a person by the fraud rules {reviews:,}; "
            f"bank statement lines imported {statement_lines:,}",
            f"  refunds: {line(refunded) or 'none'}; credit notes are the documents hook's job",
            f"  shipped but not paid {len(check.shipped_unpaid):,}, "
            f"paid but not shipped after 3 days {len(check.captured_unshipped):,}",
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
