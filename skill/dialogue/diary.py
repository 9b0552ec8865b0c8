"""The cramp diary: SQLite history.db in the data directory (events and episodes)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

from cramp_common.paths import data_dir
from skill.dialogue.diary_db import DiaryConnection
from skill.dialogue.timeutil import local_time, night_of

FILENAME = "history.db"
"""The diary's file keeps its first name, so the diaries users already have are found."""
EVENT_KINDS = ("heard", "intent", "spoken", "episode", "reminder")
FREQUENT_NIGHTS = 3
FREQUENT_WINDOW = 7
"""Episodes on 3 or more of the last 7 nights: frequent cramps, worth showing a doctor."""


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
    """The diary's reading and writing; storage problems never raise (see DiaryConnection)."""

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else data_dir() / FILENAME
        self._conn = DiaryConnection(self.path, read_only=read_only)
        self._write = self._conn.write
        self._read = self._conn.read
        self.batch = self._conn.batch
        self._next_episode = 1

    @property
    def problem(self) -> str:
        """What is wrong with the diary file, with advice; '' when nothing is."""
        return self._conn.problem

    @property
    def in_memory(self) -> bool:
        """The file could not be opened: this session is kept in memory only."""
        return self._conn.in_memory

    @property
    def pending(self) -> int:
        """Entries waiting to be written."""
        return self._conn.pending

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Diary:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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
        with self._conn.lock:
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


def _episode(row: tuple[Any, ...]) -> Episode:
    return Episode(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]), row[6])


def episode_csv_rows(diary: Diary, zone: tzinfo, limit: int = 10_000) -> Iterator[list[str]]:
    """Header, then one row per episode, oldest first; local ISO times."""
    yield ["start", "end", "muscle", "side", "steps", "outcome"]
    for episode in reversed(diary.recent_episodes(limit)):
        yield [
            local_time(episode.start, zone).isoformat(timespec="seconds"),
            local_time(episode.end, zone).isoformat(timespec="seconds") if episode.end else "",
            episode.muscle,
            episode.side,
            " ".join(episode.steps),
            episode.outcome,
        ]


def event_csv_rows(diary: Diary, zone: tzinfo, limit: int = 10_000) -> Iterator[list[str]]:
    """Header, then one row per event, oldest first; data as JSON."""
    yield ["time", "kind", "data"]
    for event in reversed(diary.recent_events(limit)):
        yield [
            local_time(event.ts, zone).isoformat(timespec="seconds"),
            event.kind,
            json.dumps(event.data, ensure_ascii=False),
        ]
