"""The declaration of customers: its events."""

from __future__ import annotations

from orderkit.core.capability import Capability
from orderkit.customers.events import CustomerRegistered

__all__ = ["CAPABILITY"]

CAPABILITY = Capability(
    name="customers",
    events=(CustomerRegistered,),
)
"""What customers bring to a shop."""
