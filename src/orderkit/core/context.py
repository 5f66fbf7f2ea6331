"""What every service needs: the store, the clock, ids, the event codec and the retry policy."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, Generic, ParamSpec, Protocol, TypeVar

import attrs

from orderkit.core.access import SYSTEM, AccessPolicy
from orderkit.core.clock import Clock
from orderkit.core.events import DomainEvent
from orderkit.core.ids import IdSource
from orderkit.core.ports import StoreOf, UnitOfWorkBase
from orderkit.core.retry import RetryPolicy
from orderkit.core.serialization import EventCodec

__all__ = ["ServiceContext", "retried"]

P = ParamSpec("P")
T = TypeVar("T")
U_co = TypeVar("U_co", covariant=True)


@attrs.frozen
class ServiceContext(Generic[U_co]):
    """The shared parts a :class:`orderkit.Shop` hands to each of its services.

    ``U_co`` is the unit of work the service works with: a service states the
    narrow port it needs (``ServiceContext[CatalogUnitOfWork]``), and the shop's
    store, whose units of work carry every capability's repositories, serves it.

    ``access`` is asked before every read and write; ``actor`` is who the
    services act for when a call names nobody (:meth:`orderkit.Shop.acting_as`).
    """

    store: StoreOf[U_co]
    clock: Clock
    ids: IdSource
    codec: EventCodec
    retry: RetryPolicy = attrs.field(factory=RetryPolicy)
    access: AccessPolicy = attrs.field(factory=AccessPolicy)
    actor: str = SYSTEM

    def record(
        self, uow: UnitOfWorkBase, event_type: type[DomainEvent], **fields: Any
    ) -> DomainEvent:
        """Create an event with a new id and the current time, and append it to the outbox."""
        event = event_type(event_id=self.ids.new(), occurred_at=self.clock.now(), **fields)
        uow.outbox.append(self.codec.encode(event))
        return event


class _Service(Protocol):
    @property
    def _context(self) -> ServiceContext[Any]: ...


S = TypeVar("S", bound=_Service)


def retried(method: Callable[Concatenate[S, P], T]) -> Callable[Concatenate[S, P], T]:
    """Run a service method again when the store aborted its unit of work in a conflict.

    The method must open its own unit of work and do nothing outside it that
    cannot be repeated: the whole call runs again, reading afresh.
    """

    @functools.wraps(method)
    def run(self: S, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return self._context.retry.run(method, self, *args, **kwargs)

    return run
