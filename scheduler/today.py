"""Today's list: the reminders still to be spoken before midnight, snoozed ones included."""

from __future__ import annotations

from datetime import datetime, timedelta

from scheduler.catalog import Reminder
from scheduler.due import DueReminder
from scheduler.in_effect import InEffect


def _upcoming(reminder: Reminder, when: datetime, snoozed: bool = False) -> DueReminder:
    return DueReminder(reminder.id, reminder.kind, reminder.text, reminder.reply_key, when,
                       snoozed, due=when)


def list_today(current: InEffect, now: datetime,
               snoozes: list[tuple[datetime, Reminder]]) -> list[DueReminder]:
    """Reminders due from `now` to midnight plus the pending `snoozes`, in time order.

    Ones falling in quiet hours are left out: they will not be spoken.
    """
    zone = current.zone
    now = now.astimezone(zone)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    settings = current.settings
    out = [
        _upcoming(reminder, when) for when, reminder in current.catalog.upcoming(now, midnight)
    ] if settings.enabled else []
    for moment, reminder in snoozes:
        when = moment.astimezone(zone)
        if now <= when < midnight:
            out.append(_upcoming(reminder, when, True))
    spoken = [u for u in out if not settings.in_quiet_hours(u.at.time())]
    return sorted(spoken, key=lambda u: u.at)
