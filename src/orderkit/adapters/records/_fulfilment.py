"""Shipments as records: the fulfilment repository every store keeps in its records."""

from __future__ import annotations

from orderkit.adapters.records._tables import VersionedRecords
from orderkit.errors import ShipmentNotFound
from orderkit.fulfillment.shipments import Shipment

__all__ = ["RecordShipments"]


class RecordShipments(VersionedRecords[Shipment]):
    """Shipments under their id, indexed by order number."""

    TABLE, KIND, LABEL = "shipments", Shipment, "shipment"
    NOT_FOUND = ShipmentNotFound
    INDEXES = {"order": lambda s: [(s.order_number,)]}

    def for_order(self, order_number: int) -> list[Shipment]:
        """The shipments of an order, oldest first."""
        found = self._table.by("order", (order_number,))
        return sorted(found, key=lambda shipment: (shipment.created_at, shipment.id))
