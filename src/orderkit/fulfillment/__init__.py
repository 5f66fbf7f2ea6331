"""Fulfilment: parcels and their chargeable weight.

Pick lists, packing, shipments and carriers build on this with the fulfilment issue.
"""

from orderkit.fulfillment.parcels import Parcel

__all__ = ["Parcel"]
