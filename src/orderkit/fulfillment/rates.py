"""Rate shopping: ask every carrier, keep what they answer, choose by a rule.

A carrier that times out or refuses leaves the others' quotes usable: its
failure is recorded beside the choice. Quotes are kept for a while
(:class:`QuoteBook`), so asking again for the same parcels is free, and when a
carrier cannot answer, a quote it gave for the same request within a day is
used instead, marked ``stale``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta

import attrs

from orderkit.errors import CarrierError, ValidationError
from orderkit.fulfillment.carriers import Carrier, RateQuote, RateRequest

__all__ = ["QuoteBook", "RateRule", "choose_rate", "gather_quotes"]

RateRule = Callable[[Sequence[RateQuote], "date | None"], "RateQuote | None"]
"""A host's own choice: ``rule(quotes, deliver_by) -> the quote to take, or None``."""


def _cheapest(quote: RateQuote) -> tuple[object, ...]:
    return (quote.price.amount, quote.delivery_date, quote.carrier, quote.service)


def _fastest(quote: RateQuote) -> tuple[object, ...]:
    return (quote.delivery_date, quote.price.amount, quote.carrier, quote.service)


def choose_rate(
    quotes: Sequence[RateQuote], rule: str | RateRule, deliver_by: date | None
) -> tuple[RateQuote | None, bool]:
    """Choose a quote; also say whether it arrives by ``deliver_by``.

    ``"cheapest"`` takes the cheapest quote that arrives by ``deliver_by``
    (the fastest when none does); ``"fastest"`` the earliest delivery date,
    then the lower price; a callable is the host's own rule.

    Raises:
        ValidationError: An unknown rule, quotes in several currencies, or a
            host rule that returned something that is not one of the quotes.

    Examples:
        >>> from datetime import date
        >>> from orderkit import Money
        >>> slow = RateQuote("a", "ground", Money("5.00", "EUR"), 3, date(2026, 3, 5))
        >>> quick = RateQuote("b", "express", Money("12.00", "EUR"), 1, date(2026, 3, 3))
        >>> choose_rate([slow, quick], "cheapest", date(2026, 3, 4))[0].carrier
        'b'
        >>> choose_rate([slow, quick], "cheapest", None)[0].carrier
        'a'
    """
    if not quotes:
        return None, False
    currencies = sorted({quote.price.currency for quote in quotes})
    if len(currencies) > 1:
        raise ValidationError(
            "quotes",
            currencies,
            "prices in several currencies cannot be compared; ask carriers that quote in one",
        )
    on_time = [q for q in quotes if deliver_by is None or q.delivery_date <= deliver_by]
    if rule == "cheapest":
        chosen = min(on_time, key=_cheapest) if on_time else min(quotes, key=_fastest)
    elif rule == "fastest":
        chosen = min(quotes, key=_fastest)
    elif callable(rule):
        picked = rule(quotes, deliver_by)
        if picked is None:
            return None, False
        if picked not in quotes:
            raise ValidationError("rule", picked, "a rate rule must return one of the quotes")
        chosen = picked
    else:
        raise ValidationError("rule", rule, 'use "cheapest", "fastest" or a function')
    return chosen, deliver_by is None or chosen.delivery_date <= deliver_by


@attrs.define
class QuoteBook:
    """Quotes kept per carrier and request: fresh for ``fresh_for``, a fallback for ``keep_for``.

    Attributes:
        fresh_for: How long a quote is used without asking again.
        keep_for: How long a quote stands in, marked stale, for a carrier
            that cannot answer.
    """

    fresh_for: timedelta = timedelta(minutes=15)
    keep_for: timedelta = timedelta(hours=24)
    _kept: dict[tuple[str, str], tuple[datetime, tuple[RateQuote, ...]]] = attrs.field(
        factory=dict, init=False
    )
    _lock: threading.Lock = attrs.field(factory=threading.Lock, init=False)

    def fresh(self, carrier: str, key: str, now: datetime) -> tuple[RateQuote, ...] | None:
        """The quotes kept for ``key`` if they are fresh."""
        with self._lock:
            kept = self._kept.get((carrier, key))
        if kept is None or now - kept[0] > self.fresh_for:
            return None
        return kept[1]

    def fallback(self, carrier: str, key: str, now: datetime) -> tuple[RateQuote, ...] | None:
        """The quotes kept for ``key`` within ``keep_for``, marked stale."""
        with self._lock:
            kept = self._kept.get((carrier, key))
        if kept is None or now - kept[0] > self.keep_for:
            return None
        return tuple(attrs.evolve(quote, stale=True) for quote in kept[1])

    def keep(self, carrier: str, key: str, now: datetime, quotes: tuple[RateQuote, ...]) -> None:
        """Keep ``quotes`` as the carrier's answer to ``key`` at ``now``."""
        with self._lock:
            self._kept[(carrier, key)] = (now, quotes)
            if len(self._kept) > 10_000:  # the oldest go first
                for old in sorted(self._kept, key=lambda k: self._kept[k][0])[:1_000]:
                    del self._kept[old]


def gather_quotes(
    carriers: Mapping[str, Carrier], request: RateRequest, book: QuoteBook, now: datetime
) -> tuple[list[RateQuote], list[str]]:
    """Every carrier's quotes for ``request``, and ``"code: reason"`` for each that failed."""
    key = repr(request)
    quotes: list[RateQuote] = []
    failures: list[str] = []
    for code, carrier in sorted(carriers.items()):
        answer = book.fresh(code, key, now)
        if answer is None:
            try:
                answer = tuple(carrier.quote(request))
            except CarrierError as exc:
                answer = book.fallback(code, key, now)
                failures.append(
                    f"{code}: {exc.reason}" + ("" if answer is None else " (kept quote)")
                )
                if answer is None:
                    continue
            else:
                book.keep(code, key, now, answer)
        quotes.extend(answer)
    return quotes, failures
