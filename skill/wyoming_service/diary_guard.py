"""The diary as Wyoming clients may write it: rate-limited and bounded, so junk cannot flood it."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

log = logging.getLogger(__name__)

MAX_EVENT_TEXT = 500
"""Characters kept of any text in one event (a heard line is a short sentence)."""


class RateLimit:
    """A token bucket: `per_period` writes per `period` seconds, refilled smoothly."""

    def __init__(self, per_period: int, period: float, clock: Callable[[], float]) -> None:
        self._capacity = float(per_period)
        self._rate = per_period / period
        self._tokens = float(per_period)
        self._clock = clock
        self._last = clock()

    def take(self) -> bool:
        now = self._clock()
        self._tokens = min(self._capacity, self._tokens + (now - self._last) * self._rate)
        self._last = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False


def _bounded(value: Any) -> Any:
    if isinstance(value, str):
        return value[:MAX_EVENT_TEXT]
    if isinstance(value, dict):
        return {str(k)[:100]: _bounded(v) for k, v in list(value.items())[:20]}
    if isinstance(value, list):
        return [_bounded(v) for v in value[:20]]
    return value


class GuardedDiary:
    """Wraps skill.dialogue.diary.Diary; writes over the limits are dropped (reads pass through).

    An episode refused here gets row 0, which no later update or end touches, so the CSV for the
    doctor only holds the episodes that fit the hourly budget.
    """

    def __init__(
        self,
        diary: Any,
        episodes_per_hour: int,
        events_per_minute: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._diary = diary
        self._episodes = RateLimit(episodes_per_hour, 3600.0, clock)
        self._events = RateLimit(events_per_minute, 60.0, clock)
        self._lock = threading.Lock()
        self._warned = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._diary, name)

    def batch(self) -> AbstractContextManager[None]:
        result: AbstractContextManager[None] = self._diary.batch()
        return result

    def _allow(self, bucket: RateLimit, what: str) -> bool:
        with self._lock:
            if bucket.take():
                self._warned = False
                return True
            if not self._warned:
                log.warning("diary: too many %s from Wyoming clients; not recording more for now",
                            what)
                self._warned = True
            return False

    def log(self, kind: str, data: dict[str, Any], ts: float) -> int:
        """1 when the event was recorded (or queued until the disk has room), 0 when refused."""
        if data.get("episode") == 0 or not self._allow(self._events, "events"):
            return 0
        self._diary.log(kind, _bounded(data), ts)
        return 1

    def start_episode(self, start: float, muscle: str, side: str = "") -> int:
        if not self._allow(self._episodes, "episodes"):
            return 0
        return int(self._diary.start_episode(start, muscle[:50], side[:50]))

    def update_episode(self, episode_id: int, steps: list[str], side: str = "") -> None:
        if episode_id:
            self._diary.update_episode(episode_id, steps[:50], side[:50])

    def end_episode(self, episode_id: int, end: float, outcome: str, steps: list[str]) -> None:
        if episode_id:
            self._diary.end_episode(episode_id, end, outcome, steps[:50])
