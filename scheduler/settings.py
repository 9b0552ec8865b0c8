"""[reminders] section: defaults, quiet hours, bedtime, timezone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from typing import Any

from cramp_common.validate import get_bool, get_hhmm, get_str


@dataclass(frozen=True)
class ReminderSettings:
    enabled: bool = True
    timezone: str = ""
    """IANA zone such as "Europe/London"; empty: the system's."""
    quiet_start: time = time(22, 30)
    """No reminder is spoken from quiet_start to quiet_end (first aid always works)."""
    quiet_end: time = time(7, 30)
    bedtime: time = time(22, 30)
    morning_summary: bool = False
    """Summarise reminders that fell in quiet hours once in the morning."""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReminderSettings:
        return cls(
            enabled=get_bool(data, "enabled", cls.enabled),
            timezone=get_str(data, "timezone", cls.timezone, 64),
            quiet_start=get_hhmm(data, "quiet_start", "22:30"),
            quiet_end=get_hhmm(data, "quiet_end", "07:30"),
            bedtime=get_hhmm(data, "bedtime", "22:30"),
            morning_summary=get_bool(data, "morning_summary", cls.morning_summary),
        )
