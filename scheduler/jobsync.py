"""JobSync: keeps the job store holding exactly the jobs the reminder definitions ask for."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from apscheduler.job import Job
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.date import DateTrigger

from scheduler import jobs
from scheduler.catalog import Reminder
from scheduler.definitions import ReminderStoreError
from scheduler.due import SNOOZE_PREFIX, SUMMARY_ID, DueReminder, job_id
from scheduler.in_effect import InEffect
from scheduler.triggers import daily_trigger

log = logging.getLogger(__name__)

SUMMARY_GRACE_SECONDS = 3 * 3600
"""The morning summary is still worth saying if the machine wakes up to three hours late."""
SNOOZE_GRACE_SECONDS = 1800
"""Grace of a snooze whose reminder has meanwhile gone."""
FULL_CHECK_EVERY = 15
"""changed() asks the database at least this often (every 30 s at the service's 2 s poll)."""


class JobSync:
    """Owns the reminders as of the last sync (so a firing job needs no database read) and the
    definitions generation they came from. Jobs carry plain arguments under stable ids."""

    def __init__(self, current: Callable[[], InEffect]) -> None:
        self._current = current
        self._lock = threading.Lock()
        self._generation = -1
        self._known: dict[str, Reminder] = {}
        self._signature: tuple[int, ...] | None = None
        self._checks = 0

    def find(self, reminder_id: str) -> Reminder | None:
        """The reminder `reminder_id` as of the last sync (enabled or not), None if gone."""
        return self._known.get(reminder_id)

    def changed(self) -> bool:
        """Whether the definitions were edited (CLI, admin page) since the last sync.

        Asks the database only when its files' signature moved, and every FULL_CHECK_EVERY-th
        call anyway (a file system whose times are coarse may hide a second write)."""
        store = self._current().store
        signature = store.signature()
        self._checks = (self._checks + 1) % FULL_CHECK_EVERY
        if signature is not None and signature == self._signature and self._checks:
            return False
        self._signature = signature
        return store.generation() != self._generation

    def sync(self, scheduler: BaseScheduler) -> None:
        """Make the job store hold exactly one job per enabled reminder (plus snoozes, summary).

        Unchanged jobs are left alone so a run missed while the process was down keeps its due
        time and is handled by the misfire grace; changed ones are replaced under the same id.
        """
        with self._lock:
            current = self._current()
            generation = current.store.generation()
            every = current.catalog.reminders()
            wanted = {r.id: r for r in every if r.enabled} if current.settings.enabled else {}
            existing = {job.id: job for job in scheduler.get_jobs()}
            for jid in existing:
                if jid != SUMMARY_ID and jid.removeprefix(SNOOZE_PREFIX) not in wanted:
                    scheduler.remove_job(jid)
            for reminder in wanted.values():
                self._ensure_job(scheduler, existing.get(reminder.id), reminder, current)
            self._sync_summary(scheduler, existing.get(SUMMARY_ID), current)
            self._known = {r.id: r for r in every}
            self._generation = generation
            try:
                current.store.set_applied(generation)
            except ReminderStoreError as exc:
                log.debug("could not note the applied generation: %s", exc)

    def add_snooze(self, scheduler: BaseScheduler, due: DueReminder, when: datetime) -> None:
        """Say `due` once more at `when` (a one-shot job beside the reminder's own)."""
        reminder = self.find(due.id)
        grace = reminder.grace_seconds if reminder else SNOOZE_GRACE_SECONDS
        scheduler.add_job(
            jobs.fire_snoozed, DateTrigger(run_date=when, timezone=self._current().zone),
            args=(due.id, due.kind), id=job_id(due.id, True), name=f"{due.kind} snoozed",
            replace_existing=True, misfire_grace_time=grace, coalesce=True, max_instances=1,
        )

    def snoozed(self, scheduler: BaseScheduler) -> list[tuple[datetime, Reminder]]:
        """Pending snoozes: when each will be said again, and its reminder."""
        out = []
        for job in scheduler.get_jobs():
            if job.id.startswith(SNOOZE_PREFIX) and job.next_run_time is not None:
                reminder = self.find(job.id.removeprefix(SNOOZE_PREFIX))
                if reminder is not None:
                    out.append((job.next_run_time, reminder))
        return out

    @staticmethod
    def _ensure_job(scheduler: BaseScheduler, job: Job | None, reminder: Reminder,
                    current: InEffect) -> None:
        trigger = reminder.trigger(current.zone)
        args = (reminder.id, reminder.kind)
        if (
            job is not None
            and repr(job.trigger) == repr(trigger)
            and job.misfire_grace_time == reminder.grace_seconds
            and tuple(job.args) == args
        ):
            return
        scheduler.add_job(
            jobs.fire, trigger, args=args, id=reminder.id, name=f"{reminder.kind} reminder",
            replace_existing=True, misfire_grace_time=reminder.grace_seconds, coalesce=True,
            max_instances=1,
        )

    @staticmethod
    def _sync_summary(scheduler: BaseScheduler, job: Job | None, current: InEffect) -> None:
        s = current.settings
        if not (s.enabled and s.morning_summary and s.quiet_start != s.quiet_end):
            if job is not None:
                scheduler.remove_job(SUMMARY_ID)
            return
        trigger = daily_trigger([s.quiet_end], (), current.zone)
        if job is not None and repr(job.trigger) == repr(trigger):
            return
        scheduler.add_job(
            jobs.fire_summary, trigger, id=SUMMARY_ID, name="morning summary",
            replace_existing=True, misfire_grace_time=SUMMARY_GRACE_SECONDS, coalesce=True,
            max_instances=1,
        )
