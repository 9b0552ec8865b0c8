"""[reminders] section: defaults, quiet hours, bedtime, timezone, snooze, misfire grace per kind."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import time, tzinfo
from typing import Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cramp_common.localtime import in_quiet_hours, zone_named
from cramp_common.validate import SettingError, get_bool, get_float, get_hhmm, get_int, get_str

log = logging.getLogger(__name__)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MAX_TEXT = 200


def parse_days(value: Any, key: str = "days") -> tuple[str, ...]:
    """'mon,tue' or ['mon', 'tue'] -> ('mon', 'tue') in week order; '' or 'daily' -> () (all)."""
    if isinstance(value, str):
        items = [part.strip().lower() for part in value.split(",") if part.strip()]
    elif isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        items = [item.strip().lower() for item in value]
    else:
        raise SettingError(key, value, "must be days of the week such as \"mon,wed,fri\"")
    if items in ([], ["daily"]):
        return ()
    unknown = [item for item in items if item not in WEEKDAYS]
    if unknown:
        raise SettingError(
            key, unknown[0], "is not a day of the week; use " + ", ".join(WEEKDAYS)
        )
    return tuple(day for day in WEEKDAYS if day in items)


def check_text(value: Any, key: str = "text") -> str:
    """Custom reminder text: non-empty, one line, at most 200 characters."""
    if not isinstance(value, str) or not value.strip():
        raise SettingError(key, value, "must not be empty: say what to remind you of")
    text = " ".join(value.split())
    if len(text) > _MAX_TEXT or "\x00" in text:
        raise SettingError(key, value, f"must be at most {_MAX_TEXT} characters")
    return text


def _grace(data: Mapping[str, Any], default: float) -> float:
    return get_float(data, "grace_minutes", default, 1, 1440)


def _table(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, Mapping):
        raise SettingError(name, value, f"must be a [reminders.{name}] table")
    return value


def _prefixed(name: str, cls: Any, table: Mapping[str, Any]) -> Any:
    """Parse one nested table, naming errors with a dotted key so the loader finds the line."""
    for key in sorted(set(table) - {f.name for f in fields(cls)}):
        log.warning("config: unknown key [reminders] %s.%s ignored", name, key)
    try:
        return cls.from_dict(table)
    except SettingError as exc:
        raise SettingError(f"{name}.{exc.key}", exc.value, exc.allowed) from None


@dataclass(frozen=True)
class HydrationSettings:
    enabled: bool = True
    start: time = time(9, 0)
    """First sip reminder of the day."""
    end: time = time(21, 0)
    """No hydration reminder after this."""
    every_hours: int = 2
    grace_minutes: float = 30
    """A reminder missed (machine off) is still spoken this long after its time, then dropped."""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HydrationSettings:
        start = get_hhmm(data, "start", "09:00")
        end = get_hhmm(data, "end", "21:00")
        if end <= start:
            raise SettingError("end", data.get("end"), "must be later in the day than start")
        return cls(
            enabled=get_bool(data, "enabled", cls.enabled),
            start=start,
            end=end,
            every_hours=get_int(data, "every_hours", cls.every_hours, 1, 12),
            grace_minutes=_grace(data, cls.grace_minutes),
        )

    def times(self) -> list[time]:
        """Every reminder time of one day, start to end inclusive."""
        out = []
        hour = self.start.hour
        while time(hour, self.start.minute, self.start.second) <= self.end:
            out.append(time(hour, self.start.minute, self.start.second))
            hour += self.every_hours
            if hour > 23:
                break
        return out


@dataclass(frozen=True)
class FootbathSettings:
    enabled: bool = True
    at: time = time(20, 30)
    grace_minutes: float = 60

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FootbathSettings:
        return cls(
            enabled=get_bool(data, "enabled", cls.enabled),
            at=get_hhmm(data, "at", "20:30"),
            grace_minutes=_grace(data, cls.grace_minutes),
        )


@dataclass(frozen=True)
class StretchSettings:
    enabled: bool = True
    minutes_before_bedtime: int = 30
    grace_minutes: float = 30

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StretchSettings:
        return cls(
            enabled=get_bool(data, "enabled", cls.enabled),
            minutes_before_bedtime=get_int(
                data, "minutes_before_bedtime", cls.minutes_before_bedtime, 0, 180
            ),
            grace_minutes=_grace(data, cls.grace_minutes),
        )


@dataclass(frozen=True)
class CustomReminderSettings:
    """One `[[reminders.custom]]` entry (reminders added with the CLI or admin live elsewhere)."""

    at: time
    text: str
    days: tuple[str, ...] = ()
    """Empty: every day."""
    enabled: bool = True

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CustomReminderSettings:
        if "at" not in data:
            raise SettingError("at", None, "is missing: give a time of day as \"HH:MM\"")
        return cls(
            at=get_hhmm(data, "at", "00:00"),
            text=check_text(data.get("text", "")),
            days=parse_days(data.get("days", "")),
            enabled=get_bool(data, "enabled", cls.enabled),
        )


@dataclass(frozen=True)
class ReminderSettings:
    TABLES: ClassVar[tuple[str, ...]] = ("hydration", "footbath", "stretch", "custom")
    """Nested tables ([reminders.hydration], [[reminders.custom]], ...): not unknown keys."""

    enabled: bool = True
    timezone: str = ""
    """IANA zone such as "Europe/London"; empty: the system's."""
    quiet_start: time = time(22, 30)
    """No reminder is spoken from quiet_start to quiet_end (first aid always works); equal: none."""
    quiet_end: time = time(7, 30)
    bedtime: time = time(22, 30)
    morning_summary: bool = False
    """Summarise reminders that fell in quiet hours once, at quiet_end."""
    snooze_minutes: int = 10
    """"Ask me again later" without a duration."""
    window_seconds: int = 60
    """After a reminder, "done", "later" and "stop" apply to it for this long."""
    max_wait_minutes: float = 30
    """A due reminder waits at most this long for a flow or speech to end, then is missed."""
    custom_grace_minutes: float = 30
    """Misfire grace of custom reminders (the default kinds have their own in their tables)."""
    hydration: HydrationSettings = field(default_factory=HydrationSettings)
    footbath: FootbathSettings = field(default_factory=FootbathSettings)
    stretch: StretchSettings = field(default_factory=StretchSettings)
    custom: tuple[CustomReminderSettings, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReminderSettings:
        zone = get_str(data, "timezone", cls.timezone, 64)
        if zone:
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                raise SettingError(
                    "timezone", zone, "is not a known IANA time zone such as \"Europe/London\""
                ) from None
        return cls(
            enabled=get_bool(data, "enabled", cls.enabled),
            timezone=zone,
            quiet_start=get_hhmm(data, "quiet_start", "22:30"),
            quiet_end=get_hhmm(data, "quiet_end", "07:30"),
            bedtime=get_hhmm(data, "bedtime", "22:30"),
            morning_summary=get_bool(data, "morning_summary", cls.morning_summary),
            snooze_minutes=get_int(data, "snooze_minutes", cls.snooze_minutes, 1, 240),
            window_seconds=get_int(data, "window_seconds", cls.window_seconds, 5, 600),
            max_wait_minutes=get_float(data, "max_wait_minutes", cls.max_wait_minutes, 1, 240),
            custom_grace_minutes=get_float(
                data, "custom_grace_minutes", cls.custom_grace_minutes, 1, 1440
            ),
            hydration=_prefixed("hydration", HydrationSettings, _table(data, "hydration")),
            footbath=_prefixed("footbath", FootbathSettings, _table(data, "footbath")),
            stretch=_prefixed("stretch", StretchSettings, _table(data, "stretch")),
            custom=_custom_list(data.get("custom", [])),
        )

    def zone(self) -> tzinfo:
        """The configured zone, else the system's."""
        return zone_named(self.timezone)

    def in_quiet_hours(self, moment: time) -> bool:
        return in_quiet_hours(moment, self.quiet_start, self.quiet_end)


def _custom_list(value: Any) -> tuple[CustomReminderSettings, ...]:
    if not isinstance(value, list):
        raise SettingError("custom", value, "must be [[reminders.custom]] entries")
    out = []
    for number, entry in enumerate(value, start=1):
        if not isinstance(entry, Mapping):
            raise SettingError("custom", entry, "must be [[reminders.custom]] entries")
        # The first entry's key lets the loader find its line; later ones are named by number.
        name = "custom" if number == 1 else f"custom.{number}"
        out.append(_prefixed(name, CustomReminderSettings, entry))
    return tuple(out)
