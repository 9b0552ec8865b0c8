"""Local time shared by every part: the configured zone and whether a moment is in quiet hours."""

from __future__ import annotations

from datetime import time, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone_named(name: str = "") -> tzinfo:
    """The IANA zone `name`; the system's zone (DST-aware, via tzlocal) when empty or unknown."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    import tzlocal

    return tzlocal.get_localzone()


def in_quiet_hours(moment: time, start: time, end: time) -> bool:
    """Whether `moment` is in [start, end), which may wrap past midnight; start == end: never."""
    if start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end
