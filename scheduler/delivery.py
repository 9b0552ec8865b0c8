"""Delivery: hands a due reminder over at a good moment (not in quiet hours, not over speech)."""

from __future__ import annotations

import logging
import threading
import time as _time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from apscheduler.events import JobExecutionEvent

from scheduler.catalog import Reminder
from scheduler.definitions import ReminderStoreError, Suppressed
from scheduler.due import SNOOZE_PREFIX, SUMMARY_ID, SUMMARY_KEY, DueReminder, job_id, prompt_key
from scheduler.events import ReminderEvents
from scheduler.in_effect import InEffect
from scheduler.ledger import Occurrence
from scheduler.tracker import DeliveryTracker
from scheduler.window import ReminderWindow

log = logging.getLogger(__name__)

OnDue = Callable[[DueReminder], None]


@dataclass(frozen=True)
class SkillSide:
    """The skill's side of handing over (its `on_event` goes to ReminderEvents): the scheduler
    package imports nothing from the skill."""

    on_due: OnDue
    """Say this reminder (called on a scheduler thread)."""
    is_busy: Callable[[], bool]
    """Whether a flow or speech is active (the reminder then waits)."""
    confirm_heard: bool = False
    """True: a reminder counts as spoken only when the skill calls heard() after playback."""


class Delivery:
    """The job target: builds the DueReminder, claims its occurrence, holds it for quiet hours,
    waits (bounded) for speech to end, hands it over and opens the voice window."""

    def __init__(self, current: Callable[[], InEffect], find: Callable[[str], Reminder | None],
                 skill: SkillSide, *, tracker: DeliveryTracker, events: ReminderEvents,
                 window: ReminderWindow, clock: Callable[[], datetime],
                 stopping: threading.Event, poll_seconds: float) -> None:
        self._current = current
        self._find = find
        self._skill = skill
        self._tracker = tracker
        self._events = events
        self._window = window
        self._clock = clock
        self._stopping = stopping
        self._poll_seconds = poll_seconds
        self._lock = threading.Lock()
        """One reminder at a time: the next waits until the one before was handed over."""

    def fire(self, reminder_id: str, kind: str, snoozed: bool) -> None:
        """A reminder job ran: say the reminder unless it is gone or switched off."""
        reminder = self._find(reminder_id)
        if reminder is None or not reminder.enabled:
            log.info("reminder %s is gone or switched off; not spoken", reminder_id)
            return
        self.deliver(DueReminder(reminder.id, reminder.kind, reminder.text, reminder.reply_key,
                                 self._clock(), snoozed,
                                 due=self._tracker.take_due(job_id(reminder_id, snoozed))))

    def fire_summary(self) -> None:
        """Quiet hours ended: say what they held back, if anything."""
        try:
            held = self._current().store.take_suppressed()
        except ReminderStoreError as exc:
            log.warning("no morning summary: %s", exc)
            return
        if not held:
            return
        items = tuple(DueReminder(h.id, h.kind, h.text, prompt_key(h.kind), h.at) for h in held)
        self.deliver(DueReminder(SUMMARY_ID, "summary", "", SUMMARY_KEY, self._clock(),
                                 items=items))

    def redo_unheard(self) -> None:
        """Say again what a crash or shutdown kept from being heard, within its grace."""
        for occurrence in self._tracker.unfinished(self._clock()):
            if self._stopping.is_set():
                return
            snoozed = occurrence.id.startswith(SNOOZE_PREFIX)
            reminder = self._find(occurrence.id.removeprefix(SNOOZE_PREFIX))
            if reminder is None or not reminder.enabled:
                self._tracker.finish_occurrence(occurrence, "gone")
                continue
            due = DueReminder(reminder.id, reminder.kind, reminder.text, reminder.reply_key,
                              self._clock(), snoozed, due=occurrence.due)
            if (self._clock() - occurrence.due).total_seconds() > reminder.grace_seconds:
                self._tracker.finish(due, "missed")
                self._events.event("missed", due, reason="late")
                continue
            log.info("reminder %s due %s was not heard in full; saying it again", due.id,
                     occurrence.due)
            self.deliver(due)

    def deliver(self, due: DueReminder) -> None:
        """Speak `due` unless quiet hours hold it back; wait (bounded) while speech is busy."""
        if not self._tracker.claim(due) or self._hold_for_quiet(due):
            return
        with self._lock:
            if not self._wait_while_busy(due) or self._hold_for_quiet(due):
                return
            try:
                self._skill.on_due(due)
            except Exception:
                log.exception("speaking reminder %s failed", due.id)
                return
            if due.kind != "summary":
                self._window.open(due, self._current().settings.window_seconds)
            if not self._skill.confirm_heard:
                self.heard(due, True)

    def heard(self, due: DueReminder, completely: bool) -> None:
        """Playback of `due` ended: in full (recorded as spoken) or cut (said again on return)."""
        self._tracker.finish(due, "heard" if completely else "cut")
        if completely:
            self._events.event("spoken", due, snoozed=due.snoozed, count=len(due.items) or None)
        else:
            self._events.event("cut", due)

    def missed(self, event: JobExecutionEvent) -> None:
        """APScheduler's EVENT_JOB_MISSED: a run came too late to be worth saying."""
        reminder_id = event.job_id.removeprefix(SNOOZE_PREFIX)
        reminder = self._find(reminder_id)
        kind = reminder.kind if reminder else ("summary" if reminder_id == SUMMARY_ID else "")
        self._tracker.finish_occurrence(
            Occurrence(event.job_id, event.scheduled_run_time, kind), "missed")
        self._events.missed_job(reminder_id, kind, event.scheduled_run_time,
                                self._current().zone)

    def _wait_while_busy(self, due: DueReminder) -> bool:
        """False when `due` is not to be said now: the service stops, or it waited too long."""
        deadline = _time.monotonic() + self._current().settings.max_wait_minutes * 60
        while self._busy():
            if self._stopping.wait(self._poll_seconds):
                # Left open in the ledger: said after a restart within its grace.
                log.info("reminder %s still waits for the flow to end; kept", due.id)
                return False
            if _time.monotonic() > deadline:
                self._tracker.finish(due, "missed")
                self._events.event("missed", due, reason="busy")
                return False
        return True

    def _hold_for_quiet(self, due: DueReminder) -> bool:
        """True (and kept for the morning summary) when quiet hours hold `due` back."""
        current = self._current()
        now = self._clock()
        quiet = current.settings.in_quiet_hours(now.astimezone(current.zone).time())
        if due.kind == "summary" or not quiet:
            return False
        self._tracker.finish(due, "suppressed")
        self._events.event("suppressed", due)
        if current.settings.morning_summary:
            try:
                current.store.add_suppressed(Suppressed(due.id, due.kind, due.text, now))
            except ReminderStoreError as exc:
                log.warning("not kept for the morning summary: %s", exc)
        return True

    def _busy(self) -> bool:
        try:
            return bool(self._skill.is_busy())
        except Exception:
            log.exception("is_busy failed; treating speech as idle")
            return False
