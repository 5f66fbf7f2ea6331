"""The inventory part of the store contract: warehouses, stock, the ledger, reservations.

:class:`orderkit.testing.contract.StoreContract` includes these tests; this
module only keeps the suite in rooms of one job each.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import attrs
import pytest

from orderkit.core.addresses import Address, Coordinates
from orderkit.errors import (
    AlreadyExists,
    ConcurrencyConflict,
    InsufficientStock,
    PurchaseOrderNotFound,
    ReservationNotFound,
    StorageError,
    ValidationError,
    WarehouseNotFound,
)
from orderkit.inventory.ledger import MovementKind, StockMovement, replay
from orderkit.inventory.policies import BackorderMode, StockPolicy
from orderkit.inventory.purchasing import PurchaseOrder, PurchaseOrderLine
from orderkit.inventory.reservations import Reservation, ReservationLine, ReservationStatus
from orderkit.inventory.stock import StockLevel
from orderkit.inventory.warehouses import Warehouse
from orderkit.storage import Store

__all__ = ["InventoryContract", "sample_warehouse"]

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def sample_warehouse(code: str = "BER", priority: int = 10) -> Warehouse:
    """A warehouse for contract tests."""
    return Warehouse(
        code,
        f"Warehouse {code}",
        Address(
            name=code,
            line1="Lagerweg 1",
            city="Berlin",
            postal_code="10115",
            country="DE",
            coordinates=Coordinates(52.52, 13.405),
        ),
        priority=priority,
        serves=["DE", "AT"],
    )


def move(kind: str, quantity: int, sku: str = "TEE-M", warehouse: str = "BER") -> StockMovement:
    """A movement for contract tests."""
    return StockMovement.of(kind, sku, warehouse, quantity, occurred_at=T0, document="test:1")


def sample_reservation(
    reservation_id: str = "R1", document: str = "order:O1", expires_at: datetime | None = None
) -> Reservation:
    """A reservation for contract tests."""
    return Reservation(
        id=reservation_id,
        document=document,
        lines=(ReservationLine("TEE-M", "BER", 2), ReservationLine("MUG-1", "BER", 1)),
        created_at=T0,
        expires_at=expires_at,
    )


class InventoryContract:
    """Inventory behaviour every store must show (mixed into ``StoreContract``)."""

    def test_warehouses_round_trip_and_list_by_priority(self, store: Store) -> None:
        """Warehouses read back equal and list by priority, then code."""
        with store.unit_of_work() as uow:
            for code, priority in (("PAR", 5), ("BER", 10), ("AMS", 5)):
                uow.warehouses.add(sample_warehouse(code, priority))
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            assert uow.warehouses.get("BER") == sample_warehouse("BER", 10)
            assert [w.code for w in uow.warehouses.list()] == ["AMS", "PAR", "BER"]
            with pytest.raises(WarehouseNotFound):
                uow.warehouses.get("NOPE")
        with store.unit_of_work() as uow, pytest.raises(AlreadyExists):
            uow.warehouses.add(sample_warehouse("BER"))

    def test_a_replaced_warehouse_is_read_back_changed(self, store: Store) -> None:
        """A replaced warehouse is what the next unit of work reads, by code and in the list."""
        with store.unit_of_work() as uow:
            uow.warehouses.add(sample_warehouse("BER", 10))
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            assert uow.warehouses.get("BER").active  # read once before the change
        closed = attrs.evolve(sample_warehouse("BER", 3), active=False)
        with store.unit_of_work() as uow:
            uow.warehouses.replace(closed)
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            assert uow.warehouses.get("BER") == closed
            assert uow.warehouses.list() == [closed]
        with store.unit_of_work() as uow, pytest.raises(WarehouseNotFound):
            uow.warehouses.replace(sample_warehouse("NOPE"))

    def test_stock_starts_at_zero_and_receiving_creates_the_level(self, store: Store) -> None:
        """An unknown level reads as zero; receiving records level and movement."""
        with store.unit_of_work() as uow:
            assert uow.stock.level("TEE-M", "BER") == StockLevel("TEE-M", "BER")
            assert uow.stock.apply(move("receive", 10)) == StockLevel("TEE-M", "BER", 10, 0)
            assert uow.stock.apply(move("reserve", 4)) == StockLevel("TEE-M", "BER", 10, 4)
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            assert uow.stock.level("TEE-M", "BER").available == 6
            ledger = list(uow.stock.movements(sku="TEE-M"))
        assert [(m.kind, m.on_hand_delta, m.reserved_delta) for m in ledger] == [
            (MovementKind.RECEIVE, 10, 0),
            (MovementKind.RESERVE, 0, 4),
        ]
        assert ledger[0].document == "test:1"
        assert ledger[0].occurred_at == T0
        assert (ledger[0].position or 0) < (ledger[1].position or 0)

    @pytest.mark.parametrize(
        ("kind", "quantity", "error"),
        [
            ("reserve", 7, InsufficientStock),
            ("release", 5, ValidationError),
            ("commit", 5, ValidationError),
            ("write_off", 7, ValidationError),
            ("transfer_out", 11, ValidationError),
        ],
    )
    def test_refused_movements_change_nothing(
        self, store: Store, kind: str, quantity: int, error: type[Exception]
    ) -> None:
        """A movement that breaks a stock rule raises and leaves level and ledger as they were."""
        with store.unit_of_work() as uow:
            uow.stock.apply(move("receive", 10))
            uow.stock.apply(move("reserve", 4))
            uow.commit()
        with store.unit_of_work() as uow:
            with pytest.raises(error):
                uow.stock.apply(move(kind, quantity))
            assert uow.stock.level("TEE-M", "BER") == StockLevel("TEE-M", "BER", 10, 4)
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            assert uow.stock.level("TEE-M", "BER") == StockLevel("TEE-M", "BER", 10, 4)
            assert len(list(uow.stock.movements())) == 2

    def test_insufficient_stock_names_what_was_short(self, store: Store) -> None:
        """InsufficientStock carries the SKU, warehouse, requested and available units."""
        with store.unit_of_work() as uow:
            uow.stock.apply(move("receive", 3))
            with pytest.raises(InsufficientStock) as short:
                uow.stock.apply(move("reserve", 5))
        assert (short.value.sku, short.value.warehouse) == ("TEE-M", "BER")
        assert (short.value.requested, short.value.available) == (5, 3)

    def test_reserving_a_sku_never_received_is_insufficient(self, store: Store) -> None:
        """A level that does not exist has nothing to reserve."""
        with store.unit_of_work() as uow, pytest.raises(InsufficientStock):
            uow.stock.apply(move("reserve", 1, sku="GHOST"))
        with store.unit_of_work(readonly=True) as uow:
            assert uow.stock.levels() == []

    def test_levels_filter_and_equal_a_replay_of_the_ledger(self, store: Store) -> None:
        """levels() filters by SKU and warehouse, and replaying the ledger reproduces them."""
        with store.unit_of_work() as uow:
            uow.stock.apply(move("receive", 10))
            uow.stock.apply(move("receive", 5, warehouse="PAR"))
            uow.stock.apply(move("receive", 2, sku="MUG-1"))
            uow.stock.apply(move("reserve", 3))
            uow.stock.apply(move("commit", 2))
            uow.stock.apply(move("release", 1))
            uow.stock.apply(
                StockMovement.correction(
                    "count", "MUG-1", "BER", -1, occurred_at=T0, reason="cycle count"
                )
            )
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            levels = uow.stock.levels()
            assert [(lv.sku, lv.warehouse) for lv in levels] == [
                ("MUG-1", "BER"),
                ("TEE-M", "BER"),
                ("TEE-M", "PAR"),
            ]
            assert uow.stock.levels(sku="TEE-M", warehouse="PAR") == [
                StockLevel("TEE-M", "PAR", 5, 0)
            ]
            assert [lv.sku for lv in uow.stock.levels(warehouse="BER")] == ["MUG-1", "TEE-M"]
            assert uow.stock.level("TEE-M", "BER") == StockLevel("TEE-M", "BER", 8, 0)
            rebuilt = replay(uow.stock.movements())
        assert rebuilt == {(lv.sku, lv.warehouse): lv for lv in levels}

    def test_stock_changes_roll_back_with_the_unit_of_work(self, store: Store) -> None:
        """A failed unit of work leaves no level and no movement."""

        def fail() -> None:
            with store.unit_of_work() as uow:
                uow.stock.apply(move("receive", 10))
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            fail()
        with store.unit_of_work(readonly=True) as uow:
            assert uow.stock.levels() == []
            assert list(uow.stock.movements()) == []

    def test_read_only_units_of_work_refuse_stock_writes(self, store: Store) -> None:
        """Stock cannot change through a read-only unit of work."""
        with store.unit_of_work(readonly=True) as uow, pytest.raises(StorageError):
            uow.stock.apply(move("receive", 1))

    def test_reservations_round_trip_and_refuse_stale_saves(self, store: Store) -> None:
        """Reservations read back equal; a stale save is a ConcurrencyConflict."""
        expiry = T0 + timedelta(minutes=30)
        with store.unit_of_work() as uow:
            uow.reservations.add(sample_reservation(expires_at=expiry))
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            first = uow.reservations.get("R1")
            second = uow.reservations.get("R1")
            with pytest.raises(ReservationNotFound):
                uow.reservations.get("NOPE")
        assert first.version == 1
        assert attrs.evolve(first, version=0) == sample_reservation(expires_at=expiry)
        first.release()
        with store.unit_of_work() as uow:
            uow.reservations.save(first)
            uow.commit()
        second.commit()
        with store.unit_of_work() as uow, pytest.raises(ConcurrencyConflict):
            uow.reservations.save(second)
        with store.unit_of_work(readonly=True) as uow:
            stored = uow.reservations.get("R1")
        assert (stored.status, stored.version) == (ReservationStatus.RELEASED, 2)

    def test_reservations_by_document_and_expiry(self, store: Store) -> None:
        """for_document finds a document's reservations; expired() only active, due ones."""
        with store.unit_of_work() as uow:
            uow.reservations.add(sample_reservation("R1", "cart:A", T0 + timedelta(minutes=5)))
            uow.reservations.add(sample_reservation("R2", "cart:A", T0 + timedelta(minutes=50)))
            uow.reservations.add(sample_reservation("R3", "order:B"))
            done = sample_reservation("R4", "cart:C", T0 + timedelta(minutes=1))
            done.release()
            uow.reservations.add(done)
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            assert [r.id for r in uow.reservations.for_document("cart:A")] == ["R1", "R2"]
            assert uow.reservations.for_document("nothing") == []
            due = uow.reservations.expired(T0 + timedelta(minutes=10))
            assert [r.id for r in due] == ["R1"]
            assert [r.id for r in uow.reservations.expired(T0 + timedelta(hours=1), 1)] == ["R1"]

    def test_backorders_respect_the_limit_given_with_the_movement(self, store: Store) -> None:
        """Backordered units grow only up to the limit passed to apply()."""
        with store.unit_of_work() as uow:
            uow.stock.apply(move("backorder", 3), backorder_limit=4)
            with pytest.raises(InsufficientStock):
                uow.stock.apply(move("backorder", 2), backorder_limit=4)
            with pytest.raises(InsufficientStock):
                uow.stock.apply(move("backorder", 1, sku="MUG-1"))  # no limit given: none allowed
            uow.stock.apply(move("receive", 2))
            level = uow.stock.apply(move("allocate", 2))
            uow.commit()
        assert (level.on_hand, level.reserved, level.backordered) == (2, 2, 1)

    def test_stock_policies_are_kept_per_sku(self, store: Store) -> None:
        """put() stores or replaces a SKU's policy; get() returns None for SKUs without one."""
        first = StockPolicy(sku="TEE-M", supplier="Acme Mills", lead_time_days=5)
        second = StockPolicy(
            sku="TEE-M",
            backorders=BackorderMode.LIMITED,
            backorder_limit=10,
            min_quantity=5,
            max_quantity=40,
            service_level=Decimal("0.99"),
        )
        with store.unit_of_work() as uow:
            uow.stock_policies.put(first)
            uow.stock_policies.put(StockPolicy(sku="MUG-1"))
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.stock_policies.get("TEE-M") == first
            uow.stock_policies.put(second)
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            assert uow.stock_policies.get("TEE-M") == second
            assert uow.stock_policies.get("NONE") is None
            assert [p.sku for p in uow.stock_policies.list()] == ["MUG-1", "TEE-M"]

    def test_purchase_orders_round_trip_and_list_open_ones(self, store: Store) -> None:
        """Purchase orders read back equal; open() lists only open ones; stale saves conflict."""

        def po(po_id: str, warehouse: str = "BER") -> PurchaseOrder:
            return PurchaseOrder(
                id=po_id,
                supplier="Acme Mills",
                warehouse=warehouse,
                lines=(PurchaseOrderLine("TEE-M", 10), PurchaseOrderLine("MUG-1", 4)),
                created_at=T0,
                expected_at=T0 + timedelta(days=7),
            )

        with store.unit_of_work() as uow:
            for po_id, warehouse in (("P1", "BER"), ("P2", "PAR"), ("P3", "BER")):
                uow.purchase_orders.add(po(po_id, warehouse))
            uow.commit()
        with store.unit_of_work() as uow:
            third = uow.purchase_orders.get("P3")
            third.close()
            uow.purchase_orders.save(third)
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            loaded = uow.purchase_orders.get("P1")
            assert attrs.evolve(loaded, version=0) == po("P1")
            assert [p.id for p in uow.purchase_orders.open()] == ["P1", "P2"]
            assert [p.id for p in uow.purchase_orders.open(warehouse="BER")] == ["P1"]
            stale = uow.purchase_orders.get("P1")
            with pytest.raises(PurchaseOrderNotFound):
                uow.purchase_orders.get("NOPE")
        loaded.receive("TEE-M", 4)
        with store.unit_of_work() as uow:
            uow.purchase_orders.save(loaded)
            uow.commit()
        stale.close()
        with store.unit_of_work() as uow, pytest.raises(ConcurrencyConflict):
            uow.purchase_orders.save(stale)
        with store.unit_of_work(readonly=True) as uow:
            assert uow.purchase_orders.get("P1").outstanding("TEE-M") == 6

    def test_bin_locations_are_set_replaced_and_forgotten(self, store: Store) -> None:
        """set_bin() shelves a SKU; bins() lists a warehouse's; None forgets it."""
        with store.unit_of_work() as uow:
            uow.stock.set_bin("TEE-M", "BER", "A-01-1")
            uow.stock.set_bin("MUG-1", "BER", "B-02-3")
            uow.stock.set_bin("TEE-M", "PAR", "Z-9")
            uow.commit()
        with store.unit_of_work() as uow:
            uow.stock.set_bin("TEE-M", "BER", "A-01-2")
            uow.stock.set_bin("MUG-1", "BER", None)
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            assert uow.stock.bins("BER") == {"TEE-M": "A-01-2"}
            assert uow.stock.bins("PAR") == {"TEE-M": "Z-9"}
            assert uow.stock.bins("NONE") == {}

    def test_movements_filter_by_time(self, store: Store) -> None:
        """movements(since=...) yields only movements at or after that time."""
        later = T0 + timedelta(days=2)
        with store.unit_of_work() as uow:
            uow.stock.apply(move("receive", 5))
            uow.stock.apply(
                StockMovement.of("receive", "TEE-M", "BER", 3, occurred_at=later, document="x:2")
            )
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            assert [m.on_hand_delta for m in uow.stock.movements(since=later)] == [3]
            assert [m.on_hand_delta for m in uow.stock.movements(since=T0)] == [5, 3]
            assert list(uow.stock.movements(sku="TEE-M", since=later + timedelta(seconds=1))) == []
