"""Adapter to the reminder definitions API (scheduler/): list with next run, add, edit, remove."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from skill.config import Config


@dataclass(frozen=True)
class Upcoming:
    name: str
    at: datetime


def upcoming(config: Config, limit: int = 5) -> list[Upcoming]:
    return []
