"""The order use cases through the Shop, on every bundled store."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

import orderkit as ok
from orderkit.errors import (
    ConcurrencyConflict,
    CustomerNotFound,
    InsufficientStock,
    InvalidQuantity,
    InvalidTransition,
    PermissionDenied,
    TransitionRefused,
    ValidationError,
)
from orderkit.lifecycle import OrderPolicy, TaxRateTable, TaxRounding
from tests.builders import T0


def address(city: str, country: str, region: str | None = None) -> ok.Address:
    return ok.Address(name="Ana", line1="1 Main St", city=city, country=country, region=region)


BERLIN = address("Berlin", "DE")


def open_shop(url: str | None, **options: object) -> ok.Shop:
    shop = ok.Shop.open(url, clock=ok.ManualClock(T0), seed=5, **options)  # type: ignore[arg-type]
    shop.catalog.add_many(
        [
            ok.Product(sku="TEE", name="T-shirt", price=ok.Money("19.90", "EUR")),
            ok.Product(sku="MUG", name="Mug", price=ok.Money("7.50", "EUR")),
            ok.Product(sku="BOOK", name="Book", price=ok.Money("12.00", "EUR")),
        ]
    )
    shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", BERLIN))
    shop.inventory.receive("TEE", "BER", 10, document="opening")
    shop.inventory.receive("MUG", "BER", 3, document="opening")
    shop.customers.register("ana@example.com", "Ana", addresses=[BERLIN])
    return shop


@pytest.fixture
def url(store_url: str | None) -> str | None:
    return store_url


@pytest.fixture
def shop(url: str | None) -> Iterator[ok.Shop]:
    with open_shop(url) as opened:
        yield opened


def everything(shop: ok.Shop) -> tuple[object, ...]:
    """What a refused call must leave as it was."""
    return (
        shop.orders.list(),
        shop.inventory.levels(),
        shop.inventory.ledger(),
        shop.events.pending(limit=10_000),
    )


def clock(shop: ok.Shop) -> ok.ManualClock:
    assert isinstance(shop.clock, ok.ManualClock)
    return shop.clock


def test_place_prices_from_the_catalog_and_records_everything(shop: ok.Shop) -> None:
    order = shop.orders.place(
        "ana@example.com",
        [("TEE", 1), ("MUG", 2), ("TEE", 1)],
        shipping=ok.Money("4.90", "EUR"),
        discount=ok.Money("2.00", "EUR"),
        line_discounts={"MUG": ok.Money("1.00", "EUR")},
        payment_method="card",
        priority=10,
        tags=["VIP"],
        attributes={"referrer": "newsletter"},
    )
    assert [(line.sku, line.quantity) for line in order.lines] == [("TEE", 2), ("MUG", 2)]
    assert order.grand_total == ok.Money("56.70", "EUR")  # 39.80 + 15.00 - 1 - 2 + 4.90
    assert (order.number, order.state, order.tags) == (1, "placed", ("vip",))
    stored = shop.orders.get(1)
    assert stored == order
    assert stored.attributes == {"referrer": "newsletter"}
    assert isinstance(shop.events.pending()[-1], ok.OrderPlaced)


def test_a_refused_place_changes_nothing(shop: ok.Shop) -> None:
    before = everything(shop)
    with pytest.raises(ValidationError) as raised:
        shop.orders.place("ana@example.com", [("TEE", 1)], discount=ok.Money("30", "EUR"))
    assert raised.value.field == "order_discount"
    with pytest.raises(ValidationError) as raised:
        shop.orders.place(
            "ana@example.com", [("TEE", 1)], line_discounts={"MUG": ok.Money(1, "EUR")}
        )
    assert raised.value.field == "line_discounts"
    with pytest.raises(CustomerNotFound):
        shop.orders.place("bob@example.com", [("TEE", 1)])
    assert everything(shop) == before


def test_confirm_reserves_stock_and_moves_on_to_payment(shop: ok.Shop) -> None:
    order = shop.orders.place("ana@example.com", [("TEE", 2)], payment_method="card")
    confirmed = shop.orders.confirm(order.id, actor="clerk-7")
    assert confirmed.state == "awaiting_payment"
    assert [(e.command, e.actor) for e in confirmed.history] == [
        ("confirm", "clerk-7"),
        ("await_payment", "system:orders"),
    ]
    assert confirmed.lines[0].reserved == 2
    assert shop.inventory.level("TEE", "BER").reserved == 2
    paid = shop.orders.apply(order.id, "mark_paid", actor="accounts")
    assert (paid.state, paid.payment_status) == ("ready_to_fulfil", ok.PaymentStatus.PAID)


def test_cash_on_delivery_goes_straight_to_fulfilment(shop: ok.Shop) -> None:
    order = shop.orders.place("ana@example.com", [("TEE", 1)], payment_method="cash_on_delivery")
    assert shop.orders.confirm(order.number).state == "ready_to_fulfil"


def test_a_confirm_short_of_stock_changes_nothing(shop: ok.Shop) -> None:
    order = shop.orders.place("ana@example.com", [("MUG", 4)])
    before = everything(shop)
    with pytest.raises(InsufficientStock):
        shop.orders.confirm(order.id)
    assert everything(shop) == before


def test_the_whole_cycle_ships_the_stock(shop: ok.Shop) -> None:
    order = shop.orders.place("ana@example.com", [("TEE", 3)], payment_method="cash_on_delivery")
    shop.orders.confirm(order.id)
    for command in ("start_picking", "pack", "ship", "deliver", "complete"):
        order = shop.orders.apply(order.id, command, actor="warehouse")
    assert order.state == "completed"
    assert order.fulfilment_status is ok.FulfilmentStatus.DELIVERED
    level = shop.inventory.level("TEE", "BER")
    assert (level.on_hand, level.reserved) == (7, 0)
    assert shop.orders.policy.workflow.replay(shop.orders.history(order.id)) == "completed"
    assert shop.inventory.verify_ledger()


def test_hold_and_release_return_to_the_interrupted_state(shop: ok.Shop) -> None:
    order = shop.orders.place("ana@example.com", [("TEE", 1)], payment_method="card")
    shop.orders.confirm(order.id)
    held = shop.orders.hold(order.id, "fraud_review", note="new card, high value")
    assert held.state == "on_hold"
    assert held.history[-1].reason == "fraud_review: new card, high value"
    assert shop.orders.available(order.id) == ("release", "cancel")
    released = shop.orders.release(order.id, actor="risk-team")
    assert released.state == "awaiting_payment"
    with pytest.raises(ValidationError):
        shop.orders.hold(order.id, "because")


def test_cancel_releases_stock_and_is_refused_once_shipped(shop: ok.Shop) -> None:
    order = shop.orders.place("ana@example.com", [("TEE", 2)], payment_method="cash_on_delivery")
    shop.orders.confirm(order.id)
    cancelled = shop.orders.cancel(order.id, reason="customer asked")
    assert cancelled.state == "cancelled"
    assert cancelled.grand_total == ok.Money.zero("EUR")
    assert shop.inventory.level("TEE", "BER").reserved == 0
    other = shop.orders.place("ana@example.com", [("TEE", 2)], payment_method="cash_on_delivery")
    shop.orders.confirm(other.id)
    for command in ("start_picking", "pack", "ship"):
        shop.orders.apply(other.id, command)
    before = everything(shop)
    with pytest.raises(InvalidTransition) as raised:
        shop.orders.cancel(other.id)
    assert raised.value.allowed == ("deliver",)
    assert everything(shop) == before


def test_cancel_some_lines_reprices_and_re_reserves(shop: ok.Shop) -> None:
    order = shop.orders.place(
        "ana@example.com", [("TEE", 3), ("MUG", 1)], payment_method="cash_on_delivery"
    )
    shop.orders.confirm(order.id)
    changed = shop.orders.cancel(order.id, lines={"TEE": 2})
    assert changed.state == "ready_to_fulfil"
    assert changed.grand_total == ok.Money("27.40", "EUR")
    assert shop.inventory.level("TEE", "BER").reserved == 1
    with pytest.raises(InvalidQuantity):
        shop.orders.cancel(order.id, lines={"TEE": 2})
    everything_cancelled = shop.orders.cancel(order.id, lines={"TEE": 1, "MUG": 1})
    assert everything_cancelled.state == "cancelled"
    assert shop.inventory.level("MUG", "BER").reserved == 0


def test_edit_before_fulfilment_reprices_and_re_reserves(shop: ok.Shop) -> None:
    order = shop.orders.place("ana@example.com", [("TEE", 1)], payment_method="cash_on_delivery")
    shop.orders.confirm(order.id)
    shop.catalog.change_price("TEE", ok.Money("25.00", "EUR"))
    edited = shop.orders.edit(order.id, add=[("MUG", 2)], quantities={"TEE": 2})
    assert [(line.sku, line.quantity, str(line.unit_price)) for line in edited.lines] == [
        ("TEE", 2, "19.90 EUR"),  # a kept line keeps its price
        ("MUG", 2, "7.50 EUR"),
    ]
    assert shop.inventory.level("TEE", "BER").reserved == 2
    assert shop.inventory.level("MUG", "BER").reserved == 2
    repriced = shop.orders.edit(order.id, reprice=True)
    assert repriced.lines[0].unit_price == ok.Money("25.00", "EUR")
    before = everything(shop)
    with pytest.raises(InsufficientStock):
        shop.orders.edit(order.id, quantities={"MUG": 5})
    with pytest.raises(ValidationError):
        shop.orders.edit(order.id, remove=["TEE", "MUG"])
    assert everything(shop) == before
    shop.orders.apply(order.id, "start_picking")
    with pytest.raises(InvalidTransition):
        shop.orders.edit(order.id, add=[("BOOK", 1)])


def test_a_stale_order_object_loses_with_a_conflict(shop: ok.Shop) -> None:
    order = shop.orders.place("ana@example.com", [("TEE", 1)])
    shop.orders.hold(order, "manual")  # the object is current: this works
    with pytest.raises(ConcurrencyConflict):
        shop.orders.confirm(order)  # the same object is now stale
    assert shop.orders.get(order.id).state == "on_hold"


def test_expiry_of_unconfirmed_and_unpaid_orders(url: str | None) -> None:
    policy = OrderPolicy(confirm_within=timedelta(hours=2), pay_within=timedelta(days=3))
    with open_shop(url, order_policy=policy) as shop:
        waiting = shop.orders.place("ana@example.com", [("TEE", 1)])
        unpaid = shop.orders.place("ana@example.com", [("TEE", 2)], payment_method="card")
        shop.orders.confirm(unpaid.id)
        assert shop.inventory.level("TEE", "BER").reserved == 2
        clock(shop).advance(timedelta(hours=3))
        assert [o.number for o in shop.orders.expire_due()] == [waiting.number]
        with pytest.raises(TransitionRefused):
            shop.orders.apply(unpaid.id, "expire")
        clock(shop).advance(timedelta(days=3))
        assert [o.number for o in shop.orders.expire_due()] == [unpaid.number]
        assert shop.orders.get(unpaid.id).state == "expired"
        assert shop.inventory.level("TEE", "BER").reserved == 0


def test_a_workflow_without_expiry_sets_no_deadline(url: str | None) -> None:
    policy = OrderPolicy(
        workflow=ok.default_order_workflow().without("expire"), confirm_within=timedelta(hours=1)
    )
    with open_shop(url, order_policy=policy) as shop:
        order = shop.orders.place("ana@example.com", [("TEE", 1)])
        assert order.expires_at is None
        clock(shop).advance(timedelta(hours=2))
        assert shop.orders.expire_due() == []


def test_auto_confirm_per_channel(url: str | None) -> None:
    with open_shop(url, order_policy=OrderPolicy(auto_confirm_channels={"pos"})) as shop:
        order = shop.orders.place("ana@example.com", [("TEE", 1)], channel="pos", actor="till-3")
        assert order.state == "awaiting_payment"
        assert order.history[0].reason == "auto-confirmed: pos orders"
        assert shop.orders.place("ana@example.com", [("TEE", 1)]).state == "placed"


def test_a_rule_confirms_small_orders_and_leaves_the_rest_to_a_person(url: str | None) -> None:
    def small_baskets(order: ok.Order) -> str | None:
        return "under 50 EUR" if order.grand_total < ok.Money("50", "EUR") else None

    with open_shop(url, order_policy=OrderPolicy(auto_confirm_rule=small_baskets)) as shop:
        small = shop.orders.place("ana@example.com", [("TEE", 1)], payment_method="card")
        big = shop.orders.place("ana@example.com", [("TEE", 3)], payment_method="card")
        assert (small.state, big.state) == ("awaiting_payment", "placed")
        assert (small.history[0].actor, small.history[0].reason) == (
            "auto-confirm-rule",
            "under 50 EUR",
        )
        assert shop.inventory.level("TEE", "BER").reserved == 1


def test_permissions_are_enforced_when_the_shop_has_an_authorizer(url: str | None) -> None:
    grants = {
        "clerk": {"orders.confirm", "orders.hold"},
        "till": {"orders.place"},
        "customer": {"orders.place"},
    }

    def authorize(actor: str, permission: str) -> bool:
        if actor == "system" or actor.startswith("system:"):  # the host's and orderkit's own
            return True
        return permission in grants.get(actor, set())

    policy = OrderPolicy(auto_confirm_channels={"pos"})
    with open_shop(url, authorize=authorize, order_policy=policy) as shop:
        till = shop.orders.place("ana@example.com", [("MUG", 1)], channel="pos", actor="till")
        assert till.state == "awaiting_payment"  # the shop's policy needs no grant of the till's
        order = shop.orders.place("ana@example.com", [("TEE", 2), ("MUG", 1)])
        before = everything(shop)
        with pytest.raises(PermissionDenied) as raised:
            shop.orders.cancel(order.id, actor="clerk")
        assert raised.value.permission == "orders.cancel"
        with pytest.raises(PermissionDenied):
            shop.orders.cancel(order.id, lines={"TEE": 1}, actor="clerk")
        with pytest.raises(PermissionDenied) as raised:
            shop.orders.edit(order.id, remove=["MUG"], actor="clerk")
        assert raised.value.permission == "orders.edit"
        assert everything(shop) == before
        assert shop.orders.confirm(order.id, actor="clerk").state == "awaiting_payment"


@pytest.mark.parametrize(
    ("rounding", "expected"), [(TaxRounding.PER_LINE, "0.03"), (TaxRounding.PER_ORDER, "0.02")]
)
def test_tax_per_region_with_either_rounding(
    url: str | None, rounding: TaxRounding, expected: str
) -> None:
    table = TaxRateTable({"US": "0", "US-CA": "0.0725"})
    california = address("Los Angeles", "US", "CA")
    with open_shop(url, order_policy=OrderPolicy(tax=table, tax_rounding=rounding)) as shop:
        shop.catalog.add(ok.Product(sku="PIN", name="Pin", price=ok.Money("0.10", "EUR")))
        shop.catalog.add(ok.Product(sku="BTN", name="Button", price=ok.Money("0.10", "EUR")))
        shop.catalog.add(ok.Product(sku="CLIP", name="Clip", price=ok.Money("0.10", "EUR")))
        order = shop.orders.place(
            "ana@example.com", [("PIN", 1), ("BTN", 1), ("CLIP", 1)], ship_to=california
        )
        assert order.tax_total == ok.Money(expected, "EUR")
        texas = shop.orders.edit(order.id, ship_to=address("Austin", "US", "TX"))
        assert texas.tax_total == ok.Money.zero("EUR")


def test_find_filters_and_pages(shop: ok.Shop) -> None:
    shop.customers.register("bo@example.com", "Bo", addresses=[BERLIN])
    numbers = []
    for index in range(7):
        clock(shop).advance(timedelta(hours=1))
        order = shop.orders.place(
            "ana@example.com" if index % 2 == 0 else "bo@example.com",
            [("TEE", 1)],
            channel="web" if index < 5 else "marketplace",
            tags=["gift"] if index in (1, 2) else [],
            payment_method="cash_on_delivery",
        )
        numbers.append(order.number)
    shop.orders.confirm(numbers[0])
    page = shop.orders.find(limit=3)
    assert [o.number for o in page.orders] == [7, 6, 5]
    second = shop.orders.find(limit=3, cursor=page.next_cursor)
    assert [o.number for o in second.orders] == [4, 3, 2]
    last = shop.orders.find(limit=3, cursor=second.next_cursor)
    assert ([o.number for o in last.orders], last.next_cursor) == ([1], None)
    assert [o.number for o in shop.orders.find(state="ready_to_fulfil").orders] == [1]
    assert [o.number for o in shop.orders.find(channel="marketplace").orders] == [7, 6]
    assert [o.number for o in shop.orders.find(customer="bo@example.com").orders] == [6, 4, 2]
    assert [o.number for o in shop.orders.find(tag="GIFT").orders] == [3, 2]
    window = shop.orders.find(
        placed_from=T0 + timedelta(hours=2), placed_until=T0 + timedelta(hours=4)
    )
    assert [o.number for o in window.orders] == [3, 2]
    assert [o.number for o in shop.orders.find(payment_status="unpaid", state="placed").orders] == [
        7,
        6,
        5,
        4,
        3,
        2,
    ]
    with pytest.raises(ValidationError):
        shop.orders.find(state="lost")
    with pytest.raises(ValidationError):
        shop.orders.find(limit=0)
    with pytest.raises(ValidationError):
        shop.orders.find(placed_from=datetime(2026, 1, 1))  # noqa: DTZ001


def test_tags_follow_an_edit_of_the_order(shop: ok.Shop) -> None:
    order = shop.orders.place("ana@example.com", [("TEE", 1)], tags=["gift", "rush"])
    with shop.store.unit_of_work() as uow:
        loaded = uow.orders.get(order.id)
        loaded.tags = ("rush", "vip")  # type: ignore[assignment]
        uow.orders.save(loaded)
        uow.commit()
    assert shop.orders.find(tag="gift").orders == ()
    assert [o.number for o in shop.orders.find(tag="vip").orders] == [order.number]


def test_every_transition_is_an_event(shop: ok.Shop) -> None:
    order = shop.orders.place("ana@example.com", [("TEE", 1)], payment_method="cash_on_delivery")
    shop.orders.confirm(order.id, actor="clerk")
    events = [e for e in shop.events.pending() if isinstance(e, ok.OrderTransitioned)]
    assert [(e.command, e.actor) for e in events] == [
        ("confirm", "clerk"),
        ("mark_ready", "system:orders"),
    ]


def _command_in_another_process(args: tuple[str, str, object]) -> str:
    """Load order 1, wait for the other process, then issue ``command`` with the loaded object."""
    url, command, barrier = args
    with ok.Shop.open(url, order_policy=OrderPolicy(reserve_stock=False)) as shop:
        order = shop.orders.get(1)
        barrier.wait()  # type: ignore[attr-defined]
        try:
            if command == "hold":
                shop.orders.hold(order, "address_check", actor="process-hold")
            else:
                shop.orders.cancel(order, reason="customer asked", actor="process-cancel")
        except ConcurrencyConflict:
            return "conflict"
        return "done"


def test_two_processes_commanding_the_same_order_one_wins_one_conflicts(
    shared_store_url: str,
) -> None:
    url = shared_store_url
    with open_shop(url) as shop:
        shop.orders.place("ana@example.com", [("TEE", 1)])
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier = manager.Barrier(2)
        with context.Pool(2) as pool:
            results = pool.map(
                _command_in_another_process, [(url, "hold", barrier), (url, "cancel", barrier)]
            )
    assert sorted(results) == ["conflict", "done"]
    with ok.Shop.open(url) as shop:
        order = shop.orders.get(1)
        winner = "on_hold" if results[0] == "done" else "cancelled"
        assert order.state == winner
        assert [entry.to_state for entry in order.history] == [
            winner
        ]  # nothing lost, nothing extra
        transitions = [e for e in shop.events.pending() if isinstance(e, ok.OrderTransitioned)]
        assert [e.to_state for e in transitions] == [winner]


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda shop: shop.orders.confirm(1, actor=""), "actor"),
        (lambda shop: shop.orders.apply(1, "hold", actor=None, reason="x"), "actor"),
        (lambda shop: shop.orders.apply(1, "hold", reason=""), "reason"),
        (lambda shop: shop.orders.apply(1, "hold", reason=42), "reason"),
        (lambda shop: shop.orders.apply(1, "fly away"), "command"),
        (lambda shop: shop.orders.cancel(1, lines={"TEE": 1}, actor=" "), "actor"),
        (lambda shop: shop.orders.cancel(1, lines={"TEE": 0}), "lines[TEE]"),
        (lambda shop: shop.orders.edit(1, add=[("TEE", -1)]), "add[0].quantity"),
        (lambda shop: shop.orders.edit(1), "edit"),
        (lambda shop: shop.orders.hold(1, "manual", note=""), "note"),
        (lambda shop: shop.orders.find(cursor="7"), "cursor"),
        (lambda shop: shop.orders.expire_due(limit=0), "limit"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(
    shop: ok.Shop, call: object, field: str
) -> None:
    shop.orders.place("ana@example.com", [("TEE", 1)])
    before = everything(shop)
    with pytest.raises(ValidationError) as raised:
        call(shop)  # type: ignore[operator]
    assert raised.value.field == field
    assert everything(shop) == before


def test_events_come_cause_first(url: str | None) -> None:
    with open_shop(url, order_policy=OrderPolicy(auto_confirm_channels={"pos"})) as shop:
        seen = len(shop.events.pending(limit=10_000))
        shop.orders.place("ana@example.com", [("TEE", 1)], channel="pos", payment_method="card")
        names = [
            (type(e).__name__, getattr(e, "command", None))
            for e in shop.events.pending(limit=10_000)[seen:]
        ]
        assert names == [
            ("OrderPlaced", None),
            ("OrderTransitioned", "confirm"),
            ("StockReserved", None),
            ("OrderTransitioned", "await_payment"),
        ]
