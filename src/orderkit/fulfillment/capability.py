"""The declaration of fulfilment: its events."""

from __future__ import annotations

from orderkit.core.capability import Capability
from orderkit.fulfillment.events import (
    ShipmentCreated,
    ShipmentMoved,
    ShipmentProblem,
    ShortPicked,
)

__all__ = ["CAPABILITY"]

CAPABILITY = Capability(
    name="fulfilment", events=(ShipmentCreated, ShipmentMoved, ShipmentProblem, ShortPicked)
)
"""What fulfilment brings to a shop."""
