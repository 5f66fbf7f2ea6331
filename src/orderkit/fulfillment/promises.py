"""Promised dates: when an order must leave a warehouse and when it should arrive.

A :class:`ShippingCalendar` describes one warehouse: its time zone, the
cut-off time after which an order waits for the next working day, the
handling days it takes, its working weekdays, the public holidays of its
country and region (through the ``holidays`` package, the ``holidays`` extra)
and its own closures and extra open days. Dates are worked out in the
warehouse's local time, so cut-offs stay right across daylight-saving changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import attrs

from orderkit.core.checks import optional_text, require_aware
from orderkit.errors import ConfigurationError, ValidationError

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

__all__ = ["Promise", "ShippingCalendar"]

_END_OF_DAY = time(23, 59, 59)


def _zone_info(name: str) -> ZoneInfo:
    # zoneinfo reads the environment and sysconfig when imported: only once a calendar is made
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def _zone(value: object) -> str:
    if not isinstance(value, str):
        raise ValidationError("timezone", value, "give an IANA time zone such as 'Europe/Berlin'")
    from zoneinfo import ZoneInfoNotFoundError

    try:
        _zone_info(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError("timezone", value, "is not an IANA time zone") from None
    return value


def _weekdays(value: object) -> frozenset[int]:
    days = frozenset(value) if isinstance(value, Iterable) and not isinstance(value, str) else None
    if not days or not all(
        isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 6 for d in days
    ):
        raise ValidationError("workdays", value, "give weekday numbers 0 (Monday) to 6 (Sunday)")
    return days


def _dates(value: object) -> frozenset[date]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError("dates", value, "give a set of dates")
    days = frozenset(value)
    for day in days:
        if isinstance(day, datetime) or not isinstance(day, date):
            raise ValidationError("dates", day, "must be a date")
    return days


def _country(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) != 2 or not value.isascii() or not value.isalpha():
        raise ValidationError("holidays_country", value, "give a two-letter ISO country code")
    return value.upper()


def _days(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 60:
        raise ValidationError(attribute.name, value, "must be an int from 0 to 60")


def _time(instance: object, attribute: attrs.Attribute[time], value: object) -> None:
    if not isinstance(value, time) or value.tzinfo is not None:
        raise ValidationError(attribute.name, value, "give a local time of day without a zone")


@lru_cache(maxsize=64)
def _public_holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    try:
        import holidays
    except ImportError:  # pragma: no cover - the extra is installed where tests run
        raise ConfigurationError(
            "holidays_country", country, "install orderkit[holidays] for public holidays"
        ) from None
    try:
        found: Any = holidays.country_holidays(country, subdiv=subdivision, years=year)
    except NotImplementedError:
        raise ConfigurationError(
            "holidays_country", f"{country}/{subdivision}", "the holidays package does not know it"
        ) from None
    return frozenset(found)


@attrs.frozen(slots=True)
class Promise:
    """What a shop promises for one order from one warehouse.

    Attributes:
        ship_by: The moment it must have left: the end of its shipping day, local time.
        deliver_on: The day it should arrive.
        deliver_by: The end of that day in the warehouse's time zone.
    """

    ship_by: datetime
    deliver_on: date
    deliver_by: datetime


@attrs.frozen(slots=True)
class ShippingCalendar:
    """When one warehouse works, and how long it takes to get an order out.

    Attributes:
        timezone: The warehouse's IANA time zone.
        cutoff: Orders placed after this local time are handled from the next working day.
        handling_days: Working days between the day an order is taken on and
            the day it leaves (0: it leaves the same day).
        transit_days: Working days a standard parcel takes, for the promise
            made before a carrier is chosen.
        workdays: Working weekdays, 0 (Monday) to 6 (Sunday).
        holidays_country: The ISO country whose public holidays close the
            warehouse (needs the ``holidays`` extra); ``None`` for none.
        holidays_subdivision: The region within it (``"BY"`` for Bavaria).
        closed: Further days it is closed (stocktaking, a local feast).
        open: Days it works although they are weekends or holidays.

    Examples:
        >>> from datetime import UTC, datetime, time
        >>> calendar = ShippingCalendar("Europe/Berlin", cutoff=time(14), handling_days=0)
        >>> friday_evening = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)
        >>> calendar.promise(friday_evening).ship_by.isoformat()
        '2026-03-09T23:59:59+01:00'
    """

    timezone: str = attrs.field(converter=_zone)
    cutoff: time = attrs.field(default=time(15), validator=_time)
    handling_days: int = attrs.field(default=1, validator=_days)
    transit_days: int = attrs.field(default=2, validator=_days)
    workdays: frozenset[int] = attrs.field(default=frozenset(range(5)), converter=_weekdays)
    holidays_country: str | None = attrs.field(default=None, converter=_country)
    holidays_subdivision: str | None = attrs.field(default=None, validator=optional_text(10))
    closed: frozenset[date] = attrs.field(default=frozenset(), converter=_dates)
    open: frozenset[date] = attrs.field(default=frozenset(), converter=_dates)

    @property
    def zone(self) -> ZoneInfo:
        """The time zone as a ``ZoneInfo``."""
        return _zone_info(self.timezone)

    def is_working_day(self, day: date) -> bool:
        """Whether the warehouse works on ``day``.

        Raises:
            ConfigurationError: Holidays are asked for without the ``holidays`` extra.
        """
        if day in self.open:
            return True
        if day in self.closed or day.weekday() not in self.workdays:
            return False
        if self.holidays_country is not None:
            return day not in _public_holidays(
                self.holidays_country, self.holidays_subdivision, day.year
            )
        return True

    def next_working_day(self, day: date, *, after: bool = False) -> date:
        """``day`` itself when it is a working day (unless ``after``), else the next one."""
        if after:
            day += timedelta(days=1)
        for _ in range(400):
            if self.is_working_day(day):
                return day
            day += timedelta(days=1)
        raise ConfigurationError("workdays", sorted(self.workdays), "no working day within a year")

    def add_working_days(self, day: date, days: int) -> date:
        """The working day ``days`` working days after ``day`` (``day`` itself for 0)."""
        for _ in range(days):
            day = self.next_working_day(day, after=True)
        return day

    def promise(self, ordered_at: datetime, transit_days: int | None = None) -> Promise:
        """The ship-by moment and delivery day for an order taken at ``ordered_at``.

        Args:
            ordered_at: When the order was placed (any time zone).
            transit_days: The carrier's working days on the way; the
                calendar's ``transit_days`` when not given.

        Raises:
            ValidationError: A naive ``ordered_at`` or a bad ``transit_days``.
        """
        local = require_aware(ordered_at, "ordered_at").astimezone(self.zone)
        start = local.date()
        if not self.is_working_day(start) or local.time() >= self.cutoff:
            start = self.next_working_day(start, after=True)
        leaves = self.add_working_days(start, self.handling_days)
        days = self.transit_days if transit_days is None else transit_days
        if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 60:
            raise ValidationError("transit_days", transit_days, "must be an int from 0 to 60")
        arrives = self.add_working_days(leaves, days)
        return Promise(
            ship_by=datetime.combine(leaves, _END_OF_DAY, tzinfo=self.zone),
            deliver_on=arrives,
            deliver_by=datetime.combine(arrives, _END_OF_DAY, tzinfo=self.zone),
        )
