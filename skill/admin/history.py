"""Adapter to the diary (skill/dialogue/diary.py): recent events, episodes per night, CSV rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class EventRow:
    at: datetime
    kind: str
    detail: str


def today() -> date:
    return date.today()


def recent_events(limit: int = 10) -> list[EventRow]:
    return []


def episodes_per_night(first: date, last: date) -> dict[date, int]:
    return {}


def doctor_note(per_night: Mapping[date, int]) -> str | None:
    return None


def csv_rows() -> tuple[list[str], list[list[object]]]:
    return ["started", "ended", "intent"], []
