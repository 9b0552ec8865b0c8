"""What the dialogue needs from the reminder service to answer reminder.* intents."""

from __future__ import annotations

from typing import Protocol


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
