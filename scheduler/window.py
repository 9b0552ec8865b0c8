"""ReminderWindow: the seconds after a spoken reminder in which "done", "later" or "stop" apply."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from scheduler.due import DueReminder
from scheduler.events import ReminderEvents
from scheduler.tracker import DeliveryTracker

Schedule = Callable[[DueReminder, datetime], None]
"""Puts a snoozed reminder back in the job store, due again at the given moment."""

MAX_SNOOZE_MINUTES = 24 * 60


class ReminderWindow:
    """Owns the reminder last spoken and until when it can be answered; each answer is
    recorded in the ledger and as an event."""

    def __init__(self, clock: Callable[[], datetime], tracker: DeliveryTracker,
                 events: ReminderEvents) -> None:
        self._clock = clock
        self._tracker = tracker
        self._events = events
        self._lock = threading.Lock()
        self._due: DueReminder | None = None
        self._until = datetime.min

    def open(self, due: DueReminder, seconds: float) -> None:
        """`due` was just spoken: it can be answered for `seconds` (replacing any earlier one)."""
        until = self._clock() + timedelta(seconds=seconds)
        with self._lock:
            self._due, self._until = due, until

    def is_open(self) -> bool:
        with self._lock:
            if self._due is not None and self._clock() >= self._until:
                self._due = None
            return self._due is not None

    def done(self) -> DueReminder | None:
        """"Finished it": record the last reminder as done; None if no reminder is open."""
        return self._answer("done")

    def dismiss(self) -> DueReminder | None:
        """"Stop": close the window without an answer."""
        return self._answer("dismissed")

    def snooze(self, minutes: float, schedule: Schedule | None) -> datetime | None:
        """"Later": `schedule` the last reminder again in `minutes`; None if none is open or
        there is nothing to schedule on (service not running)."""
        if not 0 < minutes <= MAX_SNOOZE_MINUTES:
            raise ValueError(f"snooze minutes {minutes!r}: must be more than 0 and at most 1440")
        if schedule is None:
            return None
        due = self._close()
        if due is None:
            return None
        self._tracker.finish(due, "snoozed")
        when = self._clock() + timedelta(minutes=minutes)
        schedule(due, when)
        self._events.event("snoozed", due, minutes=minutes, until=when.isoformat())
        return when

    def _answer(self, state: str) -> DueReminder | None:
        due = self._close()
        if due is not None:
            self._tracker.finish(due, state)
            self._events.event(state, due)
        return due

    def _close(self) -> DueReminder | None:
        with self._lock:
            due = self._due if self._due is not None and self._clock() < self._until else None
            self._due = None
            return due
