"""Wall-clock helpers: the configured time zone, quiet hours, which night a moment is in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, tzinfo

from cramp_common.localtime import in_quiet_hours, zone_named

Clock = Callable[[], float]
"""Returns the time as epoch seconds (time.time); tests pass a controllable one."""

__all__ = ["Clock", "in_quiet_hours", "local_time", "local_zone", "night_of"]

NIGHT_SHIFT = timedelta(hours=12)
"""A cramp at 3 a.m. belongs to the night that began the evening before."""


def local_zone(name: str = "") -> tzinfo:
    """The IANA zone `name`, or the system's zone when empty or unknown."""
    return zone_named(name)


def local_time(ts: float, zone: tzinfo) -> datetime:
    return datetime.fromtimestamp(ts, zone)


def night_of(ts: float, zone: tzinfo) -> date:
    """The date of the evening that began the night `ts` falls in."""
    return (local_time(ts, zone) - NIGHT_SHIFT).date()


