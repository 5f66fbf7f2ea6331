"""The fulfilment part of the store contract: shipments and partly shipped reservations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import attrs
import pytest

from orderkit.catalog.ports import Dimensions
from orderkit.errors import AlreadyExists, ConcurrencyConflict, ShipmentNotFound
from orderkit.fulfillment.carriers import PackageLabel
from orderkit.fulfillment.parcels import Parcel
from orderkit.fulfillment.shipments import Shipment, ShipmentLine, ShipmentState
from orderkit.inventory.reservations import ReservationStatus
from orderkit.storage import Store
from orderkit.testing.inventory_contract import sample_reservation

__all__ = ["FulfilmentContract", "sample_shipment"]

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def sample_shipment(
    shipment_id: str = "S1", order_number: int = 1042, created_at: datetime = T0
) -> Shipment:
    """A shipment for contract tests."""
    return Shipment(
        id=shipment_id,
        order_id=f"O{order_number}",
        order_number=order_number,
        warehouse="BER",
        lines=[ShipmentLine("TEE-M", 2), ShipmentLine("MUG-1", 1)],
        created_at=created_at,
        ship_by=created_at + timedelta(days=1),
        deliver_by=created_at + timedelta(days=3),
    )


class FulfilmentContract:
    """Shipments read back whole, by order, with versions; reservations keep shipped units."""

    def test_shipments_round_trip_and_refuse_stale_saves(self, store: Store) -> None:
        """A shipment reads back equal through every step; a stale save is a conflict."""
        with store.unit_of_work() as uow:
            uow.shipments.add(sample_shipment())
            uow.commit()
        with store.unit_of_work() as uow, pytest.raises(AlreadyExists):
            uow.shipments.add(sample_shipment())
        with store.unit_of_work(readonly=True) as uow:
            first = uow.shipments.get("S1")
            second = uow.shipments.get("S1")
            with pytest.raises(ShipmentNotFound):
                uow.shipments.get("NOPE")
        assert first.version == 1
        assert attrs.evolve(first, version=0) == sample_shipment()
        for state in (ShipmentState.PICKED, ShipmentState.PACKED, ShipmentState.SHIPPED):
            first.move(state, at=T0 + timedelta(hours=1), actor="picker-1", note="bin A-3")
        first.packages = (Parcel(Dimensions(300, 200, 100), weight_g=900),)
        first.carrier, first.tracking_number = "dhl", "00340434161094042557"
        first.shipped_at = T0 + timedelta(hours=1)
        with store.unit_of_work() as uow:
            uow.shipments.save(first)
            uow.commit()
        second.move(ShipmentState.CANCELLED, at=T0, actor="desk")
        with store.unit_of_work() as uow, pytest.raises(ConcurrencyConflict):
            uow.shipments.save(second)
        with store.unit_of_work(readonly=True) as uow:
            stored = uow.shipments.get("S1")
        assert stored == attrs.evolve(first, version=2)
        assert [step.to_state for step in stored.history] == ["picked", "packed", "shipped"]

    def test_shipments_by_order_oldest_first_and_rolled_back_with_their_unit(
        self, store: Store
    ) -> None:
        """An order's shipments come oldest first; an unfinished unit of work adds none."""
        with store.unit_of_work() as uow:
            uow.shipments.add(sample_shipment("S9", 7, T0 + timedelta(hours=2)))
            uow.shipments.add(sample_shipment("S2", 7, T0))
            uow.shipments.add(sample_shipment("S5", 8, T0))
            uow.commit()
        with store.unit_of_work() as uow:
            uow.shipments.add(sample_shipment("S3", 7, T0 + timedelta(hours=1)))
        with store.unit_of_work(readonly=True) as uow:
            assert [s.id for s in uow.shipments.for_order(7)] == ["S2", "S9"]
            assert [s.id for s in uow.shipments.for_order(8)] == ["S5"]
            assert uow.shipments.for_order(9) == []

    def test_shipments_of_a_stretch_of_orders_come_in_one_read(self, store: Store) -> None:
        """``for_orders`` gives the shipments of orders first to last: by order, oldest first."""
        with store.unit_of_work() as uow:
            uow.shipments.add(sample_shipment("S1", 10, T0 + timedelta(hours=1)))
            uow.shipments.add(sample_shipment("S2", 10, T0))
            uow.shipments.add(sample_shipment("S3", 9))
            uow.shipments.add(sample_shipment("S4", 12))
            uow.shipments.add(sample_shipment("S5", 13))
            uow.commit()
        with store.unit_of_work() as uow:
            uow.shipments.add(sample_shipment("S6", 11))  # never committed
        with store.unit_of_work(readonly=True) as uow:
            assert [s.id for s in uow.shipments.for_orders(10, 12)] == ["S2", "S1", "S4"]
            assert [s.id for s in uow.shipments.for_orders(9, 9)] == ["S3"]
            assert [s.id for s in uow.shipments.for_orders(1, 1000)] == [
                "S3",
                "S2",
                "S1",
                "S4",
                "S5",
            ]
            assert uow.shipments.for_orders(14, 99) == []

    def test_shipments_are_found_by_tracking_number_and_by_state(self, store: Store) -> None:
        """Any of its tracking numbers finds a shipment; states list follow saved changes."""
        labelled = sample_shipment("S7", 7)
        labelled.tracking_number = "ZP100000015DE"
        labelled.labels = (
            PackageLabel("ZP100000015DE", "label-1"),
            PackageLabel("ZP100000029DE", "label-2"),
        )
        with store.unit_of_work() as uow:
            uow.shipments.add(labelled)
            uow.shipments.add(sample_shipment("S8", 8))
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.shipments.by_tracking_number("ZP100000029DE").id == "S7"  # type: ignore[union-attr]
            assert uow.shipments.by_tracking_number("NOPE") is None
            assert [s.id for s in uow.shipments.in_state(ShipmentState.CREATED)] == ["S7", "S8"]
            moved = uow.shipments.get("S8")
            moved.move(ShipmentState.CANCELLED, at=T0, actor="desk")
            uow.shipments.save(moved)
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            assert [s.id for s in uow.shipments.in_state(ShipmentState.CREATED)] == ["S7"]
            assert [s.id for s in uow.shipments.in_state(ShipmentState.CANCELLED)] == ["S8"]

    def test_a_partly_shipped_reservation_keeps_its_shipped_units(self, store: Store) -> None:
        """A reservation that shipped part of a line reads back with both counts."""
        reservation = sample_reservation()
        reservation.ship("TEE-M", "BER", 1)
        with store.unit_of_work() as uow:
            uow.reservations.add(reservation)
            uow.commit()
        with store.unit_of_work(readonly=True) as uow:
            stored = uow.reservations.get("R1")
        assert stored.status is ReservationStatus.ACTIVE
        assert [(ln.sku, ln.quantity, ln.shipped) for ln in stored.lines] == [
            ("MUG-1", 1, 0),
            ("TEE-M", 1, 1),
        ]
        assert stored.shipped_from() == {("TEE-M", "BER"): 1}
