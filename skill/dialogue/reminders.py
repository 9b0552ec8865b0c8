"""What the dialogue needs from the reminder service to answer reminder.* intents.

scheduler.ReminderService fits these Protocols as it is, so `run` can hand it over directly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from skill.dialogue import keys

Reply = tuple[str, dict[str, Any]]
"""A reply key and the fields for its placeholders."""


class Upcoming(Protocol):
    """One reminder still to come (scheduler.DueReminder)."""

    @property
    def kind(self) -> str: ...

    @property
    def text(self) -> str: ...

    @property
    def at(self) -> datetime: ...


class Reminders(Protocol):
    """The voice window after a spoken reminder, and today's list."""

    def window_open(self) -> bool:
        """Whether a reminder has just been spoken and can still be marked done or snoozed."""
        ...

    def done(self) -> object | None:
        """Mark the reminder just spoken as done; None when none was open."""
        ...

    def dismiss(self) -> object | None:
        """Close the window without an answer ('stop')."""
        ...

    def snooze(self, minutes: float | None = None) -> datetime | None:
        """Say the reminder again after `minutes` (None: the default); when, or None."""
        ...

    def list_today(self) -> Sequence[Upcoming]:
        """Reminders still to come today, in time order."""
        ...

    @property
    def saved_list_missing(self) -> bool:
        """The user's saved reminders are not loaded yet: list_today() may miss some."""
        ...


def parse_minutes(value: str | None, number_words: dict[str, int] | None = None) -> int | None:
    """The `minutes` slot as an int (digits or a number word from the pack), else None."""
    if not value:
        return None
    text = value.strip().lower()
    if text.isdigit():
        return int(text) or None
    if number_words and text in number_words:
        return number_words[text] or None
    return None


def describe(item: Upcoming, name: str) -> Reply:
    """`reminder.list.item` for one reminder; `name` is the spoken name of its kind."""
    return keys.REMINDER_LIST_ITEM, {"name": name, "time": item.at.strftime("%H:%M")}


def answer_reminder(intent: str, slots: Mapping[str, str], reminders: Reminders | None,
                    now: float, number_words: Any = None) -> list[Reply]:
    """The replies to reminder.done / snooze (acting on `reminders`); reminder.list is separate."""
    if reminders is None:
        return [(keys.REMINDER_UNAVAILABLE, {})]
    if not reminders.window_open():
        return [(keys.REMINDER_NOTHING_DUE, {})]
    if intent == "reminder.done":
        return [(keys.REMINDER_DONE if reminders.done() is not None
                 else keys.REMINDER_NOTHING_DUE, {})]
    words = number_words if isinstance(number_words, dict) else None
    when = reminders.snooze(parse_minutes(slots.get("minutes"), words))
    if when is None:
        return [(keys.REMINDER_NOTHING_DUE, {})]
    minutes = max(1, round((when.timestamp() - now) / 60))
    return [(keys.REMINDER_SNOOZED, {"minutes": minutes})]
