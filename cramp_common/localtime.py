"""Local time shared by every part: the configured zone and whether a moment is in quiet hours."""

from __future__ import annotations

from datetime import time, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cramp_common.systemzone import system_zone


def zone_named(name: str = "") -> tzinfo:
    """The IANA zone `name`; the system's zone (DST-aware, by name: see system_zone) when empty
    or unknown."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return system_zone().zone


def zone_note(name: str = "") -> str:
    """One line when `zone_named(name)` is not the system's own zone (status page); else ""."""
    zone = zone_named(name)
    system = system_zone()
    return system.note if zone is system.zone else ""


def in_quiet_hours(moment: time, start: time, end: time) -> bool:
    """Whether `moment` is in [start, end), which may wrap past midnight; start == end: never."""
    if start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end
