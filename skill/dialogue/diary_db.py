"""The diary's SQLite connection: never raises, falls back to memory, queues failed writes."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cramp_common.storage import advice, kind_of
from skill.dialogue.diary_spill import dump, merge_waiting, spill

log = logging.getLogger(__name__)

_DAMAGED_ADVICE = ("it was left as it is; move it aside (e.g. to {path}.damaged) to start a new "
                   "diary, or restore it from a backup")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    ts REAL NOT NULL,
    kind TEXT NOT NULL,
    data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS events_ts ON events (ts);
CREATE INDEX IF NOT EXISTS events_spoken_key
    ON events (json_extract(data, '$.key'), ts) WHERE kind = 'spoken';
CREATE TABLE IF NOT EXISTS episodes (
    id INTEGER PRIMARY KEY,
    start REAL NOT NULL,
    end REAL,
    muscle TEXT NOT NULL DEFAULT '',
    side TEXT NOT NULL DEFAULT '',
    steps TEXT NOT NULL DEFAULT '[]',
    outcome TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS episodes_start ON episodes (start);
"""


@dataclass(frozen=True)
class _Write:
    sql: str
    params: tuple[Any, ...]


class DiaryConnection:
    """One SQLite connection that never raises: safe to share between the dialogue and the
    reminder thread.

    A diary that cannot be opened (damaged, read-only, no space) is replaced by an in-memory one,
    and a write that fails waits in a queue that is written with the next write that succeeds.
    `problem` says what is wrong, '' when nothing is.
    """

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.lock = threading.RLock()
        self.problem = ""
        self._logged = ""
        """The fault last said in the log (the problem without its count of waiting entries)."""
        self.in_memory = False
        """True when the diary file could not be opened: this session is kept in memory only."""
        self._keep_at_exit = False
        """The in-memory session stands in for a file that was only locked or on a full disk:
        at exit it is kept like unwritten entries (diary_spill), not dropped."""
        self._pending: list[_Write] = []
        self._batch: list[_Write] | None = None
        self._batch_failed = False
        self._db = self._open_read_only() if read_only else self._open()

    def _open(self) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
            merge_waiting(db, self.path)
            return db
        except (sqlite3.Error, OSError) as exc:
            self.in_memory = True
            self._keep_at_exit = kind_of(exc, self.path) in ("locked", "full")
            self._report(exc)
            return self._memory()

    def _open_read_only(self) -> sqlite3.Connection:
        """For commands that only read: works on a read-only directory (immutable as a last try,
        because a WAL database needs its -shm file, which a read-only mount cannot create)."""
        if not self.path.exists():
            return self._memory()
        error: Exception | None = None
        for query in ("mode=ro", "mode=ro&immutable=1"):
            try:
                db = sqlite3.connect(f"{self.path.absolute().as_uri()}?{query}", uri=True,
                                     check_same_thread=False, isolation_level=None)
                db.execute("SELECT COUNT(*) FROM episodes").fetchone()
                return db
            except sqlite3.Error as exc:
                error = exc
        assert error is not None
        self.in_memory = True
        self._report(error)
        return self._memory()

    @staticmethod
    def _memory() -> sqlite3.Connection:
        db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        db.executescript(_SCHEMA)
        return db

    def _report(self, exc: BaseException) -> None:
        message = advice(exc, self.path, "cramp diary", _DAMAGED_ADVICE.format(path=self.path))
        if self.in_memory:
            message += "; this session is kept in memory only"
        if message != self._logged:  # once per fault, not again for every entry that waits
            self._logged = message
            log.warning("%s", message)
        if self._pending and not self.in_memory:
            message += f"; {len(self._pending)} entries wait to be written"
        self.problem = message

    def close(self) -> None:
        with self.lock:
            self._flush()
            waiting = [(w.sql, w.params) for w in self._pending]
            if self._keep_at_exit:
                waiting = dump(self._db)
            if waiting:
                self._keep(waiting)
            self._db.close()

    def _keep(self, waiting: list[tuple[str, tuple[Any, ...]]]) -> None:
        """Entries the file did not take by exit go to a spill file, merged at next start."""
        kept = spill(self.path, waiting)
        if kept is None:
            log.error("%d diary entries could not be written, nor kept anywhere else: %s",
                      len(waiting), self.problem)
            return
        self._pending.clear()
        log.warning("%d diary entries could not be written (%s); they are kept in %s and "
                    "written to the diary at the next start", len(waiting), self.problem, kept)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group the writes of one turn into one transaction (one commit instead of many).

        If any write of the turn fails, the turn's writes wait in the queue instead: a failed
        turn never takes earlier turns (the rest of the episode) with it."""
        with self.lock:
            if self._batch is not None or self._pending:
                yield
                return
            self._batch, self._batch_failed = [], False
            try:
                self._db.execute("BEGIN")
            except sqlite3.Error as exc:
                self._batch_failed = True
                self._report(exc)
            try:
                yield
            finally:
                writes, self._batch = self._batch, None
                if self._batch_failed:
                    self._flush()
                else:
                    try:
                        self._db.execute("COMMIT")
                    except sqlite3.Error as exc:
                        self._rollback()
                        self._pending.extend(writes)
                        self._report(exc)

    def _rollback(self) -> None:
        try:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
        except sqlite3.Error:
            log.debug("rollback failed", exc_info=True)

    def write(self, sql: str, params: tuple[Any, ...]) -> None:
        with self.lock:
            write = _Write(sql, params)
            if self._batch is not None and self._batch_failed:
                self._pending.append(write)
                return
            if self._batch is None and self._pending:
                self._pending.append(write)
                self._flush()
                return
            try:
                self._db.execute(sql, params)
            except sqlite3.Error as exc:
                if self._batch is not None:
                    self._rollback()
                    self._batch_failed = True
                    self._pending.extend(self._batch)
                self._pending.append(write)
                self._report(exc)
                return
            if self._batch is not None:
                self._batch.append(write)

    def _flush(self) -> None:
        """Write what waits, in order; stop at the first failure (the rest keeps waiting)."""
        while self._pending:
            write = self._pending[0]
            try:
                self._db.execute(write.sql, write.params)
            except sqlite3.IntegrityError as exc:
                log.warning("diary entry dropped (%s): %s", exc, write.sql)
            except sqlite3.Error as exc:
                self._report(exc)
                return
            self._pending.pop(0)
            if not self._pending:
                log.info("the cramp diary is written again")
                self.problem = self._logged = ""

    def read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self.lock:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                self._report(exc)
                return []

    @property
    def pending(self) -> int:
        """Entries waiting to be written."""
        return len(self._pending)
