"""Record ids: unique, sortable by creation time, safe to show in URLs."""

from __future__ import annotations

import random
import secrets
import threading
from typing import Protocol, runtime_checkable

from orderkit.core.clock import Clock

__all__ = ["IdGenerator", "IdSource"]

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
_RANDOM_BITS = 80
_RANDOM_LIMIT = 1 << _RANDOM_BITS


# Two characters per 10 bits: 13 lookups encode the 130 bits of an id.
_PAIRS = [a + b for a in _ALPHABET for b in _ALPHABET]
_SHIFTS = range(120, -10, -10)


def _encode(number: int) -> str:
    """Encode a 128-bit number as 26 Crockford base32 characters, most significant first."""
    return "".join([_PAIRS[(number >> shift) & 0x3FF] for shift in _SHIFTS])


@runtime_checkable
class IdSource(Protocol):
    """Protocol: hands out new unique record ids."""

    def new(self) -> str:
        """Return an id never returned before by this source."""
        ...


class IdGenerator:
    """ULID-style ids: 48 bits of milliseconds, then 80 random bits, in 26 characters.

    Ids from one generator sort in the order they were made, also within one
    millisecond (the random part is incremented) and when the clock steps back.
    Pass a seeded :class:`random.Random` to get the same ids on every run, as the
    demo and tests do; the default uses the operating system's randomness.

    Args:
        clock: Where the timestamp part comes from.
        rng: The source of the random part.

    Examples:
        >>> from datetime import UTC, datetime
        >>> from orderkit.core.clock import ManualClock
        >>> ids = IdGenerator(ManualClock(datetime(2026, 1, 1, tzinfo=UTC)), random.Random(1))
        >>> first, second = ids.new(), ids.new()
        >>> len(first), first < second
        (26, True)
    """

    def __init__(self, clock: Clock, rng: random.Random | None = None) -> None:
        self._clock = clock
        self._rng: random.Random = rng if rng is not None else secrets.SystemRandom()
        self._last_ms = -1
        self._last_random = 0
        self._lock = threading.Lock()

    def new(self) -> str:
        """Return a new id."""
        millis = int(self._clock.now().timestamp() * 1000)
        with self._lock:
            if millis <= self._last_ms:
                millis = self._last_ms
                randomness = self._last_random + 1
                if randomness >= _RANDOM_LIMIT:
                    millis += 1
                    randomness = self._rng.getrandbits(_RANDOM_BITS - 1)
            else:
                # One bit of headroom so increments within a millisecond rarely overflow.
                randomness = self._rng.getrandbits(_RANDOM_BITS - 1)
            self._last_ms = millis
            self._last_random = randomness
        return _encode((millis << _RANDOM_BITS) | randomness)
