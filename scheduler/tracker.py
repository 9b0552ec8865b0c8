"""DeliveryTracker: at-least-once bookkeeping between the job store, the ledger and delivery."""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from pathlib import Path

from apscheduler.job import Job

from scheduler.due import SUMMARY_ID, DueReminder
from scheduler.ledger import DeliveryLedger, Occurrence
from scheduler.problems import Problems

log = logging.getLogger(__name__)


class DeliveryTracker:
    """Owns the delivery ledger, the occurrences claimed in this process and the run times
    APScheduler just submitted, so each occurrence is said once and none is lost in a crash."""

    def __init__(self, path: Path, problems: Problems, *, deferred: bool = False) -> None:
        self.ledger = DeliveryLedger(path, deferred=deferred)
        self._problems = problems
        self._noted()
        self._lock = threading.Lock()
        self._claimed: set[tuple[str, datetime]] = set()
        self._due_at: dict[str, datetime] = {}
        """Job id -> the run time APScheduler just submitted it for."""

    def submitted(self, job: Job, run_time: datetime) -> None:
        """In the scheduler thread, before the job store moves on: note the occurrence."""
        grace = job.misfire_grace_time
        late = (datetime.now(run_time.tzinfo) - run_time).total_seconds()
        if job.id == SUMMARY_ID or (grace is not None and late > grace):
            return  # too late: APScheduler reports it missed and does not run it
        with self._lock:
            self._due_at[job.id] = run_time
        kind = job.args[1] if len(job.args) > 1 else ""
        self.ledger.record_due(Occurrence(job.id, run_time, str(kind)))
        self._noted()

    def take_due(self, job_id: str) -> datetime | None:
        """The run time the job `job_id` was submitted for (once), None if not seen."""
        with self._lock:
            return self._due_at.pop(job_id, None)

    def claim(self, due: DueReminder) -> bool:
        """False when this occurrence is already being said or was already dealt with."""
        occurrence = due.occurrence
        if occurrence is None:
            return True
        key = (occurrence.id, occurrence.due)
        with self._lock:
            if key in self._claimed:
                return False
            self._claimed.add(key)
        state = self.ledger.state(occurrence)
        self._noted()
        if state is not None and state not in ("due", "cut"):
            log.info("reminder %s due %s was already %s; not said again", due.id,
                     occurrence.due, state)
            return False
        return True

    def finish(self, due: DueReminder, state: str) -> None:
        """Record how the occurrence of `due` ended (heard, cut, missed, done, ...)."""
        occurrence = due.occurrence
        if occurrence is not None:
            self.finish_occurrence(occurrence, state)

    def finish_occurrence(self, occurrence: Occurrence, state: str) -> None:
        self.ledger.finish(occurrence, state)
        self._noted()

    def unfinished(self, now: datetime) -> list[Occurrence]:
        """Occurrences not heard in full nor answered (older than the ledger keeps: dropped)."""
        self.ledger.prune(now)
        found = self.ledger.unfinished()
        self._noted()
        return found

    def _noted(self) -> None:
        """Pass the ledger's problem on (logged once there, shown on the status page)."""
        self._problems.note("ledger", self.ledger.problem)
