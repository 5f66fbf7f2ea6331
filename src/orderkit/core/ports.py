"""The ports every capability shares: the outbox, named counters, and the unit of work's base.

A capability's own unit-of-work port (``orderkit.payments.ports.PaymentsUnitOfWork``,
say) extends :class:`UnitOfWorkBase` with just the repositories it needs;
:class:`orderkit.storage.UnitOfWork` is the composition of them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol, TypeVar

from orderkit.core.events import OutboxMessage

__all__ = ["Outbox", "Sequences", "StoreOf", "UnitOfWorkBase"]

U_co = TypeVar("U_co", covariant=True)


class Outbox(Protocol):
    """Protocol: the events written in the same transaction as the changes they describe."""

    def append(self, message: OutboxMessage) -> None:
        """Add an event; it becomes visible to readers only when the unit of work commits.

        Raises:
            AlreadyExists: An event with the same id is in the outbox.
        """
        ...

    def pending(self, limit: int = 100) -> list[OutboxMessage]:
        """Return up to ``limit`` unpublished messages, oldest first, with their positions."""
        ...

    def mark_published(self, event_ids: Iterable[str], at: datetime) -> int:
        """Mark messages as published at ``at``; return how many were still pending."""
        ...

    def count(self, *, pending_only: bool = False) -> int:
        """Return how many messages the outbox holds (only unpublished ones if asked)."""
        ...


class Sequences(Protocol):
    """Protocol: named counters, such as the shop's order numbers."""

    def next(self, name: str) -> int:
        """Return the next value of the counter ``name``, starting at 1.

        A value handed out in a unit of work that rolls back is handed out again.
        """
        ...


class UnitOfWorkBase(Protocol):
    """Protocol: one transaction, its outbox, and how it ends."""

    @property
    def outbox(self) -> Outbox:
        """The outbox of this transaction."""
        ...

    def commit(self) -> None:
        """Make every change of this unit of work durable and visible, all at once.

        Raises:
            StorageError: The backend failed; nothing was committed.
        """
        ...

    def rollback(self) -> None:
        """Discard every change of this unit of work."""
        ...


class StoreOf(Protocol[U_co]):
    """Protocol: what opens units of work of the kind ``U_co`` (a store, as a service sees it)."""

    def unit_of_work(self, *, readonly: bool = False) -> AbstractContextManager[U_co]:
        """Open a unit of work.

        Args:
            readonly: Promise not to write, so the backend need not take the write lock.

        Raises:
            StorageError: The backend cannot start a transaction.
        """
        ...
