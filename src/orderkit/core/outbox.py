"""Reading and publishing the outbox: at-least-once delivery to the host's handlers."""

from __future__ import annotations

from collections.abc import Callable

from orderkit.core.access import reads, writes
from orderkit.core.context import ServiceContext, retried
from orderkit.core.events import DomainEvent
from orderkit.core.ports import UnitOfWorkBase
from orderkit.errors import ValidationError

__all__ = ["EventHandler", "EventService"]

EventHandler = Callable[[DomainEvent], None]
"""A host's handler: called once per event, again after a crash (dedupe by ``event_id``)."""


class EventService:
    """``shop.events``: the outbox of committed events, and their delivery."""

    def __init__(self, context: ServiceContext[UnitOfWorkBase]) -> None:
        self._context = context

    @reads("events.read")
    def pending(self, limit: int = 100) -> list[DomainEvent]:
        """Return up to ``limit`` committed events not yet published, oldest first.

        Raises:
            ValidationError: ``limit`` is not a positive int.
        """
        _check_limit(limit)
        with self._context.store.unit_of_work(readonly=True) as uow:
            messages = uow.outbox.pending(limit)
        return [self._context.codec.decode(message) for message in messages]

    @writes("events.dispatch")
    def dispatch(self, handler: EventHandler, *, limit: int = 100) -> int:
        """Hand pending events to ``handler`` in order and mark each published after it returns.

        Delivery is at-least-once: an event is marked only after its handler
        returned, so a crash in between delivers it again later. When the
        handler raises, dispatch stops there, the event stays pending, and the
        error propagates.

        Returns:
            How many events were delivered and marked.

        Examples:
            >>> import orderkit as ok
            >>> shop = ok.Shop.open()
            >>> _ = shop.customers.register("ana@example.com", "Ana")
            >>> seen = []
            >>> shop.events.dispatch(seen.append), type(seen[0]).__name__
            (1, 'CustomerRegistered')
            >>> shop.events.pending()
            []
        """
        if not callable(handler):
            raise ValidationError("handler", handler, "must be callable with one event")
        delivered = 0
        for event in self.pending(limit):
            handler(event)
            self._mark_published(event.event_id)
            delivered += 1
        return delivered

    @retried
    def _mark_published(self, event_id: str) -> None:
        with self._context.store.unit_of_work() as uow:
            uow.outbox.mark_published([event_id], self._context.clock.now())
            uow.commit()

    @reads("events.read")
    def count_pending(self) -> int:
        """Return how many committed events wait to be published."""
        with self._context.store.unit_of_work(readonly=True) as uow:
            return uow.outbox.count(pending_only=True)


def _check_limit(limit: object) -> None:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= _MOST:
        raise ValidationError("limit", limit, f"must be an int from 1 to {_MOST}")


_MOST = 100_000
"""The most events one call reads or delivers."""
