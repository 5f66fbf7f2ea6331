"""Domain events: facts that happened, named in the past tense.

Every event carries its own id (handlers deduplicate by it, because delivery is
at-least-once), the time it happened and the id of the aggregate it concerns.
Events are written to the outbox in the same transaction as the change they
describe, so a committed change and its events are never apart.

The outbox stores an event as an :class:`OutboxMessage`: its type name (the
class name) and its fields as JSON-ready data. :class:`orderkit.core.serialization.EventCodec`
turns events into messages and back.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

import attrs

from orderkit.core.checks import aware, stripped, text

__all__ = ["DomainEvent", "OutboxMessage"]


@attrs.frozen(slots=True, kw_only=True)
class DomainEvent:
    """The base of every event.

    Subclasses are frozen attrs classes named in the past tense
    (``OrderPlaced``) and set ``aggregate_type``.

    Attributes:
        event_id: A unique id; handlers use it to ignore a redelivered event.
        occurred_at: When it happened (timezone-aware).
        aggregate_id: The id of the order, product, customer ... it concerns.
    """

    aggregate_type: ClassVar[str] = "unknown"

    event_id: str = attrs.field(converter=stripped, validator=text(64))
    occurred_at: datetime = attrs.field(validator=aware())
    aggregate_id: str = attrs.field(converter=stripped, validator=text(64))


@attrs.frozen(slots=True, kw_only=True)
class OutboxMessage:
    """An event as the outbox stores it.

    Attributes:
        event_id: The event's id.
        event_type: The event's registered name (its class name).
        aggregate_type: What kind of aggregate it concerns (``"order"`` ...).
        aggregate_id: Which aggregate.
        occurred_at: When it happened.
        payload: The event's fields as JSON-ready data.
        position: The outbox's sequence number, set when read back; ``None`` before.
    """

    event_id: str
    event_type: str
    aggregate_type: str
    aggregate_id: str
    occurred_at: datetime
    payload: Mapping[str, Any] = attrs.field(hash=False)
    position: int | None = None
