"""The delivery ledger: each reminder occurrence and whether it was heard, across crashes.

APScheduler moves a job to its next run before the job has even started, so a crash between the
two loses the reminder. The ledger records the occurrence first (from the executor, before the job
store moves on) and marks it heard only when playback has ended; what is neither heard nor
answered is said again on return within its grace.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cramp_common.storage import advice

LEDGER_FILE = "reminder-deliveries.sqlite"
KEEP_DAYS = 3
OPEN_STATES = ("due", "cut")
"""Not yet heard in full: said again on return within the reminder's grace."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    id TEXT NOT NULL,
    due TEXT NOT NULL,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    PRIMARY KEY (id, due)
);
"""


@dataclass(frozen=True)
class Occurrence:
    """One reminder due at one moment: `id` has the snooze: prefix for a snoozed one."""

    id: str
    due: datetime
    kind: str
    state: str = "due"


class DeliveryLedger:
    """A small SQLite file beside the job store; in memory (with `problem` set) if it fails."""

    def __init__(self, path: Path, *, deferred: bool = False) -> None:
        self.path = Path(path)
        self.problem = ""
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        if not deferred:  # deferred: opened on first use, off the assistant's start-up path
            self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        try:
            return self._connect(str(self.path))
        except sqlite3.Error as exc:
            self._report(exc)
            return self._connect(":memory:")

    @staticmethod
    def _connect(target: str) -> sqlite3.Connection:
        db = sqlite3.connect(target, check_same_thread=False, isolation_level=None, timeout=10)
        # WAL without fsync per commit: durable across a crash of the process (what the ledger is
        # for), and "heard" is on record within a fraction of a millisecond of playback ending.
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(_SCHEMA)
        return db

    def _report(self, exc: BaseException) -> None:
        message = advice(exc, self.path, "reminder delivery record",
                         "it was left as it is; move it aside to start a new record") + (
            "; reminders cut by a crash may not be said again")
        self.problem = message  # said in the log (once) and shown by the tracker's Problems

    def _execute(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        """Run one statement; on a storage error go on in memory with what could be read."""
        with self._lock:
            db = self._db = self._db or self._open()
            try:
                return db.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                self._report(exc)
                self._db = self._to_memory(db)
                return self._db.execute(sql, params).fetchall()

    def _to_memory(self, db: sqlite3.Connection) -> sqlite3.Connection:
        try:
            rows = db.execute("SELECT id, due, kind, state FROM deliveries").fetchall()
        except sqlite3.Error:
            rows = []
        memory = self._connect(":memory:")
        memory.executemany("INSERT OR REPLACE INTO deliveries VALUES (?, ?, ?, ?)", rows)
        db.close()
        return memory

    def record_due(self, occurrence: Occurrence) -> None:
        """The occurrence has come due (kept as it is if already recorded)."""
        self._execute(
            "INSERT OR IGNORE INTO deliveries (id, due, kind, state) VALUES (?, ?, ?, 'due')",
            (occurrence.id, _key(occurrence.due), occurrence.kind),
        )

    def state(self, occurrence: Occurrence) -> str | None:
        rows = self._execute("SELECT state FROM deliveries WHERE id = ? AND due = ?",
                             (occurrence.id, _key(occurrence.due)))
        return str(rows[0][0]) if rows else None

    def finish(self, occurrence: Occurrence, state: str) -> None:
        """Record the outcome; an occurrence already heard or answered keeps its outcome."""
        self._execute(
            "INSERT INTO deliveries (id, due, kind, state) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (id, due) DO UPDATE SET state = excluded.state"
            " WHERE deliveries.state IN ('due', 'cut')",
            (occurrence.id, _key(occurrence.due), occurrence.kind, state),
        )

    def unfinished(self) -> list[Occurrence]:
        """Occurrences not yet heard in full nor answered, oldest first."""
        marks = ", ".join("?" for _ in OPEN_STATES)
        rows = self._execute(
            f"SELECT id, due, kind, state FROM deliveries WHERE state IN ({marks}) ORDER BY due",
            OPEN_STATES,
        )
        return [Occurrence(str(i), datetime.fromisoformat(str(d)), str(k), str(s))
                for i, d, k, s in rows]

    def prune(self, now: datetime) -> None:
        self._execute("DELETE FROM deliveries WHERE due < ?",
                      (_key(now - timedelta(days=KEEP_DAYS)),))

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()


def _key(moment: datetime) -> str:
    """UTC ISO text, so one occurrence has one key whatever zone it was computed in."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")
