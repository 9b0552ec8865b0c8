"""ReminderService: the reminders' life cycle and the one face the skill sees; parts do the work."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler

from scheduler import jobs
from scheduler.definitions import (
    DEFINITIONS_FILE,
    DefinitionStore,
    open_for_service,
    open_when_free,
)
from scheduler.delivery import Delivery, OnDue, SkillSide
from scheduler.due import DueReminder
from scheduler.engine import open_scheduler, shut_down
from scheduler.events import OnEvent, ReminderEvents
from scheduler.in_effect import InEffect
from scheduler.jobsync import JobSync
from scheduler.ledger import LEDGER_FILE
from scheduler.lock import LOCK_FILE, ServiceLock
from scheduler.problems import Problems
from scheduler.settings import ReminderSettings
from scheduler.today import list_today
from scheduler.tracker import DeliveryTracker
from scheduler.window import ReminderWindow

log = logging.getLogger(__name__)

__all__ = ["JOB_STORE_FILE", "DueReminder", "OnDue", "OnEvent", "ReminderService"]

JOB_STORE_FILE = "reminder-jobs.sqlite"
"""The job store in the data directory; the definitions, ledger and lock file sit next to it."""


class ReminderService:
    """Schedules the reminders in effect and hands each due one to `on_due` at a good moment.

    `clock` is the service's idea of now for quiet hours, the voice window and snooze times
    (tests); APScheduler itself always runs on real time.

    With `confirm_heard`, a reminder counts as spoken only when the skill calls heard() after
    playback; one never heard in full (crash, shutdown) is said again on return within grace.
    Storage problems never stop the service: `problems` says what is wrong.

    With `defer_storage` nothing touches the files until start() (which the running assistant
    calls off the listening path), and start() waits while the reminder list is locked by
    another program, saying so in `problems`, instead of going on without the user's reminders.

    Owners: JobSync the job store's contents, Delivery the handing over, DeliveryTracker the
    ledger, ReminderWindow the answer to the last reminder; this class the threads and `apply`.
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
        defer_storage: bool = False,
    ) -> None:
        self.store_path = Path(store_path)
        self._problems = Problems()
        self._definitions_path = definitions_path or self.store_path.with_name(DEFINITIONS_FILE)
        self._deferred = defer_storage
        if defer_storage:  # until start(): config.toml's reminders only, no file touched
            definitions = DefinitionStore.in_memory(self._definitions_path)
        else:
            definitions, problem = open_for_service(self._definitions_path)
            self._problems.note("definitions", problem)
        self._in_effect = InEffect.of(settings, definitions)
        self._clock = clock or (lambda: datetime.now(self._in_effect.zone))
        self._poll_seconds = poll_seconds
        self._stopping = threading.Event()
        self._lock = ServiceLock(self.store_path.with_name(LOCK_FILE))
        self._scheduler: BackgroundScheduler | None = None
        self._poller: threading.Thread | None = None
        self._redo: threading.Thread | None = None
        self._jobs = JobSync(lambda: self._in_effect)
        self._tracker = DeliveryTracker(self.store_path.with_name(LEDGER_FILE), self._problems,
                                        deferred=defer_storage)
        events = ReminderEvents(on_event, self._clock)
        self._window = ReminderWindow(self._clock, self._tracker, events)
        self._delivery = Delivery(
            lambda: self._in_effect, self._jobs.find,
            SkillSide(on_due, is_busy, confirm_heard), tracker=self._tracker,
            events=events, window=self._window, clock=self._clock, stopping=self._stopping,
            poll_seconds=poll_seconds,
        )

    # -- life cycle ---------------------------------------------------------------------------

    def start(self, giving_up: threading.Event | None = None) -> bool:
        """Take the service lock, open the job store, sync jobs from the definitions, run.
        False (not started) when `giving_up` was set while a deferred start waited for a
        reminder list that another program holds locked."""
        if self._deferred:
            definitions = open_when_free(self._definitions_path, giving_up or threading.Event(),
                                         partial(self._problems.note, "definitions"))
            if definitions is None:
                return False
            self._in_effect = InEffect.of(self._in_effect.settings, definitions)
            self._deferred = False
        self._lock.acquire()
        try:
            jobs.register(self._delivery)
            self._stopping.clear()
            self._scheduler = open_scheduler(
                self.store_path, self._in_effect.zone, on_submit=self._tracker.submitted,
                on_missed=self._delivery.missed, problems=self._problems,
            )
            self.sync()
            self._scheduler.resume()
        except BaseException:
            self._teardown()
            raise
        self._poller = threading.Thread(target=self._poll, name="reminder-sync", daemon=True)
        self._poller.start()
        self._redo = threading.Thread(target=self._delivery.redo_unheard, name="reminder-redo",
                                      daemon=True)
        self._redo.start()
        return True

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
            shut_down(self._scheduler)
            self._scheduler = None
        jobs.unregister(self._delivery)
        self._lock.release()

    def __enter__(self) -> ReminderService:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._scheduler is not None

    @property
    def problems(self) -> list[str]:
        """One line per storage problem the service is working around (empty: none)."""
        return self._problems.lines()

    @property
    def settings(self) -> ReminderSettings:
        return self._in_effect.settings

    @property
    def saved_list_missing(self) -> bool:
        """The user's saved reminders are not in effect (their file is still locked at start,
        or could not be read): today's list holds only config.toml's, which must be said."""
        return self.settings.enabled and (self._deferred or self._in_effect.store.stand_in)

    def scheduled(self) -> dict[str, datetime | None]:
        """Job id -> next run time, as the job store holds them (empty when not running)."""
        scheduler = self._scheduler
        if scheduler is None:
            return {}
        return {job.id: job.next_run_time for job in scheduler.get_jobs()}

    # -- keeping jobs in step with config and definitions ---------------------------------------

    def apply(self, settings: ReminderSettings) -> None:
        """New config (e.g. from the admin page): re-sync the jobs without a restart."""
        self._in_effect = InEffect.of(settings, self._in_effect.store)
        if self.running:
            self.sync()

    def sync(self) -> None:
        """Make the job store match the definitions now (JobSync.sync); no-op when stopped."""
        scheduler = self._scheduler
        if scheduler is not None:
            self._jobs.sync(scheduler)

    def _poll(self) -> None:
        while not self._stopping.wait(self._poll_seconds):
            try:
                if self._jobs.changed():
                    self.sync()
            except Exception:
                log.exception("could not re-sync reminders; will retry")

    # -- what the skill calls -------------------------------------------------------------------

    def heard(self, due: DueReminder, completely: bool) -> None:
        """Playback of `due` ended: in full (recorded as spoken) or cut (said again on return)."""
        self._delivery.heard(due, completely)

    def window_open(self) -> bool:
        """Whether a reminder was just spoken and can still be answered."""
        return self._window.is_open()

    def done(self) -> DueReminder | None:
        """"Finished it": record the last reminder as done; None if no reminder is open."""
        return self._window.done()

    def dismiss(self) -> DueReminder | None:
        """"Stop": close the window without an answer."""
        return self._window.dismiss()

    def snooze(self, minutes: float | None = None) -> datetime | None:
        """"Later": say the last reminder once more after `minutes` (default from settings)."""
        scheduler = self._scheduler
        return self._window.snooze(
            self.settings.snooze_minutes if minutes is None else minutes,
            None if scheduler is None else partial(self._jobs.add_snooze, scheduler),
        )

    def list_today(self) -> list[DueReminder]:
        """Reminders still to be spoken today, snoozed ones included, in time order; ones in
        quiet hours are left out."""
        scheduler = self._scheduler
        snoozes = self._jobs.snoozed(scheduler) if scheduler is not None else []
        return list_today(self._in_effect, self._clock(), snoozes)
