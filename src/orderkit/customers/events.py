"""Events of customer records."""

from __future__ import annotations

from typing import ClassVar

import attrs

from orderkit.core.events import DomainEvent

__all__ = ["CustomerRegistered"]


@attrs.frozen(slots=True, kw_only=True)
class CustomerRegistered(DomainEvent):
    """A new customer was registered; ``aggregate_id`` is the customer id."""

    aggregate_type: ClassVar[str] = "customer"

    email: str
