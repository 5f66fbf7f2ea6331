"""Running a unit of work again when the database aborted it to resolve a conflict."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import attrs

from orderkit.errors import ConfigurationError, ConnectionLost, TransactionConflict

__all__ = ["RetryPolicy"]

P = ParamSpec("P")
T = TypeVar("T")

_log = logging.getLogger("orderkit.core.retry")
# What left nothing behind and may go well on a second try.
_RETRYABLE = (TransactionConflict, ConnectionLost)


def _positive_int(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigurationError(attribute.name, value, "must be a positive int")


def _non_negative_seconds(
    instance: object, attribute: attrs.Attribute[float], value: object
) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        raise ConfigurationError(attribute.name, value, "must be a number of seconds >= 0")


@attrs.frozen
class RetryPolicy:
    """How often and how patiently a unit of work is run again after a conflict.

    PostgreSQL aborts one of two transactions that deadlock or cannot be
    serialised (:class:`~orderkit.errors.TransactionConflict`), and a server
    restart breaks pooled connections (:class:`~orderkit.errors.ConnectionLost`);
    either way nothing of the unit of work was kept, so orderkit's services
    run the whole use case again. The wait
    before attempt *n* is a random time up to ``min(max_delay, first_delay * 2**n)``
    ("full jitter"), so that the processes that collided do not collide again
    in step. The embedded stores never raise the error, so the policy costs
    them nothing.

    Attributes:
        attempts: How many times a use case runs at most (1 turns retrying off).
        first_delay: The longest wait, in seconds, before the second attempt.
        max_delay: The longest wait, in seconds, before any attempt.

    Examples:
        >>> policy = RetryPolicy(attempts=3, first_delay=0.0)
        >>> calls = []
        >>> def flaky() -> str:
        ...     calls.append(1)
        ...     if len(calls) < 3:
        ...         raise TransactionConflict("deadlock detected")
        ...     return "done"
        >>> policy.run(flaky), len(calls)
        ('done', 3)
    """

    attempts: int = attrs.field(default=5, validator=_positive_int)
    first_delay: float = attrs.field(default=0.005, validator=_non_negative_seconds)
    max_delay: float = attrs.field(default=0.25, validator=_non_negative_seconds)

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Return a wait, in seconds, before attempt number ``attempt + 1`` (1-based)."""
        ceiling = min(self.max_delay, self.first_delay * 2 ** (attempt - 1))
        return (rng or random).uniform(0.0, ceiling)

    def run(self, work: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """Call ``work(*args, **kwargs)``; call it again after a conflict or a lost connection.

        Raises:
            TransactionConflict: Every attempt met a conflict (the last one's error).
            ConnectionLost: Every attempt lost its connection.
        """
        attempt = 1
        while True:
            try:
                return work(*args, **kwargs)
            except _RETRYABLE as conflict:
                if attempt >= self.attempts:
                    raise
                wait = self.delay(attempt)
                _log.info(
                    "attempt %d of %d met a conflict (%s); running again in %.1f ms",
                    attempt,
                    self.attempts,
                    conflict,
                    wait * 1000,
                )
                time.sleep(wait)
                attempt += 1
