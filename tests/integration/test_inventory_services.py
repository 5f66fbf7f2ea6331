"""Inventory, reservations and purchasing through the Shop, on every bundled store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

import orderkit as ok
from orderkit.errors import (
    InsufficientStock,
    InvalidQuantity,
    ProductNotFound,
    PurchaseOrderClosed,
    ReservationNotActive,
    ReservationNotFound,
    StorageIntegrityError,
    ValidationError,
    WarehouseNotFound,
)
from orderkit.inventory import BackorderMode, FewestShipments, Nearest, StockPolicy
from orderkit.inventory.reservation_service import ReservationRequest
from tests.builders import T0


def place(code: str, country: str, lat: float, lon: float) -> ok.Address:
    return ok.Address(
        name=code,
        line1="1 Dock Road",
        city=code,
        country=country,
        coordinates=ok.Coordinates(lat, lon),
    )


MUNICH = place("MUC", "DE", 48.137, 11.575)


@pytest.fixture
def shop(store_url: str | None) -> Iterator[ok.Shop]:
    with ok.Shop.open(
        store_url, clock=ok.ManualClock(T0), seed=3, channel_buffers={"marketplace": 2}
    ) as opened:
        opened.inventory.add_warehouse(
            ok.Warehouse(
                "BER", "Berlin", place("BER", "DE", 52.52, 13.405), priority=2, serves=["DE", "AT"]
            )
        )
        opened.inventory.add_warehouse(
            ok.Warehouse("PAR", "Paris", place("PAR", "FR", 48.857, 2.352), priority=1)
        )
        opened.catalog.add_many(
            [
                ok.Product(sku="TEE", name="T-shirt", price=ok.Money("19.90", "EUR")),
                ok.Product(sku="MUG", name="Mug", price=ok.Money("7.50", "EUR")),
                ok.Product(
                    sku="GIFT",
                    name="Gift set",
                    price=ok.Money("25.00", "EUR"),
                    components=[("TEE", 1), ("MUG", 2)],
                ),
            ]
        )
        yield opened


def state(shop: ok.Shop) -> tuple[object, ...]:
    return (
        shop.inventory.levels(),
        shop.inventory.ledger(),
        shop.purchasing.open_orders(),
        shop.events.count_pending(),
    )


def held(reservation: ok.Reservation) -> list[tuple[str, str, int, int]]:
    return [(ln.sku, ln.warehouse, ln.quantity, ln.backordered) for ln in reservation.lines]


def test_receiving_and_reserving(shop: ok.Shop) -> None:
    level = shop.inventory.receive("TEE", "BER", 10, document="po:opening")
    assert (level.on_hand, level.available) == (10, 10)
    reservation = shop.reservations.reserve("order:1", [("TEE", 3)], ship_to=MUNICH)
    assert held(reservation) == [("TEE", "BER", 3, 0)]
    assert shop.inventory.level("TEE", "BER").available == 7
    assert shop.inventory.verify_ledger()


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda s: s.inventory.receive("NOPE", "BER", 1), ProductNotFound),
        (lambda s: s.inventory.receive("TEE", "NOPE", 1), WarehouseNotFound),
        (lambda s: s.inventory.receive("TEE", "BER", 0), InvalidQuantity),
        (lambda s: s.inventory.receive("TEE", "BER", 2.0), InvalidQuantity),
        (lambda s: s.inventory.receive("GIFT", "BER", 1), ValidationError),
        (lambda s: s.inventory.write_off("TEE", "BER", 1, reason=""), ValidationError),
        (lambda s: s.inventory.write_off("TEE", "BER", 5, reason="wet"), ValidationError),
        (lambda s: s.inventory.adjust("TEE", "BER", 0, reason="x"), ValidationError),
        (lambda s: s.inventory.adjust("TEE", "BER", -6, reason="x"), ValidationError),
        (lambda s: s.inventory.count("TEE", "BER", 3), ValidationError),
        (lambda s: s.inventory.count("TEE", "BER", -1), ValidationError),
        (lambda s: s.inventory.transfer("TEE", "BER", "BER", 1), ValidationError),
        (lambda s: s.inventory.transfer("TEE", "BER", "PAR", 2), ValidationError),
        (lambda s: s.inventory.transfer("TEE", "BER", "NOPE", 1), WarehouseNotFound),
        (lambda s: s.reservations.reserve("order:9", [("TEE", 2), ("MUG", 1)]), InsufficientStock),
        (lambda s: s.reservations.reserve("order:9", [("TEE", 1), ("TEE", 1)]), InsufficientStock),
        (lambda s: s.reservations.reserve("order:9", [("NOPE", 1)]), ProductNotFound),
        (lambda s: s.reservations.reserve("order:9", []), ValidationError),
        (lambda s: s.reservations.reserve("", [("TEE", 1)]), ValidationError),
        (
            lambda s: s.reservations.reserve("order:9", [("TEE", 1)], warehouse="NOPE"),
            WarehouseNotFound,
        ),
        (
            lambda s: s.reservations.reserve("order:9", [("TEE", 1)], expires_in=timedelta(0)),
            ValidationError,
        ),
        (
            lambda s: s.reservations.reserve_many(
                [
                    ReservationRequest("order:8", [("TEE", 1)]),
                    ReservationRequest("order:9", [("TEE", 1)]),
                ]
            ),
            InsufficientStock,
        ),
        (lambda s: s.purchasing.create_order("Acme", "BER", [("GIFT", 1)]), ValidationError),
        (lambda s: s.purchasing.create_order("", "BER", [("TEE", 1)]), ValidationError),
        (lambda s: s.inventory.set_policy(StockPolicy(sku="NOPE")), ProductNotFound),
        (lambda s: s.reservations.release("NOPE"), ReservationNotFound),
        (lambda s: s.reservations.commit("NOPE"), ReservationNotFound),
        (lambda s: s.inventory.set_bin("TEE", "BER", "no spaces"), ValidationError),
        (lambda s: s.inventory.set_bin("TEE", "NOPE", "A-1"), WarehouseNotFound),
    ],
)
def test_refused_inventory_calls_change_nothing(
    shop: ok.Shop, call: object, error: type[Exception]
) -> None:
    shop.inventory.receive("TEE", "BER", 5)
    shop.reservations.reserve("order:0", [("TEE", 4)])
    before = state(shop)
    with pytest.raises(error):
        call(shop)  # type: ignore[operator]
    assert state(shop) == before


def test_routing_strategies_choose_warehouses(shop: ok.Shop) -> None:
    shop.inventory.receive("TEE", "BER", 5)
    shop.inventory.receive("TEE", "PAR", 5)
    shop.inventory.receive("MUG", "BER", 5)
    by_priority = shop.reservations.reserve("order:1", [("TEE", 1)])
    assert held(by_priority) == [("TEE", "PAR", 1, 0)]
    nearest = shop.reservations.reserve("order:2", [("TEE", 1)], ship_to=MUNICH, strategy=Nearest())
    assert held(nearest) == [("TEE", "BER", 1, 0)]
    one_parcel = shop.reservations.reserve(
        "order:3", [("TEE", 1), ("MUG", 1)], strategy=FewestShipments()
    )
    assert {w for _, w, _, _ in held(one_parcel)} == {"BER"}
    plan = shop.reservations.plan([("TEE", 7)])
    assert plan.shipments == 2
    assert any("split" in line for line in plan.explanation)


def test_destination_countries_limit_the_warehouses(shop: ok.Shop) -> None:
    shop.inventory.receive("TEE", "BER", 5)
    spain = place("MAD", "ES", 40.4, -3.7)
    with pytest.raises(InsufficientStock):
        shop.reservations.reserve("order:1", [("TEE", 1)], ship_to=spain)


def test_kits_reserve_their_components(shop: ok.Shop) -> None:
    shop.inventory.receive("TEE", "BER", 3)
    shop.inventory.receive("MUG", "BER", 5)
    assert shop.inventory.available("GIFT") == 2
    reservation = shop.reservations.reserve("order:1", [("GIFT", 2), ("MUG", 1)])
    assert held(reservation) == [("MUG", "BER", 5, 0), ("TEE", "BER", 2, 0)]
    assert shop.inventory.available("GIFT") == 0
    assert shop.inventory.available("TEE") == 1


def test_channel_buffers_hold_stock_back_from_promises(shop: ok.Shop) -> None:
    shop.inventory.receive("TEE", "BER", 3)
    assert shop.inventory.available("TEE") == 3
    assert shop.inventory.available("TEE", channel="web") == 3
    assert shop.inventory.available("TEE", channel="marketplace") == 1


def test_release_commit_and_document_release(shop: ok.Shop) -> None:
    shop.inventory.receive("TEE", "BER", 10)
    first = shop.reservations.reserve("order:1", [("TEE", 4)])
    second = shop.reservations.reserve("order:2", [("TEE", 3)])
    shipped = shop.reservations.commit(first.id)
    assert shipped.status is ok.ReservationStatus.COMMITTED
    level = shop.inventory.level("TEE", "BER")
    assert (level.on_hand, level.reserved) == (6, 3)
    with pytest.raises(ReservationNotActive):
        shop.reservations.release(first.id)
    released = shop.reservations.release_document("order:2")
    assert [r.id for r in released] == [second.id]
    assert shop.inventory.level("TEE", "BER").reserved == 0
    kinds = [m.kind.value for m in shop.inventory.ledger(sku="TEE")]
    assert kinds == ["receive", "reserve", "reserve", "commit", "release"]
    names = [type(e).__name__ for e in shop.events.pending(limit=1000)]
    assert {"StockReserved", "ReservationCommitted", "ReservationReleased", "StockMoved"} <= set(
        names
    )


def test_expired_reservations_are_swept(shop: ok.Shop) -> None:
    shop.inventory.receive("TEE", "BER", 5)
    cart = shop.reservations.reserve("cart:1", [("TEE", 2)], expires_in=timedelta(minutes=30))
    order = shop.reservations.reserve("order:1", [("TEE", 1)])
    assert shop.reservations.sweep_expired() == 0
    shop.clock.advance(timedelta(minutes=31))  # type: ignore[attr-defined]
    assert shop.reservations.sweep_expired() == 1
    assert shop.reservations.get(cart.id).status is ok.ReservationStatus.EXPIRED
    assert shop.reservations.get(order.id).status is ok.ReservationStatus.ACTIVE
    assert shop.inventory.level("TEE", "BER").reserved == 1


def test_backorders_need_a_policy_and_stay_within_its_limit(shop: ok.Shop) -> None:
    shop.inventory.receive("TEE", "BER", 2)
    with pytest.raises(InsufficientStock):
        shop.reservations.reserve("order:1", [("TEE", 3)])
    shop.inventory.set_policy(
        StockPolicy(sku="TEE", backorders=BackorderMode.LIMITED, backorder_limit=4)
    )
    first = shop.reservations.reserve("order:1", [("TEE", 5)], priority=5)
    assert held(first) == [("TEE", "BER", 2, 0), ("TEE", "PAR", 0, 3)]
    with pytest.raises(InsufficientStock):
        shop.reservations.reserve("order:2", [("TEE", 2)])
    with pytest.raises(ValidationError):
        shop.reservations.commit(first.id)  # cannot ship what is not there


def test_arriving_stock_serves_backorders_by_priority_then_age(shop: ok.Shop) -> None:
    shop.inventory.set_policy(
        StockPolicy(sku="MUG", backorders=BackorderMode.LIMITED, backorder_limit=10)
    )
    early = shop.reservations.reserve("order:early", [("MUG", 2)], warehouse="BER")
    shop.clock.advance(timedelta(minutes=1))  # type: ignore[attr-defined]
    urgent = shop.reservations.reserve("order:urgent", [("MUG", 2)], warehouse="BER", priority=1)
    shop.clock.advance(timedelta(minutes=1))  # type: ignore[attr-defined]
    late = shop.reservations.reserve("order:late", [("MUG", 2)], warehouse="BER")
    level = shop.inventory.receive("MUG", "BER", 3)
    assert (level.on_hand, level.reserved, level.backordered) == (3, 3, 3)
    assert shop.reservations.get(urgent.id).backordered == 0
    assert shop.reservations.get(early.id).backordered == 1
    assert shop.reservations.get(late.id).backordered == 2
    shop.reservations.release(late.id)  # withdraws its backorder
    assert shop.inventory.level("MUG", "BER").backordered == 1
    shop.reservations.release(urgent.id)  # frees two units: the early order gets one
    assert shop.reservations.get(early.id).backordered == 0
    assert shop.inventory.verify_ledger()


def test_preorders_close_at_their_date(shop: ok.Shop) -> None:
    shop.inventory.set_policy(
        StockPolicy(
            sku="TEE",
            backorders=BackorderMode.PREORDER,
            backorder_limit=100,
            preorder_until=T0 + timedelta(days=1),
        )
    )
    assert shop.reservations.reserve("order:1", [("TEE", 5)]).backordered == 5
    shop.clock.advance(timedelta(days=1))  # type: ignore[attr-defined]
    with pytest.raises(InsufficientStock):
        shop.reservations.reserve("order:2", [("TEE", 1)])


def test_transfers_counts_adjustments_and_write_offs(shop: ok.Shop) -> None:
    shop.inventory.receive("TEE", "BER", 10)
    source, destination = shop.inventory.transfer("TEE", "BER", "PAR", 4)
    assert (source.on_hand, destination.on_hand) == (6, 4)
    assert shop.inventory.count("TEE", "BER", 6).on_hand == 6  # matches: no movement
    assert shop.inventory.count("TEE", "BER", 5, document="count:7").on_hand == 5
    assert shop.inventory.adjust("TEE", "BER", 2, reason="found behind shelf").on_hand == 7
    assert shop.inventory.write_off("TEE", "PAR", 1, reason="water damage").on_hand == 3
    assert shop.inventory.restock("TEE", "PAR", 1, document="return:R1").on_hand == 4
    kinds = [(m.kind.value, m.warehouse, m.on_hand_delta) for m in shop.inventory.ledger()]
    assert kinds == [
        ("receive", "BER", 10),
        ("transfer_out", "BER", -4),
        ("transfer_in", "PAR", 4),
        ("count", "BER", -1),
        ("adjust", "BER", 2),
        ("write_off", "PAR", -1),
        ("return", "PAR", 1),
    ]
    transfer_documents = {m.document for m in shop.inventory.ledger() if "transfer" in m.kind}
    assert len(transfer_documents) == 1
    documents = [(m.document or "").split(":")[0] for m in shop.inventory.ledger()]
    assert documents == [
        "receipt",
        "transfer",
        "transfer",
        "count",
        "adjustment",
        "write-off",
        "return",
    ]


def test_purchase_orders_are_incoming_until_received(shop: ok.Shop) -> None:
    po = shop.purchasing.create_order(
        "Acme Mills", "BER", [("TEE", 10), ("MUG", 4)], expected_at=T0 + timedelta(days=7)
    )
    assert shop.inventory.level("TEE", "BER").incoming == 10
    shop.purchasing.receive(po.id, [("TEE", 6)])
    level = shop.inventory.level("TEE", "BER")
    assert (level.on_hand, level.incoming) == (6, 4)
    with pytest.raises(ValidationError):
        shop.purchasing.receive(po.id, [("TEE", 5)])  # more than outstanding
    with pytest.raises(ValidationError):
        shop.purchasing.receive(po.id, [("CAP", 1)])  # not on the order
    shop.purchasing.receive(po.id, [("TEE", 4), ("MUG", 4)])
    assert shop.purchasing.get(po.id).status is ok.PurchaseOrderStatus.RECEIVED
    assert shop.purchasing.open_orders() == []
    with pytest.raises(PurchaseOrderClosed):
        shop.purchasing.receive(po.id, [("TEE", 1)])
    closed = shop.purchasing.create_order("Acme Mills", "BER", [("TEE", 5)])
    shop.purchasing.close(closed.id)
    assert shop.inventory.level("TEE", "BER").incoming == 0
    with pytest.raises(PurchaseOrderClosed):
        shop.purchasing.receive(closed.id, [("TEE", 1)])
    assert {m.document for m in shop.inventory.ledger(sku="TEE")} == {f"po:{po.id}"}


def test_late_short_and_over_purchase_orders_are_flagged(shop: ok.Shop) -> None:
    late = shop.purchasing.create_order(
        "Acme Mills", "BER", [("TEE", 10)], expected_at=T0 + timedelta(days=2)
    )
    generous = shop.purchasing.create_order("Acme Mills", "BER", [("MUG", 4)])
    short = shop.purchasing.create_order("Acme Mills", "BER", [("TEE", 5), ("MUG", 2)])
    assert shop.purchasing.problems() == []
    shop.purchasing.receive(generous.id, [("MUG", 6)], accept_over=True)
    assert shop.inventory.level("MUG", "BER").on_hand == 6
    assert shop.purchasing.get(generous.id).status is ok.PurchaseOrderStatus.RECEIVED
    shop.purchasing.receive(short.id, [("TEE", 3)])
    shop.purchasing.close(short.id)
    flagged = [e for e in shop.events.pending(limit=1000) if e.aggregate_type == "purchase_order"]
    assert [(e.aggregate_id, e.kind, e.detail) for e in flagged] == [  # type: ignore[attr-defined]
        (generous.id, "over", "MUG 2"),
        (short.id, "short", "MUG 2, TEE 2"),
    ]
    ((found, reasons),) = shop.purchasing.problems(T0 + timedelta(days=3))
    assert found.id == late.id
    assert reasons == ("late: expected 2026-03-04T09:00+00:00",)
    assert [o.id for o in shop.purchasing.flag_late(T0 + timedelta(days=3))] == [late.id]
    assert shop.purchasing.flag_late(T0 + timedelta(days=4)) == []  # once
    latest = shop.events.pending(limit=1000)[-1]
    assert (latest.kind, latest.detail) == ("late", "expected 2026-03-04T09:00+00:00")  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="accept_over"):
        shop.purchasing.receive(late.id, [("TEE", 1)], accept_over="yes")  # type: ignore[arg-type]


def test_replenishment_advice_from_shipped_demand(shop: ok.Shop) -> None:
    shop.inventory.set_policy(StockPolicy(sku="TEE", supplier="Acme Mills", lead_time_days=5))
    shop.inventory.receive("TEE", "BER", 200)
    for day in range(30):
        reservation = shop.reservations.reserve(
            f"order:{day}", [("TEE", 4 + day % 3)], warehouse="BER"
        )
        shop.reservations.commit(reservation.id)
        shop.clock.advance(timedelta(days=1))  # type: ignore[attr-defined]
    (advice,) = shop.purchasing.advice(days=30)
    assert (advice.sku, advice.warehouse, advice.supplier) == ("TEE", "BER", "Acme Mills")
    assert advice.available == 200 - 150
    assert advice.reorder_point == 25 + advice.safety_stock
    assert advice.safety_stock > 0
    assert advice.days_of_cover == 10
    assert advice.suggested_quantity == 0  # 50 on hand is above the reorder point
    shop.inventory.write_off("TEE", "BER", 30, reason="damaged in storm")
    (suggestion,) = shop.purchasing.suggestions(days=30)
    assert (suggestion.supplier, suggestion.warehouse) == ("Acme Mills", "BER")
    (line,) = suggestion.lines
    assert line[0] == "TEE"
    assert line[1] == advice.reorder_point + 25 - 20


def test_a_tampered_level_is_caught_by_verify_ledger(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "shop.db"
    with ok.Shop.open(f"sqlite:///{path}") as shop:
        shop.inventory.add_warehouse(ok.Warehouse("BER", "Berlin", MUNICH))
        shop.catalog.add(ok.Product(sku="TEE", name="T", price=ok.Money(1, "EUR")))
        shop.inventory.receive("TEE", "BER", 5)
        assert shop.inventory.verify_ledger()
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE stock_levels SET on_hand = 50")
    with ok.Shop.open(f"sqlite:///{path}") as shop, pytest.raises(StorageIntegrityError):
        shop.inventory.verify_ledger()


def test_the_database_itself_refuses_oversold_rows(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "shop.db"
    ok.Shop.open(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as raw, pytest.raises(sqlite3.IntegrityError):
        raw.execute(
            "INSERT INTO stock_levels (sku, warehouse, on_hand, reserved, backordered) "
            "VALUES ('TEE', 'BER', 1, 2, 0)"
        )


def test_releasing_held_and_backordered_units_of_one_line_serves_the_others(
    shop: ok.Shop,
) -> None:
    # Found by the demo at scale: releasing a line's held units freed stock that
    # was then allocated to the line's own backorder before that was withdrawn.
    shop.inventory.set_policy(
        StockPolicy(sku="MUG", backorders=BackorderMode.LIMITED, backorder_limit=10)
    )
    shop.inventory.receive("MUG", "BER", 2)
    mixed = shop.reservations.reserve("order:mixed", [("MUG", 3)], warehouse="BER")
    assert held(mixed) == [("MUG", "BER", 2, 1)]
    shop.clock.advance(timedelta(minutes=1))  # type: ignore[attr-defined]
    waiting = shop.reservations.reserve("order:waiting", [("MUG", 1)], warehouse="BER")
    shop.reservations.release(mixed.id)
    assert held(shop.reservations.get(waiting.id)) == [("MUG", "BER", 1, 0)]
    level = shop.inventory.level("MUG", "BER")
    assert (level.on_hand, level.reserved, level.backordered) == (2, 1, 0)
    assert shop.inventory.verify_ledger()


def test_backorders_wait_where_the_stock_is_on_order(shop: ok.Shop) -> None:
    shop.inventory.set_policy(
        StockPolicy(sku="TEE", backorders=BackorderMode.LIMITED, backorder_limit=10)
    )
    po = shop.purchasing.create_order("Acme Mills", "BER", [("TEE", 3)])
    reservation = shop.reservations.reserve("order:1", [("TEE", 2)])  # PAR ranks first
    assert held(reservation) == [("TEE", "BER", 0, 2)]
    shop.purchasing.receive(po.id, [("TEE", 3)])
    assert held(shop.reservations.get(reservation.id)) == [("TEE", "BER", 2, 0)]


def test_releasing_twice_is_refused_and_changes_nothing(shop: ok.Shop) -> None:
    shop.inventory.receive("TEE", "BER", 5)
    reservation = shop.reservations.reserve("order:1", [("TEE", 2)])
    shop.reservations.release(reservation.id)
    before = state(shop)
    with pytest.raises(ReservationNotActive):
        shop.reservations.release(reservation.id)
    assert state(shop) == before


def test_bins_and_pickup_points(shop: ok.Shop) -> None:
    shop.inventory.set_bin("TEE", "BER", "A-03-2")
    assert shop.inventory.bins("BER") == {"TEE": "A-03-2"}
    store = ok.Warehouse("SHOP", "City shop", MUNICH, pickup_point=True)
    shop.inventory.add_warehouse(store)
    assert [w.code for w in shop.inventory.warehouses() if w.pickup_point] == ["SHOP"]
