"""Time comes in through a Clock, so tests and simulations can control it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

from orderkit.core.checks import require_aware
from orderkit.errors import InvalidTime, ValidationError

__all__ = ["Clock", "ManualClock", "SystemClock"]


@runtime_checkable
class Clock(Protocol):
    """Protocol: a source of the current time.

    Domain code asks a Clock for the time instead of calling ``datetime.now()``.
    """

    def now(self) -> datetime:
        """Return the current time as a timezone-aware datetime in UTC."""
        ...


class SystemClock:
    """The real wall clock, in UTC."""

    def now(self) -> datetime:
        """Return the current UTC time."""
        return datetime.now(UTC)

    def __repr__(self) -> str:
        return "SystemClock()"


class ManualClock:
    """A clock that moves only when told to: for tests, notebooks and simulations.

    Args:
        start: The initial time; must be timezone-aware.

    Examples:
        >>> clock = ManualClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
        >>> clock.advance(timedelta(hours=2)).hour
        11
    """

    def __init__(self, start: datetime) -> None:
        self._now = require_aware(start, "start").astimezone(UTC)

    def now(self) -> datetime:
        """Return the clock's current time."""
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward by ``delta`` and return the new time.

        Raises:
            ValidationError: ``delta`` is negative or not a timedelta.
        """
        if not isinstance(delta, timedelta) or delta < timedelta(0):
            raise ValidationError("delta", delta, "must be a timedelta >= 0; time never runs back")
        self._now += delta
        return self._now

    def set(self, moment: datetime) -> None:
        """Jump to ``moment``, which must not be earlier than the current time.

        Raises:
            InvalidTime: ``moment`` is naive or earlier than now.
        """
        moment = require_aware(moment, "moment").astimezone(UTC)
        if moment < self._now:
            raise InvalidTime("moment", moment, f"is before the clock's time {self._now}")
        self._now = moment

    def __repr__(self) -> str:
        return f"ManualClock({self._now.isoformat()})"
