"""ReminderService: APScheduler 3 on SQLite, quiet hours, waiting for speech, the voice window."""

from __future__ import annotations

import logging
import threading
import time as _time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger

from cramp_common.paths import data_dir
from cramp_common.storage import advice
from scheduler import jobs
from scheduler.catalog import Reminder, ReminderCatalog
from scheduler.definitions import (
    DEFINITIONS_FILE,
    DefinitionStore,
    ReminderStoreError,
    Suppressed,
    open_for_service,
)
from scheduler.ledger import LEDGER_FILE, DeliveryLedger, Occurrence
from scheduler.lock import LOCK_FILE, ServiceLock
from scheduler.safestore import FallbackJobStore, NotifyingExecutor, set_aside_if_corrupt
from scheduler.settings import ReminderSettings
from scheduler.triggers import daily_trigger

log = logging.getLogger(__name__)

JOB_STORE_FILE = "reminder-jobs.sqlite"
SUMMARY_ID = "summary"
SNOOZE_PREFIX = "snooze:"
SUMMARY_GRACE_SECONDS = 3 * 3600
"""The morning summary is still worth saying if the machine wakes up to three hours late."""


@dataclass(frozen=True)
class DueReminder:
    """What the skill should say: a reply key for the default kinds, the text for custom ones."""

    id: str
    kind: str
    """hydration | footbath | stretch | custom | summary"""
    text: str
    reply_key: str
    """reminder.<kind>.prompt (custom: with `text` as {text}) or reminder.summary.prompt."""
    at: datetime
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
        return Occurrence(SNOOZE_PREFIX + self.id if self.snoozed else self.id, self.due,
                          self.kind)


@dataclass(frozen=True)
class UpcomingReminder:
    """One of today's remaining reminders (for "what reminders do I have today?")."""

    id: str
    kind: str
    text: str
    reply_key: str
    at: datetime
    snoozed: bool = False


@dataclass
class _Window:
    due: DueReminder
    until: datetime


OnDue = Callable[[DueReminder], None]
OnEvent = Callable[[str, dict[str, Any]], None]


class ReminderService:
    """Schedules the reminders in effect and hands each due one to `on_due` at a good moment.

    `clock` is the service's idea of now for quiet hours, the voice window and snooze times
    (tests); APScheduler itself always runs on real time.

    With `confirm_heard`, a reminder counts as spoken only when the skill calls heard() after
    playback; one never heard in full (crash, shutdown) is said again on return within grace.
    Storage problems never stop the service: `problems` says what is wrong.
    """

    def __init__(
        self,
        settings: ReminderSettings,
        store_path: Path,
        on_due: OnDue,
        on_event: OnEvent,
        is_busy: Callable[[], bool],
        clock: Callable[[], datetime] | None = None,
        *,
        definitions_path: Path | None = None,
        poll_seconds: float = 2.0,
        confirm_heard: bool = False,
    ) -> None:
        self.settings = settings
        self.store_path = Path(store_path)
        self._zone = settings.zone()
        self._clock = clock or (lambda: datetime.now(self._zone))
        self._on_due = on_due
        self._on_event = on_event
        self._is_busy = is_busy
        self._poll_seconds = poll_seconds
        self._confirm_heard = confirm_heard
        self._problems: dict[str, str] = {}
        defs = definitions_path or self.store_path.with_name(DEFINITIONS_FILE)
        self.catalog = ReminderCatalog(settings, self._open_definitions(defs))
        self.ledger = DeliveryLedger(self.store_path.with_name(LEDGER_FILE))
        self._claimed: set[tuple[str, datetime]] = set()
        self._due_at: dict[str, datetime] = {}
        """Job id -> the run time APScheduler just submitted it for."""
        self._redo: threading.Thread | None = None
        self._lock = ServiceLock(self.store_path.with_name(LOCK_FILE))
        self._scheduler: BackgroundScheduler | None = None
        self._stopping = threading.Event()
        self._deliver_lock = threading.Lock()
        self._sync_lock = threading.Lock()
        self._window_lock = threading.Lock()
        self._window: _Window | None = None
        self._generation = -1
        self._known: dict[str, Reminder] = {}
        """Reminders as of the last sync, so a firing job needs no database read."""
        self._poller: threading.Thread | None = None

    # -- life cycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Take the service lock, open the job store, sync jobs from the definitions, run."""
        self._lock.acquire()
        try:
            store = FallbackJobStore(SQLAlchemyJobStore(url=f"sqlite:///{self.store_path}"),
                                     self._job_store_failed)
            if not self._set_aside_if_corrupt():
                store.failed = True
            scheduler = BackgroundScheduler(
                jobstores={"default": store},
                executors={"default": NotifyingExecutor(self._submitted, max_workers=8)},
                job_defaults={"coalesce": True, "max_instances": 1},
                timezone=self._zone,
            )
            scheduler.add_listener(self._on_missed, EVENT_JOB_MISSED)
            jobs.register(self)
            self._stopping.clear()
            scheduler.start(paused=True)
            self._scheduler = scheduler
            self.sync()
            scheduler.resume()
        except BaseException:
            self._teardown()
            raise
        self._poller = threading.Thread(target=self._poll, name="reminder-sync", daemon=True)
        self._poller.start()
        self._redo = threading.Thread(target=self._redo_unheard, name="reminder-redo",
                                      daemon=True)
        self._redo.start()

    @property
    def problems(self) -> list[str]:
        """One line per storage problem the service is working around (empty: none)."""
        return [message for message in self._problems.values() if message]

    def _note(self, name: str, message: str) -> None:
        if message and self._problems.get(name) != message:
            log.warning("%s", message)
        self._problems[name] = message

    def _open_definitions(self, path: Path) -> DefinitionStore:
        store, problem = open_for_service(path)
        self._note("definitions", problem)
        return store

    def _job_store_failed(self, exc: BaseException) -> None:
        self._note("jobs", advice(exc, self.store_path, "reminder schedule",
                                  "it was left as it is") +
                   "; the schedule is kept in memory until the next start")

    def _set_aside_if_corrupt(self) -> bool:
        """False when a damaged job store cannot be moved aside (the schedule then in memory)."""
        failure = set_aside_if_corrupt(self.store_path)
        if failure is not None:
            self._job_store_failed(failure)
        return failure is None

    def _submitted(self, job: Job, run_time: datetime) -> None:
        """In the scheduler thread, before the job store moves on: note the occurrence."""
        grace = job.misfire_grace_time
        late = (datetime.now(run_time.tzinfo) - run_time).total_seconds()
        if job.id == SUMMARY_ID or (grace is not None and late > grace):
            return  # too late: APScheduler reports it missed and does not run it
        self._due_at[job.id] = run_time
        kind = job.args[1] if len(job.args) > 1 else ""
        self.ledger.record_due(Occurrence(job.id, run_time, str(kind)))
        self._note("ledger", self.ledger.problem)

    def _redo_unheard(self) -> None:
        """Say again what a crash or shutdown kept from being heard, within its grace."""
        self.ledger.prune(self._clock())
        for occurrence in self.ledger.unfinished():
            if self._stopping.is_set():
                return
            snoozed = occurrence.id.startswith(SNOOZE_PREFIX)
            reminder = self._find(occurrence.id.removeprefix(SNOOZE_PREFIX))
            if reminder is None or not reminder.enabled:
                self.ledger.finish(occurrence, "gone")
                continue
            due = DueReminder(reminder.id, reminder.kind, reminder.text, reminder.reply_key,
                              self._clock(), snoozed, due=occurrence.due)
            late = (self._clock() - occurrence.due).total_seconds()
            if late > reminder.grace_seconds:
                self._finish(due, "missed")
                self._event("missed", due, reason="late")
                continue
            log.info("reminder %s due %s was not heard in full; saying it again", due.id,
                     occurrence.due)
            self._deliver(due)

    def stop(self) -> None:
        """Stop firing; a reminder waiting for speech to end is given up (recorded as missed)."""
        self._stopping.set()
        for thread in (self._poller, self._redo):
            if thread is not None:
                thread.join()
        self._poller = self._redo = None
        self._teardown()

    def _teardown(self) -> None:
        if self._scheduler is not None:
            if self._scheduler.running:
                # Shutting down while the scheduler thread is between running a one-shot job and
                # deleting it makes APScheduler raise JobLookupError in that thread. Pause first,
                # then wait for the job-store lock (get_jobs takes it) so a round in progress ends.
                self._scheduler.pause()
                self._scheduler.get_jobs()
                self._scheduler.shutdown(wait=True)
            self._scheduler = None
        jobs.unregister(self)
        self._lock.release()

    def __enter__(self) -> ReminderService:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._scheduler is not None

    def scheduled(self) -> dict[str, datetime | None]:
        """Job id -> next run time, as the job store holds them (empty when not running)."""
        scheduler = self._scheduler
        if scheduler is None:
            return {}
        return {job.id: job.next_run_time for job in scheduler.get_jobs()}

    def update_settings(self, settings: ReminderSettings) -> None:
        """New config (e.g. from the admin page): re-sync the jobs without a restart."""
        self.settings = settings
        self._zone = settings.zone()
        self.catalog = ReminderCatalog(settings, self.catalog.store)
        if self.running:
            self.sync()

    # -- keeping jobs in step with the definitions ------------------------------------------

    def sync(self) -> None:
        """Make the job store hold exactly one job per enabled reminder (plus snoozes, summary).

        Unchanged jobs are left alone so a run missed while the process was down keeps its due
        time and is handled by the misfire grace; changed ones are replaced under the same id.
        """
        scheduler = self._scheduler
        if scheduler is None:
            return
        with self._sync_lock:
            generation = self.catalog.store.generation()
            every = self.catalog.reminders()
            wanted = {r.id: r for r in every if r.enabled}
            if not self.settings.enabled:
                wanted = {}
            existing = {job.id: job for job in scheduler.get_jobs()}
            for job_id in existing:
                base = job_id.removeprefix(SNOOZE_PREFIX)
                if job_id != SUMMARY_ID and base not in wanted:
                    scheduler.remove_job(job_id)
            for reminder in wanted.values():
                self._ensure_job(scheduler, existing.get(reminder.id), reminder)
            self._sync_summary(scheduler, existing.get(SUMMARY_ID))
            self._known = {r.id: r for r in every}
            self._generation = generation
            try:
                self.catalog.store.set_applied(generation)
            except ReminderStoreError as exc:
                log.debug("could not note the applied generation: %s", exc)

    def _ensure_job(self, scheduler: BackgroundScheduler, job: Any, reminder: Reminder) -> None:
        trigger = reminder.trigger(self._zone)
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

    def _sync_summary(self, scheduler: BackgroundScheduler, job: Any) -> None:
        s = self.settings
        want = s.enabled and s.morning_summary and s.quiet_start != s.quiet_end
        if not want:
            if job is not None:
                scheduler.remove_job(SUMMARY_ID)
            return
        trigger = daily_trigger([s.quiet_end], (), self._zone)
        if job is not None and repr(job.trigger) == repr(trigger):
            return
        scheduler.add_job(
            jobs.fire_summary, trigger, id=SUMMARY_ID, name="morning summary",
            replace_existing=True, misfire_grace_time=SUMMARY_GRACE_SECONDS, coalesce=True,
            max_instances=1,
        )

    def _poll(self) -> None:
        while not self._stopping.wait(self._poll_seconds):
            try:
                if self.catalog.store.generation() != self._generation:
                    self.sync()
            except Exception:
                log.exception("could not re-sync reminders; will retry")

    # -- firing ---------------------------------------------------------------------------

    def _find(self, reminder_id: str) -> Reminder | None:
        return self._known.get(reminder_id)

    def _fire(self, reminder_id: str, kind: str, snoozed: bool) -> None:
        reminder = self._find(reminder_id)
        if reminder is None or not reminder.enabled:
            log.info("reminder %s is gone or switched off; not spoken", reminder_id)
            return
        job_id = SNOOZE_PREFIX + reminder_id if snoozed else reminder_id
        due = DueReminder(reminder.id, reminder.kind, reminder.text, reminder.reply_key,
                          self._clock(), snoozed, due=self._due_at.pop(job_id, None))
        self._deliver(due)

    def _fire_summary(self) -> None:
        try:
            held = self.catalog.store.take_suppressed()
        except ReminderStoreError as exc:
            log.warning("no morning summary: %s", exc)
            return
        if not held:
            return
        items = tuple(
            DueReminder(h.id, h.kind, h.text, f"reminder.{h.kind}.prompt", h.at) for h in held
        )
        self._deliver(DueReminder(SUMMARY_ID, "summary", "", "reminder.summary.prompt",
                                  self._clock(), items=items))

    def _deliver(self, due: DueReminder) -> None:
        """Speak `due` unless quiet hours hold it back; wait (bounded) while speech is busy."""
        if not self._claim(due) or self._hold_for_quiet(due):
            return
        with self._deliver_lock:
            deadline = _time.monotonic() + self.settings.max_wait_minutes * 60
            while self._busy():
                if self._stopping.wait(self._poll_seconds):
                    # Left open in the ledger: said after a restart within its grace.
                    log.info("reminder %s still waits for the flow to end; kept", due.id)
                    return
                if _time.monotonic() > deadline:
                    self._finish(due, "missed")
                    self._event("missed", due, reason="busy")
                    return
            if self._hold_for_quiet(due):
                return
            try:
                self._on_due(due)
            except Exception:
                log.exception("speaking reminder %s failed", due.id)
                return
            if due.kind != "summary":
                until = self._clock() + timedelta(seconds=self.settings.window_seconds)
                with self._window_lock:
                    self._window = _Window(due, until)
            if not self._confirm_heard:
                self.heard(due, True)

    def heard(self, due: DueReminder, completely: bool) -> None:
        """Playback of `due` ended: in full (recorded as spoken) or cut (said again on return)."""
        self._finish(due, "heard" if completely else "cut")
        if completely:
            self._event("spoken", due, snoozed=due.snoozed, count=len(due.items) or None)
        else:
            self._event("cut", due)

    def _finish(self, due: DueReminder, state: str) -> None:
        occurrence = due.occurrence
        if occurrence is not None:
            self.ledger.finish(occurrence, state)
            self._note("ledger", self.ledger.problem)

    def _claim(self, due: DueReminder) -> bool:
        """False when this occurrence is already being said or was already dealt with."""
        occurrence = due.occurrence
        if occurrence is None:
            return True
        key = (occurrence.id, occurrence.due)
        with self._window_lock:
            if key in self._claimed:
                return False
            self._claimed.add(key)
        state = self.ledger.state(occurrence)
        if state is not None and state not in ("due", "cut"):
            log.info("reminder %s due %s was already %s; not said again", due.id,
                     occurrence.due, state)
            return False
        return True

    def _hold_for_quiet(self, due: DueReminder) -> bool:
        now = self._clock()
        quiet = self.settings.in_quiet_hours(now.astimezone(self._zone).time())
        if due.kind == "summary" or not quiet:
            return False
        self._finish(due, "suppressed")
        self._event("suppressed", due)
        if self.settings.morning_summary:
            try:
                self.catalog.store.add_suppressed(Suppressed(due.id, due.kind, due.text, now))
            except ReminderStoreError as exc:
                log.warning("not kept for the morning summary: %s", exc)
        return True

    def _busy(self) -> bool:
        try:
            return bool(self._is_busy())
        except Exception:
            log.exception("is_busy failed; treating speech as idle")
            return False

    def _on_missed(self, event: JobExecutionEvent) -> None:
        reminder_id = event.job_id.removeprefix(SNOOZE_PREFIX)
        reminder = self._find(reminder_id)
        kind = reminder.kind if reminder else ("summary" if reminder_id == SUMMARY_ID else "")
        self.ledger.finish(Occurrence(event.job_id, event.scheduled_run_time, kind), "missed")
        self._emit("missed", {
            "id": reminder_id, "kind": kind, "reason": "late",
            "due": event.scheduled_run_time.astimezone(self._zone).isoformat(),
            "at": self._clock().isoformat(),
        })

    def _event(self, kind: str, due: DueReminder, **extra: Any) -> None:
        data = {"id": due.id, "kind": due.kind, "at": self._clock().isoformat()}
        data.update({k: v for k, v in extra.items() if v is not None})
        self._emit(kind, data)

    def _emit(self, kind: str, data: dict[str, Any]) -> None:
        try:
            self._on_event(kind, data)
        except Exception:
            log.exception("recording reminder event %s failed", kind)

    # -- the voice window after a reminder ----------------------------------------------------

    def window_open(self) -> bool:
        return self._current() is not None

    def _current(self) -> DueReminder | None:
        with self._window_lock:
            if self._window is None or self._clock() >= self._window.until:
                self._window = None
                return None
            return self._window.due

    def _close(self) -> DueReminder | None:
        with self._window_lock:
            due = self._window.due if self._window and self._clock() < self._window.until else None
            self._window = None
            return due

    def done(self) -> DueReminder | None:
        """"Finished it": record the last reminder as done; None if no reminder is open."""
        due = self._close()
        if due is not None:
            self._finish(due, "done")
            self._event("done", due)
        return due

    def dismiss(self) -> DueReminder | None:
        """"Stop": close the window without an answer."""
        due = self._close()
        if due is not None:
            self._finish(due, "dismissed")
            self._event("dismissed", due)
        return due

    def snooze(self, minutes: float | None = None) -> datetime | None:
        """"Later": say the last reminder once more after `minutes` (default from settings)."""
        if minutes is None:
            minutes = self.settings.snooze_minutes
        if not 0 < minutes <= 24 * 60:
            raise ValueError(f"snooze minutes {minutes!r}: must be more than 0 and at most 1440")
        scheduler = self._scheduler
        if scheduler is None:
            return None
        due = self._close()
        if due is None:
            return None
        self._finish(due, "snoozed")
        reminder = self._find(due.id)
        grace = reminder.grace_seconds if reminder else 1800
        when = self._clock() + timedelta(minutes=minutes)
        scheduler.add_job(
            jobs.fire_snoozed, DateTrigger(run_date=when, timezone=self._zone),
            args=(due.id, due.kind), id=SNOOZE_PREFIX + due.id, name=f"{due.kind} snoozed",
            replace_existing=True, misfire_grace_time=grace, coalesce=True, max_instances=1,
        )
        self._event("snoozed", due, minutes=minutes, until=when.isoformat())
        return when

    def list_today(self) -> list[UpcomingReminder]:
        """Reminders still to be spoken today, snoozed ones included, in time order.

        Ones falling in quiet hours are left out: they will not be spoken.
        """
        now = self._clock().astimezone(self._zone)
        midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(),
                                    tzinfo=self._zone)
        out = [
            UpcomingReminder(r.id, r.kind, r.text, r.reply_key, when)
            for when, r in self.catalog.upcoming(now, midnight)
        ] if self.settings.enabled else []
        scheduler = self._scheduler
        for job in scheduler.get_jobs() if scheduler else []:
            if job.id.startswith(SNOOZE_PREFIX) and job.next_run_time is not None:
                when = job.next_run_time.astimezone(self._zone)
                reminder = self._find(job.id.removeprefix(SNOOZE_PREFIX))
                if reminder is not None and now <= when < midnight:
                    out.append(UpcomingReminder(reminder.id, reminder.kind, reminder.text,
                                              reminder.reply_key, when, True))
        spoken = [u for u in out if not self.settings.in_quiet_hours(u.at.time())]
        return sorted(spoken, key=lambda u: u.at)


def default_store_path() -> Path:
    """The job store in the data directory; the definitions and lock file sit next to it."""
    return data_dir() / JOB_STORE_FILE
