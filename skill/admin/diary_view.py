"""The diary as the admin page shows it: recent events, episodes per night, CSV, doctor note."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from intents.language import load_pack
from skill.config import Config
from skill.dialogue import keys
from skill.dialogue.diary import Diary, Event, episode_csv_rows
from skill.dialogue.timeutil import local_time, local_zone, night_of


@dataclass(frozen=True)
class EventRow:
    at: datetime
    kind: str
    detail: str


@contextmanager
def _diary() -> Iterator[Diary]:
    diary = Diary(read_only=True)
    try:
        yield diary
    finally:
        diary.close()


def today(config: Config) -> date:
    """The night that is current now (a cramp at 3 a.m. belongs to the evening before)."""
    return night_of(time.time(), local_zone(config.reminders.timezone))


def recent_events(config: Config, limit: int = 10) -> list[EventRow]:
    zone = local_zone(config.reminders.timezone)
    with _diary() as diary:
        events = diary.recent_events(limit)
    return [EventRow(local_time(e.ts, zone), e.kind, _detail(e)) for e in events]


def _detail(event: Event) -> str:
    data = event.data
    if event.kind == "heard":
        return str(data.get("text", ""))
    if event.kind == "intent":
        return str(data.get("intent") or "not understood")
    if event.kind == "spoken":
        return str(data.get("text") or data.get("key", ""))
    return json.dumps(data, ensure_ascii=False)


def episodes_per_night(config: Config, first: date, last: date) -> dict[date, int]:
    with _diary() as diary:
        return diary.episode_counts(first, last, local_zone(config.reminders.timezone))


def doctor_note(config: Config) -> str | None:
    """The language pack's "frequent cramps, see a doctor" advice when the diary says it applies."""
    with _diary() as diary:
        frequent = diary.frequent_cramps(time.time(), local_zone(config.reminders.timezone))
    return load_pack(config.general.language).reply(keys.FREQUENT_CRAMPS) if frequent else None


def csv_rows(config: Config) -> list[list[str]]:
    """Header then one row per episode, oldest first, in local time."""
    with _diary() as diary:
        return list(episode_csv_rows(diary, local_zone(config.reminders.timezone)))
