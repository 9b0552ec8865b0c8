"""Wall-clock helpers: the configured time zone, quiet hours, which night a moment is in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Clock = Callable[[], float]
"""Returns the time as epoch seconds (time.time); tests pass a controllable one."""

NIGHT_SHIFT = timedelta(hours=12)
"""A cramp at 3 a.m. belongs to the night that began the evening before."""


def local_zone(name: str = "") -> tzinfo:
    """The IANA zone `name`, or the system's zone when empty or unknown."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone


def local_time(ts: float, zone: tzinfo) -> datetime:
    return datetime.fromtimestamp(ts, zone)


def night_of(ts: float, zone: tzinfo) -> date:
    """The date of the evening that began the night `ts` falls in."""
    return (local_time(ts, zone) - NIGHT_SHIFT).date()


def in_quiet_hours(moment: time, start: time, end: time) -> bool:
    """Whether `moment` is within [start, end), which may wrap past midnight."""
    if start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end
