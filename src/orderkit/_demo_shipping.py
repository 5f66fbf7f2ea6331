"""The demo's warehouses at work: daily pick rounds, packing, carriers, pickups and drivers.

Each day every warehouse picks its waiting shipments in batches (now and
then a picker comes up short), packs them into boxes from a small
catalogue, and sends them off: most with the cheapest carrier that keeps
the promised date (a few parcels run late, fail a delivery, hit an exception
or come back), some collected from the store, some taken round by the shop's
own van. Carriers report over webhooks, late, out of order and twice.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime, time, timedelta
from decimal import Decimal

from orderkit.adapters.carriers import FlatRateCarrier, ZoneParcelCarrier
from orderkit.adapters.carriers.sandbox import SandboxCarrier
from orderkit.catalog.ports import Dimensions
from orderkit.core.clock import ManualClock
from orderkit.core.money import Money
from orderkit.errors import InvalidTransition, ValidationError
from orderkit.fulfillment import Box, ProofOfDelivery, ShippingCalendar
from orderkit.fulfillment.picking import PickList
from orderkit.fulfillment.shipments import Shipment, ShipmentState
from orderkit.inventory.warehouses import Warehouse
from orderkit.shop import Shop

__all__ = [
    "BOXES",
    "PICKUP_POINTS",
    "Shipping",
    "demo_calendars",
    "demo_carriers",
    "fulfilment_report",
]

BOXES = (
    Box("S", Dimensions(320, 240, 160), max_weight_g=5_000, tare_g=150, cost=Money("0.40", "EUR")),
    Box("M", Dimensions(460, 360, 260), max_weight_g=15_000, tare_g=350, cost=Money("0.80", "EUR")),
    Box("L", Dimensions(650, 450, 360), max_weight_g=30_000, tare_g=700, cost=Money("1.50", "EUR")),
)

_TIMEZONES = {
    "BER": "Europe/Berlin",
    "AMS": "Europe/Amsterdam",
    "CHI": "America/Chicago",
    "LON": "Europe/London",
    "TYO": "Asia/Tokyo",
}
_HOLIDAYS = {"BER": "DE", "AMS": "NL", "CHI": "US", "LON": "GB", "TYO": "JP"}
_FACTORS = {"EUR": Decimal(1), "USD": Decimal("1.1"), "GBP": Decimal("0.85"), "JPY": Decimal(160)}
PICKUP_POINTS = {"BER", "LON"}
_SCENARIO_ODDS = (("late", 0.05), ("failed_attempt", 0.03), ("exception", 0.02), ("returned", 0.01))
_SHORT_PICK_RATE = 0.03
_PICKUP_RATE = 0.3  # of orders in the warehouse's own city
_VAN_RATE = 0.5
_UNCOLLECTED_RATE = 0.1


def demo_calendars() -> dict[str, ShippingCalendar]:
    """A calendar per demo warehouse: its time zone, a 15:00 cut-off and its country's holidays."""
    return {
        code: ShippingCalendar(
            zone, cutoff=time(15), handling_days=1, transit_days=3, holidays_country=_HOLIDAYS[code]
        )
        for code, zone in _TIMEZONES.items()
    }


def demo_carriers(clock: ManualClock, seed: int) -> dict[str, list[SandboxCarrier]]:
    """The carriers each currency's warehouses ship with: a zone parcel carrier and a post."""
    countries = {
        "EUR": ("DE", "FR", "ES", "IT", "NL", "AT", "IE", "PT", "FI"),
        "USD": ("US",),
        "GBP": ("GB",),
        "JPY": ("JP",),
    }
    made: dict[str, list[SandboxCarrier]] = {}
    for currency, served in countries.items():
        factor = _FACTORS[currency]
        made[currency] = [
            ZoneParcelCarrier(
                clock,
                code=f"parcel-{currency.lower()}",
                currency=currency,
                price_factor=factor,
                seed=seed,
            ),
            FlatRateCarrier(
                clock,
                code=f"post-{currency.lower()}",
                price=Money.rounded(Decimal("7.50") * factor, currency),
                countries=served,
                transit_days=4,
                max_weight_g=30_000,
                seed=seed,
            ),
        ]
    return made


class Shipping:
    """The warehouses' daily work in the demo, and what it counts."""

    def __init__(
        self,
        shop: Shop,
        clock: ManualClock,
        rng: random.Random,
        carriers: dict[str, list[SandboxCarrier]],
        warehouses: Sequence[Warehouse],
        on_delivered: Callable[[int], None],
        on_shipped: Callable[[int], None],
    ) -> None:
        self.shop = shop
        self.clock = clock
        self.rng = rng
        self.carriers = carriers
        self.currency = {w.code: _currency_of(w.code) for w in warehouses}
        self.city = {w.code: w.address.city for w in warehouses}
        self.by_code = {c.code: c for found in carriers.values() for c in found}
        self.counts: Counter[str] = Counter()
        self.open_orders: set[int] = set()
        self.delivered: set[int] = set()
        self.collect_later: list[tuple[datetime, str]] = []
        self.van: list[str] = []
        self._last_webhook = clock.now()
        self._on_delivered = on_delivered
        self._on_shipped = on_shipped

    def make_shipments(self, number: int) -> None:
        """An order is ready: shipments for what it holds, picked in the next round."""
        self.open_orders.add(number)

    def daily_round(self) -> None:
        """Pick, pack and send off in every warehouse; read the carriers' news."""
        fulfilment = self.shop.fulfilment
        for number in sorted(self.open_orders):
            try:
                fulfilment.create_shipments(number)
            except InvalidTransition:  # cancelled, on hold or all shipped
                self.open_orders.discard(number)
                continue
            if not self._waiting_for_stock(number):
                self.open_orders.discard(number)
        for code in sorted(self.currency):
            for pick_list in fulfilment.pick_lists(code, max_orders=12, group_by=["country"]):
                self._pick(pick_list)
        self._deliver_by_van()
        self._collect_pickups()
        returned = fulfilment.return_uncollected(actor="store")
        self.counts["pickups not collected, back on the shelf"] += len(returned)
        self._read_tracking()

    def _waiting_for_stock(self, number: int) -> bool:
        """Whether some of the order's units are in no shipment yet (backordered, re-reserved)."""
        order = self.shop.orders.get(number)
        carried = Counter[str]()
        for shipment in self.shop.fulfilment.for_order(number):
            if shipment.state is not ShipmentState.CANCELLED:
                carried.update(shipment.units)
        return any(carried[line.sku] < line.open_quantity for line in order.lines)

    def _pick(self, pick_list: PickList) -> None:
        found = None
        if self.rng.random() < _SHORT_PICK_RATE:
            line = self.rng.choice(pick_list.lines)
            found = {line.sku: line.quantity - 1}
            self.counts["short picks"] += 1
        self.counts["pick lists"] += 1
        for shipment in self.shop.fulfilment.confirm_pick_list(pick_list, found, actor="picker"):
            if found is not None:
                self.open_orders.add(shipment.order_number)  # what was missing ships later
            if shipment.state is ShipmentState.PICKED:
                self._pack_and_send(shipment)

    def _pack_and_send(self, shipment: Shipment) -> None:
        fulfilment = self.shop.fulfilment
        packed = fulfilment.pack_in_boxes(shipment.id, BOXES, actor="packer")
        self.counts["parcels"] += len(packed.packages)
        order = self.shop.orders.get(shipment.order_number)
        at_home = order.ship_to.city == self.city[shipment.warehouse]
        if at_home and shipment.warehouse in PICKUP_POINTS and self.rng.random() < _PICKUP_RATE:
            waiting = fulfilment.ready_for_pickup(shipment.id, hold_days=5, actor="store")
            self.counts["pickups"] += 1
            if self.rng.random() >= _UNCOLLECTED_RATE:
                self.collect_later.append(
                    (self.clock.now() + timedelta(days=self.rng.randint(1, 4)), waiting.id)
                )
            self._on_shipped(shipment.order_number)
            return
        if at_home and self.rng.random() < _VAN_RATE:
            self.van.append(shipment.id)
            return
        codes = [c.code for c in self.carriers[self.currency[shipment.warehouse]]]
        try:
            choice = fulfilment.rate_shop(shipment.id, carriers=codes, actor="dock")
        except ValidationError:  # no carrier serves it
            self.counts["no carrier quoted"] += 1
            return
        carrier = self.by_code[choice.chosen.carrier]
        roll, edge = self.rng.random(), 0.0
        for scenario, odds in _SCENARIO_ODDS:
            edge += odds
            if roll < edge:
                carrier.script(shipment.id, scenario)
                break
        fulfilment.buy_label(shipment.id, actor="dock")
        self.counts[f"carrier {choice.chosen.carrier} {choice.chosen.service}"] += 1
        self._on_shipped(shipment.order_number)

    def _deliver_by_van(self) -> None:
        fulfilment = self.shop.fulfilment
        by_warehouse: dict[str, list[str]] = {}
        for shipment_id in self.van:
            by_warehouse.setdefault(fulfilment.get(shipment_id).warehouse, []).append(shipment_id)
        self.van = []
        for code, ids in sorted(by_warehouse.items()):
            route = f"{code}-{self.clock.now():%m%d}"
            for shipment in fulfilment.assign_route(ids, driver=f"van-{code}", route=route):
                self._on_shipped(shipment.order_number)
                proof = (
                    ProofOfDelivery(received_by="at the door")
                    if self.rng.random() < 0.7
                    else ProofOfDelivery(photo=f"photos/{shipment.id}.jpg")
                )
                done = fulfilment.deliver(shipment.id, proof=proof, actor=f"van-{code}")
                self.counts["delivered by the shop's van"] += 1
                self._delivered(done.order_number)

    def _collect_pickups(self) -> None:
        now = self.clock.now()
        due = [item for item in self.collect_later if item[0] <= now]
        self.collect_later = [item for item in self.collect_later if item[0] > now]
        for _, shipment_id in due:
            shipment = self.shop.fulfilment.get(shipment_id)
            if shipment.state is not ShipmentState.OUT_FOR_DELIVERY or not shipment.pickup_code:
                continue
            done = self.shop.fulfilment.collect(
                shipment_id, shipment.pickup_code, received_by="customer", actor="store"
            )
            self.counts["pickups collected"] += 1
            self._delivered(done.order_number)

    def _read_tracking(self) -> None:
        since, self._last_webhook = self._last_webhook, self.clock.now()
        for carriers in self.carriers.values():
            for carrier in carriers:
                for signature, body in carrier.webhooks(since, duplicates=True):
                    changed = self.shop.fulfilment.receive_tracking_webhook(
                        carrier.code, signature, body
                    )
                    for shipment in changed:
                        if shipment.state is ShipmentState.DELIVERED:
                            self._delivered(shipment.order_number)

    def _delivered(self, number: int) -> None:
        if number in self.delivered:
            return
        if self.shop.orders.get(number).state == "delivered":
            self.delivered.add(number)
            self.open_orders.discard(number)
            self._on_delivered(number)


def _currency_of(code: str) -> str:
    return {"BER": "EUR", "AMS": "EUR", "CHI": "USD", "LON": "GBP", "TYO": "JPY"}[code]


def fulfilment_report(shop: Shop, counts: Counter[str]) -> str:
    """The fulfilment picture: on time and late, problems by kind, carriers, cost per parcel."""
    shipments = [s for order in shop.orders.list() for s in shop.fulfilment.for_order(order.number)]
    sent = [s for s in shipments if s.left_stock]
    delivered = [s for s in sent if s.state is ShipmentState.DELIVERED and s.delivered_at]
    on_time = sum(
        1
        for s in delivered
        if s.deliver_by is None or (s.delivered_at is not None and s.delivered_at <= s.deliver_by)
    )
    shipped_late = sum(1 for s in sent if s.ship_by and s.shipped_at and s.shipped_at > s.ship_by)
    problems = Counter((s.problem or "").split(":")[0] for s in shipments if s.problem)
    carriers = Counter(s.carrier for s in sent)
    costs: dict[str, list[Money]] = {}
    parcels: Counter[str] = Counter()
    for s in sent:
        if s.label_price is not None:
            costs.setdefault(s.label_price.currency, []).append(s.label_price)
            parcels[s.label_price.currency] += len(s.packages)
    per_parcel = ", ".join(
        f"{Money.sum(prices, cur).amount / parcels[cur]:.2f} {cur}"
        for cur, prices in sorted(costs.items())
    )

    def line(counter: Counter[str]) -> str:
        return ", ".join(f"{name} {count:,}" for name, count in counter.most_common()) or "none"

    by_van = counts["delivered by the shop's van"]
    return "\n".join(
        [
            "Fulfilment:",
            f"  shipments {len(shipments):,}, sent {len(sent):,}, delivered {len(delivered):,} "
            f"({on_time:,} by the promised day, {len(delivered) - on_time:,} late); "
            f"left after their ship-by {shipped_late:,}",
            f"  pick lists {counts['pick lists']:,}, short picks {counts['short picks']:,}, "
            f"parcels {counts['parcels']:,}",
            f"  by carrier: {line(Counter({str(k): v for k, v in carriers.items()}))}",
            f"  label cost per parcel: {per_parcel or 'none'}",
            f"  problems now: {line(problems)}; late now {len(shop.fulfilment.late()):,}",
            f"  pickups {counts['pickups']:,} (collected {counts['pickups collected']:,}, "
            f"back on the shelf {counts['pickups not collected, back on the shelf']:,}); "
            f"delivered by the shop's van {by_van:,}",
        ]
    )
