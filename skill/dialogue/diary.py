"""The cramp diary: SQLite history.db in the data directory (events and episodes)."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

from cramp_common.paths import data_dir
from cramp_common.storage import advice
from skill.dialogue.timeutil import local_time, night_of

log = logging.getLogger(__name__)

FILENAME = "history.db"
EVENT_KINDS = ("heard", "intent", "spoken", "episode", "reminder")
FREQUENT_NIGHTS = 3
FREQUENT_WINDOW = 7
"""Episodes on 3 or more of the last 7 nights: frequent cramps, worth showing a doctor."""
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


@dataclass(frozen=True)
class Event:
    id: int
    ts: float
    kind: str
    """heard, intent, spoken, episode or reminder."""
    data: dict[str, Any]


@dataclass(frozen=True)
class Episode:
    id: int
    start: float
    end: float | None
    """None while the episode is still open."""
    muscle: str
    side: str
    steps: list[str]
    """Reply keys of the steps said during the episode, in order."""
    outcome: str
    """'passed', 'stopped', 'escalated', 'no_reply', 'unfinished', or '' while open."""


class Diary:
    """One connection, safe to share between the dialogue and the reminder thread.

    Storage never stops first aid: a diary that cannot be opened (damaged, read-only, no space)
    is replaced by an in-memory one, and a write that fails waits in a queue that is written
    with the next write that succeeds. `problem` says what is wrong, '' when nothing is.
    """

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else data_dir() / FILENAME
        self._lock = threading.RLock()
        self.problem = ""
        self.in_memory = False
        """True when the diary file could not be opened: this session is kept in memory only."""
        self._pending: list[_Write] = []
        self._batch: list[_Write] | None = None
        self._batch_failed = False
        self._db = self._open_read_only() if read_only else self._open()
        self._next_episode = 1

    def _open(self) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
            return db
        except (sqlite3.Error, OSError) as exc:
            self.in_memory = True
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
        elif self._pending:
            message += f"; {len(self._pending)} entries wait to be written"
        if message != self.problem:
            log.warning("%s", message)
        self.problem = message

    def close(self) -> None:
        with self._lock:
            self._flush()
            if self._pending:
                log.warning("%d diary entries could not be written: %s", len(self._pending),
                            self.problem)
            self._db.close()

    def __enter__(self) -> Diary:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group the writes of one turn into one transaction (one commit instead of many).

        If any write of the turn fails, the turn's writes wait in the queue instead: a failed
        turn never takes earlier turns (the rest of the episode) with it."""
        with self._lock:
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

    def _write(self, sql: str, params: tuple[Any, ...]) -> None:
        with self._lock:
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
                self.problem = ""

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                self._report(exc)
                return []

    @property
    def pending(self) -> int:
        """Entries waiting to be written."""
        return len(self._pending)

    # -- writing

    def log(self, kind: str, data: dict[str, Any], ts: float) -> None:
        """Record one event; `data` must be JSON-serialisable."""
        if kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {kind!r}; one of {', '.join(EVENT_KINDS)}")
        self._write(
            "INSERT INTO events (ts, kind, data) VALUES (?, ?, ?)",
            (ts, kind, json.dumps(data, ensure_ascii=False)),
        )

    def start_episode(self, start: float, muscle: str, side: str = "") -> int:
        """The new episode's id, chosen here so a write that has to wait can be replayed."""
        with self._lock:
            rows = self._read("SELECT MAX(id) FROM episodes")
            known = rows[0][0] if rows and rows[0][0] is not None else 0
            episode_id = self._next_episode = max(known + 1, self._next_episode)
            self._next_episode += 1
            self._write(
                "INSERT INTO episodes (id, start, muscle, side) VALUES (?, ?, ?, ?)",
                (episode_id, start, muscle, side),
            )
            return episode_id

    def update_episode(self, episode_id: int, steps: list[str], side: str = "") -> None:
        self._write(
            "UPDATE episodes SET steps = ?, side = CASE WHEN ? = '' THEN side ELSE ? END"
            " WHERE id = ?",
            (json.dumps(steps), side, side, episode_id),
        )

    def end_episode(self, episode_id: int, end: float, outcome: str, steps: list[str]) -> None:
        self._write(
            "UPDATE episodes SET end = ?, outcome = ?, steps = ? WHERE id = ?",
            (end, outcome, json.dumps(steps), episode_id),
        )

    # -- reading (also for the admin page)

    def recent_events(self, limit: int = 50, kind: str | None = None) -> list[Event]:
        """Newest first."""
        where, params = ("WHERE kind = ?", (kind,)) if kind else ("", ())
        rows = self._read(
            f"SELECT id, ts, kind, data FROM events {where} ORDER BY ts DESC, id DESC LIMIT ?",
            (*params, max(0, limit)),
        )
        return [Event(row[0], row[1], row[2], json.loads(row[3])) for row in rows]

    def recent_episodes(self, limit: int = 50) -> list[Episode]:
        """Newest first."""
        rows = self._read(
            "SELECT id, start, end, muscle, side, steps, outcome FROM episodes"
            " ORDER BY start DESC, id DESC LIMIT ?",
            (max(0, limit),),
        )
        return [_episode(row) for row in rows]

    def episodes_between(self, start: float, end: float) -> list[Episode]:
        """Episodes that started in [start, end), oldest first."""
        rows = self._read(
            "SELECT id, start, end, muscle, side, steps, outcome FROM episodes"
            " WHERE start >= ? AND start < ? ORDER BY start, id",
            (start, end),
        )
        return [_episode(row) for row in rows]

    def last_spoken(self, key: str) -> float | None:
        """When reply `key` was last spoken, if ever."""
        rows = self._read(
            "SELECT MAX(ts) FROM events WHERE kind = 'spoken'"
            " AND json_extract(data, '$.key') = ?",
            (key,),
        )
        return rows[0][0] if rows and rows[0][0] is not None else None

    def episodes_per_night(self, nights: int, now: float, zone: tzinfo) -> list[tuple[date, int]]:
        """(night, episode count) for the last `nights` nights up to this one, oldest first."""
        if nights <= 0:
            return []
        last = night_of(now, zone)
        return sorted(self.episode_counts(last - timedelta(days=nights - 1), last, zone).items())

    def episode_counts(self, first: date, last: date, zone: tzinfo) -> dict[date, int]:
        """Episodes per night for the nights first..last inclusive (0 where none)."""
        counts = {first + timedelta(days=i): 0 for i in range((last - first).days + 1)}
        since = datetime.combine(first, time(0), zone).timestamp()
        until = datetime.combine(last + timedelta(days=2), time(0), zone).timestamp()
        for episode in self.episodes_between(since, until):
            night = night_of(episode.start, zone)
            if night in counts:
                counts[night] += 1
        return counts

    def frequent_cramps(self, now: float, zone: tzinfo) -> bool:
        """Episodes on FREQUENT_NIGHTS or more of the last FREQUENT_WINDOW nights."""
        return self.nights_with_episodes(FREQUENT_WINDOW, now, zone) >= FREQUENT_NIGHTS

    def nights_with_episodes(self, nights: int, now: float, zone: tzinfo) -> int:
        return sum(1 for _, count in self.episodes_per_night(nights, now, zone) if count)

    def episode_csv_rows(self, zone: tzinfo, limit: int = 10_000) -> Iterator[list[str]]:
        """Header, then one row per episode, oldest first; local ISO times."""
        yield ["start", "end", "muscle", "side", "steps", "outcome"]
        for episode in reversed(self.recent_episodes(limit)):
            yield [
                local_time(episode.start, zone).isoformat(timespec="seconds"),
                local_time(episode.end, zone).isoformat(timespec="seconds") if episode.end else "",
                episode.muscle,
                episode.side,
                " ".join(episode.steps),
                episode.outcome,
            ]

    def event_csv_rows(self, zone: tzinfo, limit: int = 10_000) -> Iterator[list[str]]:
        """Header, then one row per event, oldest first; data as JSON."""
        yield ["time", "kind", "data"]
        for event in reversed(self.recent_events(limit)):
            yield [
                local_time(event.ts, zone).isoformat(timespec="seconds"),
                event.kind,
                json.dumps(event.data, ensure_ascii=False),
            ]


def _episode(row: tuple[Any, ...]) -> Episode:
    return Episode(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]), row[6])
