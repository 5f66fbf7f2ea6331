"""Report periods in the shop's time zone, and the time buckets rows fall into.

A period is half-open: it starts at local midnight of its first day and ends
at local midnight of the day after its last, whatever the offset was then
(daylight saving time included). Comparison periods come from calendar
arithmetic: the month before a month, the same month a year earlier.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

import attrs
from dateutil.relativedelta import relativedelta

from orderkit.errors import ValidationError

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

__all__ = [
    "HOURLY",
    "TIME_BUCKETS",
    "Period",
    "bucket_of",
    "buckets_between",
    "time_zone",
    "zone_offsets",
]

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

TIME_BUCKETS = ("hour", "day", "week", "month", "weekday", "hour_of_day")
"""The time dimensions: calendar buckets (with zero rows) and cycles (weekday, hour of day)."""


def time_zone(name: object, field: str = "time_zone") -> ZoneInfo:
    """The IANA time zone called ``name``.

    Raises:
        ValidationError: ``name`` is no time zone the system knows.
    """
    # Imported here: importing zoneinfo reads the environment (PYTHONTZPATH),
    # and importing orderkit must not.
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if isinstance(name, ZoneInfo):
        return name
    if (
        not isinstance(name, str)
        or len(name) > _ZONE_NAME_LONGEST
        or not _ZONE_NAME.fullmatch(name)
    ):
        raise ValidationError(field, name, "give an IANA time zone name such as 'Europe/Berlin'")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValidationError(field, name, "is not a time zone this system knows") from None


_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,2}")
_ZONE_NAME_LONGEST = 64

_MONTH = re.compile(r"(\d{4})-(\d{2})")
_WEEK = re.compile(r"(\d{4})-W(\d{2})")
_QUARTER = re.compile(r"(\d{4})-Q([1-4])")
_YEAR = re.compile(r"(\d{4})")
_RANGE = re.compile(r"([^/]+)/([^/]+)")


@attrs.frozen(slots=True)
class Period:
    """Local calendar days from ``first`` up to, not including, ``end``.

    Attributes:
        first: The first day.
        end: The day after the last.
        unit: ``"day"``, ``"week"``, ``"month"``, ``"quarter"``, ``"year"`` or
            ``"days"`` (any other run of days): how the period moves back.
    """

    first: date
    end: date
    unit: str = "days"

    def __attrs_post_init__(self) -> None:
        if self.end <= self.first:
            raise ValidationError("period", f"{self.first}/{self.end}", "must end after it starts")

    @classmethod
    def parse(cls, text: object) -> Period:
        """A period from its name.

        ``2026`` (a year), ``2026-Q4``, ``2026-10`` (a month), ``2026-W40``
        (an ISO week), ``2026-10-05`` (a day), or ``A/B``: from the start of
        ``A`` up to, not including, the start of ``B`` (``2026-10-01/2026-10-15``
        is the first fourteen days of October, ``2026-10/2026-12`` October
        and November).

        Raises:
            ValidationError: Not one of those forms, or not a real date.

        Examples:
            >>> Period.parse("2026-10")
            Period(first=datetime.date(2026, 10, 1), end=datetime.date(2026, 11, 1), unit='month')
            >>> Period.parse("2026-W01").first
            datetime.date(2025, 12, 29)
        """
        if isinstance(text, Period):
            return text
        if not isinstance(text, str):
            raise ValidationError("period", text, "give a period such as '2026-10' or '2026-W40'")
        value = text.strip()
        try:
            if match := _RANGE.fullmatch(value):
                return cls(cls.parse(match[1]).first, cls.parse(match[2]).first)
            if match := _WEEK.fullmatch(value):
                monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
                return cls(monday, monday + timedelta(days=7), "week")
            if match := _QUARTER.fullmatch(value):
                first = date(int(match[1]), 3 * int(match[2]) - 2, 1)
                return cls(first, first + relativedelta(months=3), "quarter")
            if match := _MONTH.fullmatch(value):
                first = date(int(match[1]), int(match[2]), 1)
                return cls(first, first + relativedelta(months=1), "month")
            if _YEAR.fullmatch(value):
                first = date(int(value), 1, 1)
                return cls(first, date(first.year + 1, 1, 1), "year")
            day = date.fromisoformat(value)
        except ValueError:
            raise ValidationError("period", text, "is not a real date") from None
        return cls(day, day + timedelta(days=1), "day")

    @classmethod
    def days(cls, first: date, end: date) -> Period:
        """The days from ``first`` up to, not including, ``end``."""
        return cls(first, end)

    def previous(self) -> Period:
        """The period just before: the month before a month, the week before a week..."""
        step = self._step()
        if step is None:
            length = self.end - self.first
            return Period(self.first - length, self.first, self.unit)
        return Period(self.first - step, self.first, self.unit)

    def year_before(self) -> Period:
        """The same days a year earlier (the same ISO week for a week)."""
        if self.unit == "week":
            year, week, _ = self.first.isocalendar()
            try:
                monday = date.fromisocalendar(year - 1, week, 1)
            except ValueError:  # week 53 in a year of 52
                monday = date.fromisocalendar(year - 1, 52, 1)
            return Period(monday, monday + timedelta(days=7), "week")
        back = relativedelta(years=1)
        return Period(self.first - back, self.end - back, self.unit)

    def compared(self, how: str) -> Period:
        """The period to compare with: ``"previous"`` or ``"last_year"``.

        Raises:
            ValidationError: Another value.
        """
        if how == "previous":
            return self.previous()
        if how == "last_year":
            return self.year_before()
        raise ValidationError("compare", how, "give 'previous' or 'last_year'")

    def _step(self) -> relativedelta | None:
        return {
            "day": relativedelta(days=1),
            "week": relativedelta(weeks=1),
            "month": relativedelta(months=1),
            "quarter": relativedelta(months=3),
            "year": relativedelta(years=1),
        }.get(self.unit)

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The period's start and end as UTC instants, for days in ``zone``."""
        return _midnight(self.first, zone), _midnight(self.end, zone)

    def __str__(self) -> str:
        if self.unit == "day":
            return self.first.isoformat()
        if self.unit == "month":
            return self.first.strftime("%Y-%m")
        if self.unit == "year":
            return str(self.first.year)
        if self.unit == "week":
            year, week, _ = self.first.isocalendar()
            return f"{year}-W{week:02d}"
        if self.unit == "quarter":
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        return f"{self.first.isoformat()}/{self.end.isoformat()}"


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), zone).astimezone(UTC)


HOURLY = frozenset({"hour", "hour_of_day"})
"""The time buckets made of local hours; the others are made of local days."""

_EPOCH = datetime(1970, 1, 1)  # noqa: DTZ001 - local wall-clock times are naive on purpose


def bucket_of(key: int, bucket: str) -> date | datetime | str | int:
    """The bucket of a local hour or day number (since 1970-01-01 on the local wall clock).

    ``hour`` gives the local hour's start (a naive local time: the hour
    repeated when clocks go back is one bucket), ``hour_of_day`` 0 to 23,
    ``day`` the date, ``week`` its Monday, ``month`` the first of the month
    and ``weekday`` its name. ``key`` counts hours for the hourly buckets
    (:data:`HOURLY`) and days for the others.
    """
    if bucket in HOURLY:
        local = _EPOCH + timedelta(hours=key)
        return local.hour if bucket == "hour_of_day" else local
    day = _EPOCH.date() + timedelta(days=key)
    if bucket == "day":
        return day
    if bucket == "weekday":
        return _WEEKDAYS[day.weekday()]
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def zone_offsets(
    zone: ZoneInfo, start: datetime, end: datetime
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """When ``zone``'s offset from UTC changes in ``[start, end)``, and the offsets in force.

    Returns:
        ``(changes, offsets)``: the instants of change in seconds since the
        epoch, ascending, and one more offset in seconds than changes (see
        :class:`~orderkit.reports.aggregation.SalesQuery`).
    """

    def offset(at: int) -> int:
        delta = datetime.fromtimestamp(at, zone).utcoffset()
        return int(delta.total_seconds()) if delta is not None else 0

    first, last = int(start.timestamp()), int(end.timestamp())
    changes: list[int] = []
    offsets = [offset(first)]
    at = first
    # Offsets never change twice a day: look a day ahead, and find the very
    # second of a change by halving.
    while at < last:
        ahead = min(at + 86_400, last)
        if offset(ahead) == offsets[-1]:
            at = ahead
            continue
        low, high = at, ahead
        while high - low > 1:
            middle = (low + high) // 2
            if offset(middle) == offsets[-1]:
                low = middle
            else:
                high = middle
        if high >= last:
            break
        changes.append(high)
        offsets.append(offset(high))
        at = high
    return tuple(changes), tuple(offsets)


def buckets_between(
    period: Period, bucket: str, zone: ZoneInfo
) -> Iterator[date | datetime | str | int]:
    """Every bucket of ``period`` in order, so that empty ones show as zero rows."""
    if bucket == "weekday":
        yield from _WEEKDAYS
        return
    if bucket == "hour_of_day":
        yield from range(24)
        return
    if bucket == "hour":
        start, end = period.bounds(zone)
        moment = start
        seen = set()
        while moment < end:
            local = moment.astimezone(zone).replace(minute=0, second=0, microsecond=0, tzinfo=None)
            if local not in seen:
                seen.add(local)
                yield local
            moment += timedelta(minutes=15)
        return
    day = period.first
    if bucket == "week":
        day -= timedelta(days=day.weekday())
        step = relativedelta(weeks=1)
    elif bucket == "month":
        day = day.replace(day=1)
        step = relativedelta(months=1)
    else:
        step = relativedelta(days=1)
    while day < period.end:
        yield day
        day += step
