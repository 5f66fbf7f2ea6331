"""Fulfilment: shipments from an order's reservations to the door, and the parcels they go in.

``shop.fulfilment`` (:class:`FulfilmentService`) makes shipments from what
an order holds, one per warehouse; picks them (short picks re-allocate);
packs them into :class:`Parcel` s, with boxes chosen from a catalogue by
:func:`choose_boxes`; ships them (their units leave stock) and records them
delivered. A carrier bills a parcel by its :class:`WeightRule`. The order's
per-line counters and its state follow its shipments.
"""

from orderkit.fulfillment.carriers import (
    Carrier,
    CarrierService,
    Label,
    LabelRequest,
    PackageLabel,
    RateQuote,
    RateRequest,
    TrackingEvent,
    TrackingStatus,
)
from orderkit.fulfillment.last_mile import OWN_DRIVERS, PICKUP, ProofOfDelivery, order_stops
from orderkit.fulfillment.packing import Box, Package, PackItem, choose_boxes
from orderkit.fulfillment.parcels import Parcel, WeightRule
from orderkit.fulfillment.picking import PickLine, PickList, PriorityRules, plan_pick_lists
from orderkit.fulfillment.promises import Promise, ShippingCalendar
from orderkit.fulfillment.rates import QuoteBook, choose_rate
from orderkit.fulfillment.service import FulfilmentService
from orderkit.fulfillment.shipments import (
    NEXT_STATES,
    PackingSlip,
    RateChoice,
    Shipment,
    ShipmentLine,
    ShipmentState,
    ShipmentStep,
    shipment_document,
)

__all__ = [
    "NEXT_STATES",
    "OWN_DRIVERS",
    "PICKUP",
    "Box",
    "Carrier",
    "CarrierService",
    "FulfilmentService",
    "Label",
    "LabelRequest",
    "PackItem",
    "Package",
    "PackageLabel",
    "PackingSlip",
    "Parcel",
    "PickLine",
    "PickList",
    "PriorityRules",
    "Promise",
    "ProofOfDelivery",
    "QuoteBook",
    "RateChoice",
    "RateQuote",
    "RateRequest",
    "Shipment",
    "ShipmentLine",
    "ShipmentState",
    "ShipmentStep",
    "ShippingCalendar",
    "TrackingEvent",
    "TrackingStatus",
    "WeightRule",
    "choose_boxes",
    "choose_rate",
    "order_stops",
    "plan_pick_lists",
    "shipment_document",
]
