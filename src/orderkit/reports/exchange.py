"""Exchange rates: the port reports convert through, a rate table, and the ECB's reference rates.

Reports never add amounts in different currencies. Given an
:class:`ExchangeRates` (``ShopSettings(exchange_rates=...)``) and a reporting
currency, each amount is converted at the rate of the day its order was
placed, rounded half-even to the reporting currency's minor unit, and only
then added up.
"""

from __future__ import annotations

import csv
import io
from bisect import bisect_right
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Protocol

from orderkit.core.currencies import CURRENCY_EXPONENTS, validate_currency
from orderkit.errors import ValidationError
from orderkit.reports.aggregation import GroupSums, SalesTotals

__all__ = ["ExchangeRates", "RateTable", "convert_totals", "ecb_rates"]

_EPOCH = date(1970, 1, 1)


class ExchangeRates(Protocol):
    """Protocol: how many units of ``target`` one unit of ``source`` was worth on a day."""

    def rate(self, source: str, target: str, on: date) -> Decimal:
        """The rate on ``on`` (or the last day before it that has one).

        Raises:
            ValidationError: No rate is known for the pair on or before that day.
        """
        ...


class RateTable:
    """Rates against one base currency, by day; any pair is converted through the base.

    Args:
        base: The currency every rate is quoted against (``"EUR"`` for the ECB).
        rates: ``{day: {currency: units of it per one base unit}}``.

    A day without rates (a weekend, a holiday) takes the last day before it
    that has them, as the ECB's reference rates are used.

    Examples:
        >>> from datetime import date
        >>> table = RateTable("EUR", {date(2026, 10, 30): {"USD": Decimal("1.0800")}})
        >>> table.rate("USD", "EUR", date(2026, 11, 1))
        Decimal('0.9259259259259259259259259259')
    """

    def __init__(self, base: str, rates: Mapping[date, Mapping[str, Decimal]]) -> None:
        self.base = validate_currency(base)
        self._days = sorted(rates)
        self._rates = {day: dict(rates[day]) for day in self._days}

    def _against_base(self, currency: str, on: date) -> Decimal:
        if currency == self.base:
            return Decimal(1)
        index = bisect_right(self._days, on)
        while index > 0:
            found = self._rates[self._days[index - 1]].get(currency)
            if found is not None:
                return found
            index -= 1
        raise ValidationError(
            "currency", currency, f"no {self.base} exchange rate on or before {on.isoformat()}"
        )

    def rate(self, source: str, target: str, on: date) -> Decimal:
        """Units of ``target`` per unit of ``source`` on ``on``, through the base currency."""
        if source == target:
            return Decimal(1)
        return self._against_base(target, on) / self._against_base(source, on)


def ecb_rates(text: str) -> RateTable:
    """The ECB's euro reference rates from its CSV (``eurofxref-hist.csv`` or ``eurofxref.csv``).

    The file has a ``Date`` column and one column per currency with its units
    per euro; ``N/A`` and empty cells are days without a rate.

    Raises:
        ValidationError: The text is not in that form.
    """
    reader = csv.reader(io.StringIO(text.strip()))
    try:
        header = [cell.strip() for cell in next(reader)]
    except StopIteration:
        raise ValidationError("rates", text[:40], "is empty") from None
    if not header or header[0] != "Date":
        raise ValidationError("rates", header[:3], "an ECB rates file starts with 'Date'")
    currencies = [code for code in header[1:] if code in CURRENCY_EXPONENTS]
    columns = {code: header.index(code) for code in currencies}
    rates: dict[date, dict[str, Decimal]] = {}
    for row in reader:
        if not row or not row[0].strip():
            continue
        try:
            day = _ecb_day(row[0].strip())
        except ValueError:
            raise ValidationError("rates", row[0], "is not a date") from None
        found: dict[str, Decimal] = {}
        for code, column in columns.items():
            cell = row[column].strip() if column < len(row) else ""
            if cell and cell != "N/A":
                try:
                    found[code] = Decimal(cell)
                except InvalidOperation:
                    raise ValidationError(f"rates[{code}]", cell, "is not a number") from None
        rates[day] = found
    return RateTable("EUR", rates)


def _ecb_day(text: str) -> date:
    """``2026-10-30`` (the history file) or ``30 October 2026`` (the daily file)."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        from datetime import datetime

        return datetime.strptime(text, "%d %B %Y").date()  # noqa: DTZ007 - a date, no time


def _converted(amount: int, source: str, target: str, rate: Decimal) -> int:
    """``amount`` minor units of ``source`` in minor units of ``target``, half-even."""
    shift = CURRENCY_EXPONENTS[target] - CURRENCY_EXPONENTS[source]
    exact = Decimal(amount) * rate * Decimal(10) ** shift
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def convert_totals(totals: SalesTotals, rates: ExchangeRates, target: str) -> SalesTotals:
    """Totals grouped by order day (``SalesQuery.by_placed_day``) converted into ``target``.

    Each group, currency and day is converted at that day's rate and
    rounded on its own, then the groups are added up in ``target``.

    Raises:
        ValidationError: A rate is missing.
    """
    converted: SalesTotals = {}
    for (group, currency), sums in totals.items():
        assert isinstance(group, tuple)
        value, day_number = group
        day = _EPOCH + timedelta(days=day_number)
        rate = rates.rate(currency, target, day)
        into = converted.setdefault((value, target), GroupSums())
        for kind, units in sums.units.items():
            into.add(kind, units, 0)
        for kind, amount in sums.amounts.items():
            into.add(kind, 0, _converted(amount, currency, target, rate))
        into.orders += sums.orders
        into.cost += _converted(sums.cost, currency, target, rate)
        into.uncosted_units += sums.uncosted_units
    return converted
