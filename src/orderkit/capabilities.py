"""The capabilities a shop is made of, and what is built from their declarations.

Each bundled capability declares its events and storage hooks in its own
``capability`` module (:class:`~orderkit.core.capability.Capability`); this
module gathers them. The converter every store uses and the event codec of the
outbox are built here, so a capability is added by declaring it, with one line
in :data:`BUNDLED`, and never by editing a list of events or hooks.
"""

from __future__ import annotations

from collections.abc import Iterable

import cattrs

from orderkit.catalog.capability import CAPABILITY as CATALOG
from orderkit.core import serialization
from orderkit.core.capability import Capability
from orderkit.core.events import DomainEvent
from orderkit.customers.capability import CAPABILITY as CUSTOMERS
from orderkit.fulfillment.capability import CAPABILITY as FULFILMENT
from orderkit.inventory.capability import CAPABILITY as INVENTORY
from orderkit.lifecycle.capability import CAPABILITY as LIFECYCLE
from orderkit.payments.capability import CAPABILITY as PAYMENTS
from orderkit.returns.capability import CAPABILITY as RETURNS
from orderkit.store_credit.capability import CAPABILITY as STORE_CREDIT

__all__ = ["BUILTIN_EVENTS", "BUNDLED", "EventCodec", "events_of", "make_converter"]

BUNDLED: tuple[Capability, ...] = (
    CATALOG,
    CUSTOMERS,
    LIFECYCLE,
    INVENTORY,
    FULFILMENT,
    STORE_CREDIT,
    PAYMENTS,
    RETURNS,
)
"""orderkit's own capabilities."""


def events_of(capabilities: Iterable[Capability]) -> tuple[type[DomainEvent], ...]:
    """Every event class the capabilities declare, in declaration order."""
    return tuple(event for capability in capabilities for event in capability.events)


BUILTIN_EVENTS: tuple[type[DomainEvent], ...] = events_of(BUNDLED)
"""The event classes orderkit itself emits."""


def make_converter(capabilities: Iterable[Capability] = BUNDLED) -> cattrs.Converter:
    """Return a new converter for every orderkit value, aggregate and event.

    Args:
        capabilities: Whose types it must know; orderkit's own by default.

    Examples:
        >>> from orderkit import Money
        >>> converter = make_converter()
        >>> converter.unstructure(Money("19.90", "EUR"))
        {'amount': '19.90', 'currency': 'EUR'}
        >>> converter.structure({"amount": "5", "currency": "JPY"}, Money)
        Money('5', 'JPY')
    """
    return serialization.make_converter(
        hook for capability in capabilities for hook in capability.converter_hooks
    )


class EventCodec(serialization.EventCodec):
    """Turns events into outbox messages and back; knows orderkit's own events by default.

    Args:
        event_types: The event classes to know, by class name; defaults to
            :data:`BUILTIN_EVENTS`. Hosts pass their own classes in addition.
        converter: The converter to use; a new one from :func:`make_converter` by default.

    Raises:
        ValidationError: Two classes share a name.
    """

    def __init__(
        self,
        event_types: Iterable[type[DomainEvent]] = BUILTIN_EVENTS,
        converter: cattrs.Converter | None = None,
    ) -> None:
        super().__init__(event_types, converter or make_converter())
