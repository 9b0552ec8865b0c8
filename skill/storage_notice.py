"""The spoken storage warning: said once, at a moment when it wakes and interrupts nobody."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from scheduler.settings import ReminderSettings

WARN_AFTER_TURN_SECONDS = 600.0
"""In quiet hours the storage warning waits for someone to have spoken within this long."""


class StorageNotice:
    """Says once that something cannot be saved: never during a flow or speech, and in quiet
    hours only just after someone spoke to us (nobody is woken for it)."""

    def __init__(self, problems: Callable[[], list[str]], say: Callable[[], None]) -> None:
        self._problems = problems
        self._say = say
        self.said = False

    def check(self, busy: Callable[[], bool], since_turn: float,
              reminders: ReminderSettings) -> None:
        """Say the warning now if something is wrong and the moment suits; `since_turn` is
        the seconds since someone last spoke to us."""
        if self.said or not self._problems() or busy():
            return
        recent = since_turn < WARN_AFTER_TURN_SECONDS
        if not recent and reminders.in_quiet_hours(datetime.now(reminders.zone()).time()):
            return
        self.said = True
        self._say()
