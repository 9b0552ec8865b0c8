"""DueReminder, the one record of a reminder occurrence: due now, or still to come today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from scheduler.ledger import Occurrence

SUMMARY_ID = "summary"
SNOOZE_PREFIX = "snooze:"
SUMMARY_KEY = "reminder.summary.prompt"


def prompt_key(kind: str) -> str:
    """reminder.<kind>.prompt; the custom one speaks the reminder's own text as {text}."""
    return f"reminder.{kind}.prompt"


def job_id(reminder_id: str, snoozed: bool) -> str:
    """The job (and ledger) id of a reminder: a snoozed one runs under its own id."""
    return SNOOZE_PREFIX + reminder_id if snoozed else reminder_id


@dataclass(frozen=True)
class DueReminder:
    """What the skill should say (or will say later today): a reply key for the default kinds,
    the text for custom ones."""

    id: str
    kind: str
    """hydration | footbath | stretch | custom | summary"""
    text: str
    reply_key: str
    """reminder.<kind>.prompt (custom: with `text` as {text}) or reminder.summary.prompt."""
    at: datetime
    """When it is said: now for a due one, its time for one still to come today."""
    snoozed: bool = False
    items: tuple[DueReminder, ...] = ()
    """For the summary: the reminders quiet hours held back."""
    due: datetime | None = None
    """The moment it was scheduled for (None for the summary); with `id` it names the
    occurrence in the delivery ledger."""

    @property
    def occurrence(self) -> Occurrence | None:
        if self.due is None:
            return None
        return Occurrence(job_id(self.id, self.snoozed), self.due, self.kind)
