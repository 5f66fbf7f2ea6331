"""Promised dates across weekends, holidays, cut-offs and daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orderkit.errors import ValidationError
from orderkit.fulfillment.promises import ShippingCalendar

BERLIN = ShippingCalendar("Europe/Berlin", cutoff=time(14), handling_days=0, transit_days=1)
MUNICH = ShippingCalendar(
    "Europe/Berlin",
    cutoff=time(14),
    handling_days=0,
    holidays_country="DE",
    holidays_subdivision="BY",
)


def local(zone: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone))  # type: ignore[misc]


def test_before_the_cut_off_it_leaves_today_after_it_tomorrow() -> None:
    assert BERLIN.promise(local("Europe/Berlin", 2026, 3, 3, 13, 59)).ship_by == local(
        "Europe/Berlin", 2026, 3, 3, 23, 59, 59
    )
    assert BERLIN.promise(local("Europe/Berlin", 2026, 3, 3, 14, 0)).ship_by == local(
        "Europe/Berlin", 2026, 3, 4, 23, 59, 59
    )


def test_weekends_wait_for_monday_and_transit_skips_them() -> None:
    promise = BERLIN.promise(local("Europe/Berlin", 2026, 3, 6, 15, 0))  # Friday after cut-off
    assert promise.ship_by.date() == date(2026, 3, 9)  # Monday
    assert promise.deliver_on == date(2026, 3, 10)
    friday = BERLIN.promise(local("Europe/Berlin", 2026, 3, 6, 9, 0))
    assert friday.deliver_on == date(2026, 3, 9)  # one working day: over the weekend


def test_public_holidays_of_the_region_close_the_warehouse() -> None:
    corpus_christi = local("Europe/Berlin", 2026, 6, 4, 9, 0)  # a holiday in Bavaria only
    assert MUNICH.promise(corpus_christi).ship_by.date() == date(2026, 6, 5)
    assert BERLIN.promise(corpus_christi).ship_by.date() == date(2026, 6, 4)
    easter = MUNICH.promise(local("Europe/Berlin", 2026, 4, 2, 15, 0))  # Thursday before Easter
    assert easter.ship_by.date() == date(2026, 4, 7)  # Good Friday and Easter Monday are off


def test_own_closures_and_extra_open_days() -> None:
    stocktaking = ShippingCalendar(
        "Europe/Berlin",
        cutoff=time(14),
        handling_days=0,
        closed={date(2026, 3, 3)},
        open={date(2026, 3, 7)},  # a Saturday before a sale
    )
    assert stocktaking.promise(local("Europe/Berlin", 2026, 3, 3, 9)).ship_by.date() == date(
        2026, 3, 4
    )
    assert stocktaking.promise(local("Europe/Berlin", 2026, 3, 6, 15)).ship_by.date() == date(
        2026, 3, 7
    )


@pytest.mark.parametrize(
    ("zone", "day_before", "day_of"),
    [
        ("Europe/Berlin", (2026, 3, 27), (2026, 3, 30)),  # clocks go forward on 29 March
        ("America/New_York", (2026, 3, 6), (2026, 3, 9)),  # forward on 8 March
        ("Australia/Sydney", (2026, 4, 3), (2026, 4, 6)),  # back on 5 April
    ],
)
def test_the_cut_off_stays_at_local_time_across_daylight_saving(
    zone: str, day_before: tuple[int, int, int], day_of: tuple[int, int, int]
) -> None:
    calendar = ShippingCalendar(zone, cutoff=time(14), handling_days=0)
    for day in (day_before, day_of):
        cut = datetime.combine(date(*day), time(14), tzinfo=ZoneInfo(zone)).astimezone(UTC)
        assert calendar.promise(cut - timedelta(minutes=1)).ship_by.date() == date(*day)
        assert calendar.promise(cut).ship_by.date() > date(*day)
    before = calendar.promise(local(zone, *day_before, 13, 0)).ship_by
    after = calendar.promise(local(zone, *day_of, 13, 0)).ship_by
    assert before.utcoffset() != after.utcoffset()  # the change fell between them


@given(
    st.datetimes(
        min_value=datetime(2026, 1, 1),  # noqa: DTZ001  # hypothesis bounds are naive
        max_value=datetime(2027, 12, 31),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    st.integers(0, 3),
    st.integers(0, 5),
)
def test_the_promise_is_a_working_day_at_the_cut_off_never_before_the_order(
    ordered_at: datetime, handling: int, transit: int
) -> None:
    calendar = ShippingCalendar(
        "Europe/Berlin",
        cutoff=time(14),
        handling_days=handling,
        holidays_country="DE",
        holidays_subdivision="BY",
    )
    promise = calendar.promise(ordered_at, transit)
    assert promise.ship_by > ordered_at
    assert calendar.is_working_day(promise.ship_by.date())
    assert promise.ship_by.timetz().replace(tzinfo=None) == time(23, 59, 59)
    assert calendar.is_working_day(promise.deliver_on)
    assert promise.deliver_on >= promise.ship_by.date()
    later = calendar.promise(ordered_at + timedelta(hours=5), transit)
    assert later.ship_by >= promise.ship_by


def test_a_calendar_refuses_what_cannot_be_by_name() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        ShippingCalendar("Mars/Olympus")
    with pytest.raises(ValidationError, match="workdays"):
        ShippingCalendar("Europe/Berlin", workdays={7})
    with pytest.raises(ValidationError, match="cutoff"):
        ShippingCalendar("Europe/Berlin", cutoff=time(14, tzinfo=UTC))
    with pytest.raises(ValidationError, match="holidays_country"):
        ShippingCalendar("Europe/Berlin", holidays_country="Germany")
    with pytest.raises(ValidationError, match="ordered_at"):
        BERLIN.promise(datetime(2026, 3, 3, 9))  # noqa: DTZ001
