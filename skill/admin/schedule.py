"""The reminder definitions API (scheduler.ReminderCatalog) as the admin page uses it.

Edits go to the definitions file whether or not `cramp-coach run` is active; a running
ReminderService notices the change counter and re-syncs its jobs within a few seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from cramp_common.paths import data_dir
from scheduler.catalog import Reminder, ReminderCatalog
from scheduler.definitions import DEFINITIONS_FILE, DefinitionStore
from skill.config import Config

KIND_LABELS = {
    "hydration": "Drink some water",
    "footbath": "Warm foot bath",
    "stretch": "Evening stretch",
}


@dataclass(frozen=True)
class Upcoming:
    name: str
    at: datetime


def catalog(config: Config) -> ReminderCatalog:
    return ReminderCatalog(config.reminders, DefinitionStore(data_dir() / DEFINITIONS_FILE))


def label(reminder: Reminder) -> str:
    return (
        reminder.text
        if reminder.kind == "custom"
        else KIND_LABELS.get(reminder.kind, reminder.kind)
    )


def upcoming(config: Config, limit: int = 5) -> list[Upcoming]:
    """The next reminders in the coming two days (none while reminders are off as a whole)."""
    if not config.reminders.enabled:
        return []
    reminders = catalog(config)
    now = datetime.now(reminders.zone())
    found = reminders.upcoming(now, now + timedelta(days=2))[:limit]
    return [Upcoming(label(reminder), moment) for moment, reminder in found]
