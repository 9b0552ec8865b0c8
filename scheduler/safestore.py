"""A job store that survives storage errors, and an executor that tells us what came due.

APScheduler writes the job store from its own thread; one failed write (disk full, directory
made read-only) escapes that thread and ends all scheduling for the process. Here the first
failure moves the schedule into memory and the thread keeps going.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.job import Job
from apscheduler.jobstores.base import BaseJobStore, ConflictingIdError, JobLookupError
from apscheduler.jobstores.memory import MemoryJobStore

from cramp_common.storage import is_locked

log = logging.getLogger(__name__)


class FallbackJobStore(BaseJobStore):  # type: ignore[misc]
    """Delegates to `primary` until it fails once, then to an in-memory copy of its jobs."""

    def __init__(self, primary: BaseJobStore, on_problem: Callable[[BaseException], None]) -> None:
        super().__init__()
        self._primary = primary
        self._memory = MemoryJobStore()
        self._on_problem = on_problem
        self.failed = False

    def start(self, scheduler: Any, alias: str) -> None:
        super().start(scheduler, alias)
        self._memory.start(scheduler, alias)
        if self.failed:
            return
        try:
            self._primary.start(scheduler, alias)
        except Exception as exc:
            self._fail(exc, copy=False)

    def shutdown(self) -> None:
        for store in (self._primary, self._memory):
            try:
                store.shutdown()
            except Exception:
                log.debug("job store shutdown failed", exc_info=True)

    def _fail(self, exc: BaseException, copy: bool = True) -> None:
        jobs: list[Job] = []
        if copy:
            try:
                jobs = self._primary.get_all_jobs()
            except Exception:
                log.warning("could not read the job store to carry its jobs over", exc_info=True)
        for job in jobs:
            with contextlib.suppress(ConflictingIdError):
                self._memory.add_job(job)
        self.failed = True
        try:
            self._on_problem(exc)
        except Exception:
            log.exception("reporting the job store problem failed")

    def _call(self, name: str, *args: Any) -> Any:
        if not self.failed:
            try:
                return getattr(self._primary, name)(*args)
            except (JobLookupError, ConflictingIdError):
                raise
            except Exception as exc:
                self._fail(exc)
        return getattr(self._memory, name)(*args)

    def lookup_job(self, job_id: str) -> Job | None:
        return self._call("lookup_job", job_id)

    def get_due_jobs(self, now: datetime) -> list[Job]:
        return self._call("get_due_jobs", now)  # type: ignore[no-any-return]

    def get_next_run_time(self) -> datetime | None:
        return self._call("get_next_run_time")

    def get_all_jobs(self) -> list[Job]:
        return self._call("get_all_jobs")  # type: ignore[no-any-return]

    def add_job(self, job: Job) -> None:
        self._call("add_job", job)

    def update_job(self, job: Job) -> None:
        self._call("update_job", job)

    def remove_job(self, job_id: str) -> None:
        self._call("remove_job", job_id)

    def remove_all_jobs(self) -> None:
        self._call("remove_all_jobs")


class NotifyingExecutor(ThreadPoolExecutor):  # type: ignore[misc]
    """Calls `on_submit(job, run_time)` in the scheduler thread before the job store moves the
    job on, so the occurrence can be recorded before a crash could lose it."""

    def __init__(self, on_submit: Callable[[Job, datetime], None], max_workers: int = 8) -> None:
        super().__init__(max_workers=max_workers)
        self._on_submit = on_submit

    def submit_job(self, job: Job, run_times: list[datetime]) -> None:
        try:
            self._on_submit(job, run_times[-1])
        except Exception:
            log.exception("recording the due reminder %s failed", job.id)
        super().submit_job(job, run_times)


def set_aside_if_corrupt(path: Path) -> Exception | None:
    """A job store that is not a database is moved aside (never deleted) to be rebuilt; returns
    the error when it cannot be moved (read-only directory) or is locked by another process,
    the file then left as it is.

    The job store only mirrors the reminder definitions, so rebuilding it loses nothing but
    pending snoozes; the damaged file stays next to it for inspection.
    """
    if not path.exists():
        return None
    try:
        # quick_check, not only the header: a store with damaged pages would otherwise fail
        # its first query on every start and keep the schedule in memory for good
        with closing(sqlite3.connect(path)) as conn:
            verdict = str(conn.execute("PRAGMA quick_check").fetchone()[0])
        if verdict == "ok":
            return None
        damage = sqlite3.DatabaseError(verdict)
    except sqlite3.DatabaseError as exc:
        if is_locked(exc):  # in use by another process, not damaged: never moved aside
            return exc
        damage = exc
    moved = path.with_name(f"{path.name}.corrupt-{datetime.now():%Y%m%d-%H%M%S}")
    try:
        path.rename(moved)
    except OSError as exc:
        return exc
    log.warning("%s is not a usable job store (%s); moved it to %s and rebuilt the schedule "
                "from the reminder list", path, damage, moved)
    return None
