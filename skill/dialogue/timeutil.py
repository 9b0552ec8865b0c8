"""Wall-clock helpers: the configured time zone, quiet hours, which night a moment is in."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, tzinfo

from cramp_common.localtime import in_quiet_hours, zone_named

Clock = Callable[[], float]
"""Returns the time as epoch seconds (time.time); tests pass a controllable one."""

__all__ = ["Clock", "SteadyClock", "in_quiet_hours", "local_time", "local_zone", "night_of"]

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




class SteadyClock:
    """Epoch seconds that a wall-clock jump does not move: the wall time at the last resync()
    plus the monotonic time since. An NTP correction (a Raspberry Pi has no clock of its own and
    is set hours or days forward after boot) or a hand-set time must neither fire the ten-minute
    cramp timer in the first minute nor hold it back; the owner resyncs while nothing is timed."""

    def __init__(self) -> None:
        self._offset = 0.0
        self.resync()

    def __call__(self) -> float:
        return self._offset + time.monotonic()

    def resync(self) -> None:
        """Take the wall clock again (call only while no episode or flow is being timed)."""
        self._offset = time.time() - time.monotonic()
