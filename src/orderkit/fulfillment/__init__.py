"""Fulfilment: shipments from an order's reservations to the door, and the parcels they go in.

``shop.fulfilment`` (:class:`FulfilmentService`) makes shipments from what
an order holds, one per warehouse; picks them (short picks re-allocate),
packs them into :class:`Parcel` s, ships them (their units leave stock) and
records them delivered. The order's per-line counters and its state follow
its shipments.
"""

from orderkit.fulfillment.parcels import Parcel
from orderkit.fulfillment.service import FulfilmentService
from orderkit.fulfillment.shipments import (
    NEXT_STATES,
    Shipment,
    ShipmentLine,
    ShipmentState,
    ShipmentStep,
    shipment_document,
)

__all__ = [
    "NEXT_STATES",
    "FulfilmentService",
    "Parcel",
    "Shipment",
    "ShipmentLine",
    "ShipmentState",
    "ShipmentStep",
    "shipment_document",
]
