"""What every service needs: the store, the clock, the id source and the event codec."""

from __future__ import annotations

from typing import Any

import attrs

from orderkit.clock import Clock
from orderkit.events import DomainEvent
from orderkit.ids import IdSource
from orderkit.serialization import EventCodec
from orderkit.storage import Store, UnitOfWork

__all__ = ["ServiceContext"]


@attrs.frozen
class ServiceContext:
    """The shared parts a :class:`orderkit.Shop` hands to each of its services."""

    store: Store
    clock: Clock
    ids: IdSource
    codec: EventCodec

    def record(self, uow: UnitOfWork, event_type: type[DomainEvent], **fields: Any) -> DomainEvent:
        """Create an event with a new id and the current time, and append it to the outbox."""
        event = event_type(event_id=self.ids.new(), occurred_at=self.clock.now(), **fields)
        uow.outbox.append(self.codec.encode(event))
        return event
