"""The APScheduler engine: a background scheduler on a job store that survives storage faults."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from pathlib import Path

from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from cramp_common.storage import advice
from scheduler.problems import Problems
from scheduler.safestore import FallbackJobStore, NotifyingExecutor, set_aside_if_corrupt


def open_scheduler(store_path: Path, zone: tzinfo, *,
                   on_submit: Callable[[Job, datetime], None],
                   on_missed: Callable[[JobExecutionEvent], None],
                   problems: Problems) -> BackgroundScheduler:
    """A started but paused scheduler on the SQLite job store at `store_path`.

    A damaged store is moved aside first; one that cannot be moved (or fails later) leaves the
    schedule in memory, noted in `problems` as "jobs". `on_submit` sees each run before the job
    store moves the job on; `on_missed` each run APScheduler gave up as too late.
    """

    def failed(exc: BaseException) -> None:
        problems.note("jobs", advice(exc, store_path, "reminder schedule",
                                     "it was left as it is") +
                      "; the schedule is kept in memory until the next start")

    store = FallbackJobStore(SQLAlchemyJobStore(url=f"sqlite:///{store_path}"), failed)
    failure = set_aside_if_corrupt(store_path)
    if failure is not None:
        failed(failure)
        store.failed = True
    scheduler = BackgroundScheduler(
        jobstores={"default": store},
        executors={"default": NotifyingExecutor(on_submit, max_workers=8)},
        job_defaults={"coalesce": True, "max_instances": 1},
        timezone=zone,
    )
    scheduler.add_listener(on_missed, EVENT_JOB_MISSED)
    scheduler.start(paused=True)
    return scheduler


def shut_down(scheduler: BackgroundScheduler) -> None:
    """Stop `scheduler` and wait for a job-store round in progress to end."""
    if not scheduler.running:
        return
    # Shutting down while the scheduler thread is between running a one-shot job and deleting
    # it makes APScheduler raise JobLookupError in that thread. Pause first, then wait for the
    # job-store lock (get_jobs takes it) so a round in progress ends.
    scheduler.pause()
    scheduler.get_jobs()
    scheduler.shutdown(wait=True)
