"""The demo's returns desk: customers send units back, exchange them, claim, and rate orders."""

from __future__ import annotations

import heapq
import random
from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal

from orderkit.adapters.carriers import SandboxCarrier
from orderkit.core.clock import ManualClock
from orderkit.core.money import Money
from orderkit.errors import OrderkitError
from orderkit.returns import InspectionOutcome, ReturnPolicy, ReturnState
from orderkit.shop import Shop

__all__ = ["DEMO_RETURN_POLICY", "ReturnsDesk", "returns_report"]

DEMO_RETURN_POLICY = ReturnPolicy(
    window=timedelta(days=30),
    restocking_fee=Decimal("0.05"),
    non_returnable_categories={"Beauty"},
)
"""30 days; a 5 % restocking fee when the shop is not at fault; beauty products never come back."""

_RETURN_RATE = 0.08
_CLAIM_RATE = 0.01
_FEEDBACK_RATE = 0.3
_REASONS = (
    ("wrong_size", 40),
    ("changed_mind", 30),
    ("not_as_described", 12),
    ("damaged", 10),
    ("wrong_item", 5),
    ("defective", 3),
)
_OUTCOMES = (
    (InspectionOutcome.RESTOCK, 88),
    (InspectionOutcome.DAMAGED, 8),
    (InspectionOutcome.REFUSED, 4),
)


class ReturnsDesk:
    """Customers return, exchange and claim in the demo; the desk receives and inspects."""

    def __init__(
        self,
        shop: Shop,
        clock: ManualClock,
        rng: random.Random,
        carriers: dict[str, list[SandboxCarrier]],
    ) -> None:
        self.shop = shop
        self.clock = clock
        self.rng = rng
        self.posts = {currency: found[-1] for currency, found in carriers.items() if found}
        self.counts: Counter[str] = Counter()
        self.agenda: list[tuple[datetime, int, str, str]] = []
        self._ticket = 0
        self._follow_up_day = clock.now().date()

    def _later(self, after: timedelta, return_id: str, step: str) -> None:
        self._ticket += 1
        heapq.heappush(self.agenda, (self.clock.now() + after, self._ticket, return_id, step))

    def delivered(self, number: int) -> None:
        """Now and then a customer sends units back, asks for an exchange, or claims."""
        draw = self.rng.random()
        if draw < _CLAIM_RATE:
            self._claim(number)
        elif draw < _CLAIM_RATE + _RETURN_RATE:
            self._ask(number)

    def _ask(self, number: int) -> None:
        order = self.shop.orders.get(number)
        line = self.rng.choice([line for line in order.lines if line.delivered])
        reason = self.rng.choices([r for r, _ in _REASONS], [w for _, w in _REASONS])[0]
        exchange = reason == "wrong_size" and self.rng.random() < 0.4
        try:
            request = self.shop.returns.request(
                number,
                {line.sku: self.rng.randint(1, line.delivered)},
                reason=reason,
                resolution="exchange" if exchange else "refund",
                exchange={line.sku: 1} if exchange else None,
            )
        except OrderkitError as refused:
            self.counts[f"return refused: {type(refused).__name__}"] += 1
            return
        self.counts["returns asked"] += 1
        if request.state is ReturnState.REJECTED:
            self.counts["returns rejected by the policy"] += 1
            return
        post = self.posts.get(request.currency)
        if post is not None and request.warehouse is not None:
            try:
                self.shop.returns.issue_label(request.id, carrier=post.code, service="standard")
                self.counts["return labels"] += 1
            except OrderkitError:
                self.counts["return label refused"] += 1
        parcels = 2 if sum(request.units.values()) > 1 and self.rng.random() < 0.3 else 1
        for parcel in range(parcels):
            self._later(timedelta(days=self.rng.randint(3, 7) + parcel), request.id, "receive")

    def _claim(self, number: int) -> None:
        shipments = [s for s in self.shop.fulfilment.for_order(number) if s.left_stock]
        if not shipments:
            return
        kind = self.rng.choice(["lost", "damaged", "wrong_item"])
        remedy = "refund" if self.rng.random() < 0.3 else "replace"
        try:
            self.shop.returns.file_claim(shipments[0].id, kind, remedy=remedy)
        except OrderkitError as refused:
            self.counts[f"claim refused: {type(refused).__name__}"] += 1
        else:
            self.counts[f"claims ({kind}, {remedy})"] += 1

    def run_due(self) -> None:
        """Receive and inspect what arrived; send the follow-ups due; some customers rate."""
        now = self.clock.now()
        while self.agenda and self.agenda[0][0] <= now:
            _, _, return_id, step = heapq.heappop(self.agenda)
            try:
                self._step(return_id, step)
            except OrderkitError as refused:
                self.counts[f"return {step} refused: {type(refused).__name__}"] += 1
        if now.date() != self._follow_up_day:
            self._follow_up_day = now.date()
            for follow_up in self.shop.returns.send_follow_ups():
                self.counts["follow-ups sent"] += 1
                if self.rng.random() < _FEEDBACK_RATE:
                    rating = self.rng.choices([5, 4, 3, 2, 1], [50, 30, 10, 6, 4])[0]
                    self.shop.returns.leave_feedback(follow_up.order_number, rating)

    def _step(self, return_id: str, step: str) -> None:
        returns = self.shop.returns
        request = returns.get(return_id)
        if step == "receive":
            waiting = {line.sku: line.to_receive for line in request.lines if line.to_receive}
            if not waiting or request.state not in (ReturnState.APPROVED, ReturnState.RECEIVING):
                return
            sku, units = next(iter(waiting.items()))
            part = units if self.rng.random() < 0.7 else max(1, units // 2)
            returns.receive(return_id, {sku: part})
            self._later(timedelta(days=1), return_id, "inspect")
            if part < units:
                self._later(timedelta(days=2), return_id, "receive")
        elif step == "inspect":
            for line in request.lines:
                for _ in range(line.to_inspect):
                    outcome = self.rng.choices(
                        [o for o, _ in _OUTCOMES], [w for _, w in _OUTCOMES]
                    )[0]
                    returns.inspect(return_id, line.sku, outcome)
                    self.counts[f"units {outcome.value}"] += 1


def returns_report(shop: Shop, counts: Counter[str]) -> str:
    """The returns picture: rate, reasons, how they ended, exchanges, claims, perfect orders."""
    orders = shop.orders.list()
    delivered = sum(line.delivered for order in orders for line in order.lines)
    returned = sum(line.returned for order in orders for line in order.lines)
    requests = shop.returns.list()
    states = Counter(request.state.value for request in requests)
    resolutions = Counter(r.resolution.value for r in requests if r.resolved)
    refunded: dict[str, list[Money]] = {}
    for request in requests:
        if request.refunded is not None and request.refunded.amount:
            refunded.setdefault(request.refunded.currency, []).append(request.refunded)
    paid_back = ", ".join(
        f"{Money.sum(amounts, currency)}" for currency, amounts in sorted(refunded.items())
    )
    delivered_orders = [order for order in orders if any(line.delivered for line in order.lines)]
    flags = shop.returns.perfect_orders([order.id for order in delivered_orders])
    perfect = sum(1 for flag in flags if flag.perfect)
    ratings = [
        found.rating
        for order in delivered_orders
        if (found := shop.returns.feedback(order.id)) is not None
    ]

    def line(counter: Counter[str] | dict[str, int]) -> str:
        items = counter.most_common() if isinstance(counter, Counter) else counter.items()
        return ", ".join(f"{name} {count:,}" for name, count in items) or "none"

    rate = f"{returned / delivered:.1%}" if delivered else "n/a"
    average = f"{sum(ratings) / len(ratings):.2f}" if ratings else "n/a"
    return "\n".join(
        [
            "Returns:",
            f"  return rate {rate} ({returned:,} of {delivered:,} delivered units came back)",
            f"  reasons (units asked back): {line(shop.returns.reasons())}",
            f"  returns by state: {line(states)}; settled by {line(resolutions)}",
            f"  paid back for returns: {paid_back or 'nothing'}",
            f"  along the way: {line(counts)}",
            f"  perfect orders {perfect:,} of {len(flags):,} delivered ({perfect / len(flags):.1%})"
            if flags
            else "  perfect orders: none delivered",
            f"  feedback {len(ratings):,}, average rating {average}",
        ]
    )
