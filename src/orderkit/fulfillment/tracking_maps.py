"""The status sets of common multi-carrier tracking APIs, mapped to :class:`TrackingStatus`.

A carrier adapter built on one of these APIs reads the API's status with
:func:`tracking_status` and keeps the raw status beside it in the event.
Statuses an API reports that are not listed map to ``unknown``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from orderkit.errors import ValidationError
from orderkit.fulfillment.carriers import TrackingStatus

__all__ = ["AFTERSHIP", "EASYPOST", "SHIPPO", "TRACKINGMORE", "TRACKING_APIS", "tracking_status"]

_T = TrackingStatus

EASYPOST: Mapping[str, TrackingStatus] = MappingProxyType(
    {
        "pre_transit": _T.LABEL_CREATED,
        "in_transit": _T.IN_TRANSIT,
        "out_for_delivery": _T.OUT_FOR_DELIVERY,
        "available_for_pickup": _T.AVAILABLE_FOR_PICKUP,
        "delivered": _T.DELIVERED,
        "return_to_sender": _T.RETURNING,
        "failure": _T.EXCEPTION,
        "error": _T.EXCEPTION,
        "cancelled": _T.CANCELLED,
        "unknown": _T.UNKNOWN,
    }
)
"""EasyPost tracker ``status`` values."""

SHIPPO: Mapping[str, TrackingStatus] = MappingProxyType(
    {
        "PRE_TRANSIT": _T.LABEL_CREATED,
        "TRANSIT": _T.IN_TRANSIT,
        "DELIVERED": _T.DELIVERED,
        "RETURNED": _T.RETURNED,
        "FAILURE": _T.EXCEPTION,
        "UNKNOWN": _T.UNKNOWN,
    }
)
"""Shippo ``tracking_status.status`` values (its ``substatus`` refines them; see below)."""

AFTERSHIP: Mapping[str, TrackingStatus] = MappingProxyType(
    {
        "Pending": _T.UNKNOWN,
        "InfoReceived": _T.LABEL_CREATED,
        "InTransit": _T.IN_TRANSIT,
        "OutForDelivery": _T.OUT_FOR_DELIVERY,
        "AttemptFail": _T.ATTEMPTED,
        "Delivered": _T.DELIVERED,
        "AvailableForPickup": _T.AVAILABLE_FOR_PICKUP,
        "Exception": _T.EXCEPTION,
        "Expired": _T.UNKNOWN,
        "Exception_010": _T.RETURNING,
        "Exception_011": _T.RETURNED,
    }
)
"""AfterShip delivery status tags, and the two sub-tags that mean a return."""

TRACKINGMORE: Mapping[str, TrackingStatus] = MappingProxyType(
    {
        "pending": _T.UNKNOWN,
        "notfound": _T.UNKNOWN,
        "transit": _T.IN_TRANSIT,
        "pickup": _T.OUT_FOR_DELIVERY,
        "delivered": _T.DELIVERED,
        "undelivered": _T.ATTEMPTED,
        "exception": _T.EXCEPTION,
        "expired": _T.UNKNOWN,
    }
)
"""TrackingMore logistics statuses."""

_SHIPPO_SUBSTATUS = {
    "delivery_attempted": _T.ATTEMPTED,
    "notice_left": _T.ATTEMPTED,
    "out_for_delivery": _T.OUT_FOR_DELIVERY,
    "pickup_available": _T.AVAILABLE_FOR_PICKUP,
    "return_to_sender": _T.RETURNING,
}

TRACKING_APIS: Mapping[str, Mapping[str, TrackingStatus]] = MappingProxyType(
    {"easypost": EASYPOST, "shippo": SHIPPO, "aftership": AFTERSHIP, "trackingmore": TRACKINGMORE}
)
"""Every mapping above, by the API's name."""


def tracking_status(api: str, status: str, detail: str | None = None) -> TrackingStatus:
    """The :class:`TrackingStatus` for an API's status (and, where the API has one, sub-status).

    ``detail`` is AfterShip's sub-tag (``"Exception_011"``) or Shippo's
    ``substatus.code`` (``"delivery_attempted"``): where it names something
    finer than the status, it wins.

    Raises:
        ValidationError: An API not in :data:`TRACKING_APIS`.

    Examples:
        >>> tracking_status("easypost", "out_for_delivery").value
        'out_for_delivery'
        >>> tracking_status("aftership", "Exception", "Exception_011").value
        'returned'
        >>> tracking_status("shippo", "TRANSIT", "delivery_attempted").value
        'attempted'
        >>> tracking_status("shippo", "SOMETHING_NEW").value
        'unknown'
    """
    table = TRACKING_APIS.get(api)
    if table is None:
        raise ValidationError("api", api, f"one of {sorted(TRACKING_APIS)}")
    if detail is not None:
        finer = table.get(detail) if api == "aftership" else None
        if api == "shippo":
            finer = _SHIPPO_SUBSTATUS.get(detail)
        if finer is not None:
            return finer
    return table.get(status, _T.UNKNOWN)
