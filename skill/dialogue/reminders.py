"""What the dialogue needs from the reminder service to answer reminder.* intents."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from skill.dialogue import keys

Reply = tuple[str, dict[str, Any]]
"""A reply key and the fields for its placeholders."""


class Reminders(Protocol):
    """Implemented by the skill's adapter around scheduler.ReminderService."""

    def window_open(self) -> bool:
        """Whether a reminder has just been spoken and can still be marked done or snoozed."""
        ...

    def done(self) -> None:
        """Mark the reminder that was just spoken as done."""
        ...

    def snooze(self, minutes: int | None) -> int:
        """Snooze the reminder just spoken; None: the default. Returns the minutes used."""
        ...

    def list_today(self) -> list[str]:
        """Short spoken descriptions of the reminders still due today, in order."""
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


def answer_reminder(intent: str, slots: Mapping[str, str], reminders: Reminders | None,
                    number_words: Any = None) -> list[Reply]:
    """The replies to reminder.done, reminder.snooze or reminder.list (acting on `reminders`)."""
    if reminders is None:
        return [(keys.REMINDER_UNAVAILABLE, {})]
    if intent == "reminder.list":
        items = reminders.list_today()
        if not items:
            return [(keys.REMINDER_LIST_EMPTY, {})]
        return [(keys.REMINDER_LIST, {"items": ", ".join(items)})]
    if not reminders.window_open():
        return [(keys.REMINDER_NOTHING_DUE, {})]
    if intent == "reminder.done":
        reminders.done()
        return [(keys.REMINDER_DONE, {})]
    if intent == "reminder.snooze":
        words = number_words if isinstance(number_words, dict) else None
        minutes = reminders.snooze(parse_minutes(slots.get("minutes"), words))
        return [(keys.REMINDER_SNOOZED, {"minutes": minutes})]
    return []
