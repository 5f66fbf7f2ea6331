"""Shipments as records: the fulfilment repository every store keeps in its records."""

from __future__ import annotations

from orderkit.adapters.records._tables import VersionedRecords
from orderkit.errors import ShipmentNotFound
from orderkit.fulfillment.shipments import Shipment, ShipmentState

__all__ = ["RecordShipments"]


class RecordShipments(VersionedRecords[Shipment]):
    """Shipments under their id, indexed by order number."""

    TABLE, KIND, LABEL = "shipments", Shipment, "shipment"
    NOT_FOUND = ShipmentNotFound
    INDEXES = {
        "order": lambda s: [(s.order_number,)],
        "tracking": lambda s: [(number,) for number in s.tracking_numbers],
        "state": lambda s: [(s.state.value,)],
    }

    def for_order(self, order_number: int) -> list[Shipment]:
        """The shipments of an order, oldest first."""
        found = self._table.by("order", (order_number,))
        return sorted(found, key=lambda shipment: (shipment.created_at, shipment.id))

    def for_orders(self, first: int, last: int) -> list[Shipment]:
        """The shipments of the orders numbered ``first`` to ``last``: by order, oldest first."""
        found = self._table.between("order", first, last)
        return sorted(found, key=lambda s: (s.order_number, s.created_at, s.id))

    def by_tracking_number(self, tracking_number: str) -> Shipment | None:
        """The shipment with this tracking number (its own or a parcel's), or ``None``."""
        found = self._table.by("tracking", (tracking_number,))
        return found[0] if found else None

    def in_state(self, state: ShipmentState) -> list[Shipment]:
        """The shipments in ``state``, oldest first."""
        found = self._table.by("state", (ShipmentState(state).value,))
        return sorted(found, key=lambda shipment: (shipment.created_at, shipment.id))
