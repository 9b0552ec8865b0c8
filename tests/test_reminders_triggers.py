"""Daily reminders across DST changes: never skipped, never said twice."""

from __future__ import annotations

import pickle
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler.triggers import daily_trigger, fire_times

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def _days(zone: ZoneInfo, at: time, start: datetime, count: int) -> list[datetime]:
    trigger = daily_trigger([at], (), zone)
    return fire_times(trigger, start, start + timedelta(days=count))


@pytest.mark.parametrize("zone", [BERLIN, NEW_YORK])
@pytest.mark.parametrize("at", [time(1, 30), time(2, 30), time(9, 0), time(20, 30)])
@pytest.mark.parametrize("month", [3, 10, 11])
def test_daily_reminder_fires_once_a_day_across_dst(zone: ZoneInfo, at: time, month: int) -> None:
    start = datetime(2025, month, 1, 0, tzinfo=zone)
    times = _days(zone, at, start, 30)
    local_dates = [t.astimezone(zone).date() for t in times]
    assert local_dates == [start.date() + timedelta(days=n) for n in range(30)]
    assert all(b - a >= timedelta(hours=23) for a, b in zip(times, times[1:], strict=False))


def test_repeated_hour_when_clocks_go_back_is_not_said_twice() -> None:
    start = datetime(2025, 10, 25, 12, tzinfo=BERLIN)
    times = _days(BERLIN, time(2, 30), start, 3)
    assert [t.astimezone(BERLIN).strftime("%m-%d %H:%M%z") for t in times] == [
        "10-26 02:30+0200", "10-27 02:30+0100", "10-28 02:30+0100",
    ]


def test_missing_hour_when_clocks_go_forward_is_said_an_hour_later_not_skipped() -> None:
    start = datetime(2025, 3, 29, 12, tzinfo=BERLIN)
    (spring, *_) = _days(BERLIN, time(2, 30), start, 2)
    assert spring.astimezone(BERLIN).strftime("%m-%d %H:%M%z") == "03-30 03:30+0200"


def test_hydration_hours_keep_wall_clock_times_across_dst() -> None:
    trigger = daily_trigger([time(h) for h in range(9, 22, 2)], (), BERLIN)
    start = datetime(2025, 10, 26, 0, tzinfo=BERLIN)
    times = fire_times(trigger, start, start + timedelta(days=1))
    assert [t.astimezone(BERLIN).hour for t in times] == [9, 11, 13, 15, 17, 19, 21]


def test_weekday_trigger_only_fires_on_its_days() -> None:
    trigger = daily_trigger([time(16)], ("mon", "wed"), BERLIN)
    start = datetime(2025, 6, 2, 0, tzinfo=BERLIN)  # a Monday
    times = fire_times(trigger, start, start + timedelta(days=14))
    assert [t.strftime("%a") for t in times] == ["Mon", "Wed"] * 2


def test_trigger_survives_the_job_store_pickle() -> None:
    trigger = daily_trigger([time(2, 30)], (), BERLIN)
    again = pickle.loads(pickle.dumps(trigger))
    assert repr(again) == repr(trigger)
    start = datetime(2025, 10, 25, 12, tzinfo=BERLIN)
    end = start + timedelta(days=3)
    assert fire_times(again, start, end) == fire_times(trigger, start, end)
