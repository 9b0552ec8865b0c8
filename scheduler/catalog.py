"""Every reminder in effect (config defaults plus user-added); the API the CLI and admin use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any

from cramp_common.validate import SettingError, parse_hhmm
from scheduler.definitions import DefinitionStore
from scheduler.due import prompt_key
from scheduler.settings import ReminderSettings, check_text, parse_days
from scheduler.triggers import LocalTimeTrigger, daily_trigger, fire_times

DEFAULT_KINDS = ("hydration", "footbath", "stretch")
KINDS = (*DEFAULT_KINDS, "custom")


class ReminderInputError(SettingError):
    """A bad field in a reminder definition; `key` names the field (at, days, text, id)."""


@dataclass(frozen=True)
class Reminder:
    """One reminder as scheduled: a stable id, its kind, its times of day and days."""

    id: str
    kind: str
    """hydration | footbath | stretch | custom"""
    times: tuple[time, ...]
    days: tuple[str, ...]
    """Empty: every day."""
    text: str
    """Custom reminders only; the default kinds are spoken from the language pack."""
    enabled: bool
    source: str
    """"config" (config.toml; switch off with `disable`) or "user" (CLI or admin page)."""
    grace_minutes: float

    @property
    def reply_key(self) -> str:
        """reminder.<kind>.prompt; the custom one speaks the reminder's own text as {text}."""
        return prompt_key(self.kind)

    @property
    def grace_seconds(self) -> int:
        return max(1, round(self.grace_minutes * 60))

    def trigger(self, zone: tzinfo) -> LocalTimeTrigger:
        return daily_trigger(self.times, self.days, zone)

    def schedule(self) -> str:
        """Short human description such as "mon,wed 16:00" or "daily 09:00-21:00 every 2 h"."""
        when = ",".join(self.days) if self.days else "daily"
        if len(self.times) == 1:
            return f"{when} {_hhmm(self.times[0])}"
        step = self.times[1].hour - self.times[0].hour
        return f"{when} {_hhmm(self.times[0])}-{_hhmm(self.times[-1])} every {step} h"

    def next_run(self, zone: tzinfo, now: datetime) -> datetime | None:
        return self.trigger(zone).get_next_fire_time(None, now)

    def to_dict(self, zone: tzinfo, now: datetime) -> dict[str, Any]:
        nxt = self.next_run(zone, now) if self.enabled else None
        return {
            "id": self.id,
            "kind": self.kind,
            "schedule": self.schedule(),
            "enabled": self.enabled,
            "next_run": nxt.astimezone(zone).isoformat() if nxt else None,
            "text": self.text,
            "source": self.source,
        }


def _hhmm(moment: time) -> str:
    return moment.strftime("%H:%M:%S" if moment.second else "%H:%M")


def parse_at(value: time | str) -> time:
    if isinstance(value, time):
        return value
    try:
        return parse_hhmm(value)
    except ValueError:
        raise ReminderInputError(
            "at", value, "must be a time of day as HH:MM (00:00 to 23:59)"
        ) from None


def _input(call: Any, *args: Any) -> Any:
    """Re-raise the settings validators' errors as ReminderInputError (same key, value, message)."""
    try:
        return call(*args)
    except SettingError as exc:
        raise ReminderInputError(exc.key, exc.value, exc.allowed) from None


class ReminderCatalog:
    """Reads and edits reminder definitions; knows nothing about a running scheduler."""

    def __init__(self, settings: ReminderSettings, store: DefinitionStore) -> None:
        self.settings = settings
        self.store = store

    def zone(self) -> tzinfo:
        return self.settings.zone()

    def defaults(self) -> list[Reminder]:
        """Reminders that come from config.toml, before user switches."""
        s = self.settings
        stretch_at = (
            datetime.combine(datetime(2000, 1, 1), s.bedtime)
            - timedelta(minutes=s.stretch.minutes_before_bedtime)
        ).time()
        out = [
            Reminder("hydration", "hydration", tuple(s.hydration.times()), (), "",
                     s.hydration.enabled, "config", s.hydration.grace_minutes),
            Reminder("footbath", "footbath", (s.footbath.at,), (), "",
                     s.footbath.enabled, "config", s.footbath.grace_minutes),
            Reminder("stretch", "stretch", (stretch_at,), (), "",
                     s.stretch.enabled, "config", s.stretch.grace_minutes),
        ]
        for number, custom in enumerate(s.custom, start=1):
            out.append(Reminder(f"config-{number}", "custom", (custom.at,), custom.days,
                                custom.text, custom.enabled, "config", s.custom_grace_minutes))
        return out

    def reminders(self) -> list[Reminder]:
        """Every reminder with its effective on/off state: config ones first, then user ones."""
        off = self.store.disabled_defaults()
        out = [
            Reminder(r.id, r.kind, r.times, r.days, r.text, r.enabled and r.id not in off,
                     r.source, r.grace_minutes)
            for r in self.defaults()
        ]
        for d in self.store.customs():
            out.append(Reminder(d.id, "custom", (d.at,), d.days, d.text, d.enabled, "user",
                                self.settings.custom_grace_minutes))
        return out

    def find(self, reminder_id: str) -> Reminder | None:
        return next((r for r in self.reminders() if r.id == reminder_id), None)

    def get(self, reminder_id: str) -> Reminder:
        found = self.find(reminder_id)
        if found is None:
            raise ReminderInputError(
                "id", reminder_id, "is not a reminder; `cramp-coach reminders list` shows the ids"
            )
        return found

    def add(self, at: time | str, text: str, days: Any = "") -> Reminder:
        """Validate and store a new reminder; returns it with its new id."""
        moment = parse_at(at)
        clean_text = _input(check_text, text)
        day_list = _input(parse_days, days)
        return self.get(self.store.add_custom(moment, day_list, clean_text))

    def update(
        self, reminder_id: str, *, at: time | str | None = None, text: str | None = None,
        days: Any = None,
    ) -> Reminder:
        current = self._user(reminder_id, "changed")
        self.store.update_custom(
            reminder_id,
            at=parse_at(at) if at is not None else current.times[0],
            days=_input(parse_days, days) if days is not None else current.days,
            text=_input(check_text, text) if text is not None else current.text,
            enabled=current.enabled,
        )
        return self.get(reminder_id)

    def set_enabled(self, reminder_id: str, enabled: bool) -> Reminder:
        current = self.get(reminder_id)
        if current.source == "user":
            self.store.update_custom(reminder_id, at=current.times[0], days=current.days,
                                     text=current.text, enabled=enabled)
            return self.get(reminder_id)
        configured = next(r for r in self.defaults() if r.id == reminder_id)
        if enabled and not configured.enabled:
            table = "custom" if configured.kind == "custom" else configured.kind
            raise ReminderInputError(
                "enabled", reminder_id,
                f"is switched off in config.toml ([reminders] {table} enabled = false); "
                "switch it on there",
            )
        self.store.set_default_enabled(reminder_id, enabled)
        return self.get(reminder_id)

    def remove(self, reminder_id: str) -> None:
        self._user(reminder_id, "removed")
        self.store.remove_custom(reminder_id)

    def _user(self, reminder_id: str, verb: str) -> Reminder:
        current = self.get(reminder_id)
        if current.source != "user":
            raise ReminderInputError(
                "id", reminder_id,
                f"comes from config.toml and cannot be {verb} here; "
                "use `disable` or edit config.toml",
            )
        return current

    def upcoming(self, start: datetime, end: datetime) -> list[tuple[datetime, Reminder]]:
        """Fire times of every enabled reminder in [start, end), from the triggers alone."""
        zone = self.zone()
        out = [
            (moment.astimezone(zone), r)
            for r in self.reminders()
            if r.enabled
            for moment in fire_times(r.trigger(zone), start, end)
        ]
        return sorted(out, key=lambda item: item[0].astimezone(UTC))
