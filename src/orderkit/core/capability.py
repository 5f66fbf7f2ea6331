"""Capability: what one capability package contributes to a shop, declared in one place.

Each package (``orderkit.payments``, ``orderkit.inventory``, a host's own)
declares a :class:`Capability` in its ``capability`` module: the events it
records and how its types are stored. The converter and the event codec are
built from the declarations (:mod:`orderkit.capabilities`), so adding a
capability never edits a central list of events or hooks.
"""

from __future__ import annotations

import attrs

from orderkit.core.events import DomainEvent
from orderkit.core.serialization import ConverterHook

__all__ = ["Capability"]


@attrs.frozen
class Capability:
    """What one capability package brings to a shop.

    Attributes:
        name: The package's short name (``"payments"``).
        events: The event classes it records in the outbox.
        converter_hooks: Teach the shop's converter the types it stores that
            the core cannot structure alone.
    """

    name: str
    events: tuple[type[DomainEvent], ...] = ()
    converter_hooks: tuple[ConverterHook, ...] = ()
