"""Dialogue state per Home Assistant conversation: a bounded, expiring map from conversation id."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class SessionsFull(Exception):
    """Every place is taken by a session in progress; none is dropped for a newcomer."""


def _never_busy(session: object) -> bool:
    return False


class SessionStore(Generic[T]):
    """Keeps at most `max_size` sessions, each forgotten after `ttl` idle seconds (LRU + TTL).

    When full, the least recently used session that is not `busy` makes room; a busy one (a
    first-aid flow in progress) is only ever dropped by its own idle timeout, so a flood of new
    ids cannot end it. Thread-safe: the server looks sessions up from worker threads.
    """

    def __init__(
        self,
        factory: Callable[[str], T],
        max_size: int = 32,
        ttl: float = 15 * 60,
        clock: Callable[[], float] = time.monotonic,
        busy: Callable[[T], bool] = _never_busy,
    ) -> None:
        self._factory = factory
        self._busy = busy
        self._max_size = max_size
        self._ttl = ttl
        self._clock = clock
        self._sessions: OrderedDict[str, tuple[float, T]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> T:
        """The session for `key`, created fresh if unknown or expired; marks it recently used.

        Raises SessionsFull when a new session has no room and every session is busy.
        """
        now = self._clock()
        with self._lock:
            self._expire(now)
            entry = self._sessions.pop(key, None)
            if entry is None:
                self._make_room()
            session = entry[1] if entry is not None else self._factory(key)
            self._sessions[key] = (now, session)
            return session

    def _make_room(self) -> None:
        while len(self._sessions) >= self._max_size:
            idle = next((k for k, (_, s) in self._sessions.items() if not self._busy(s)), None)
            if idle is None:
                raise SessionsFull(f"all {self._max_size} conversations are in progress")
            del self._sessions[idle]

    def __contains__(self, key: object) -> bool:
        with self._lock:
            self._expire(self._clock())
            return key in self._sessions

    def __len__(self) -> int:
        with self._lock:
            self._expire(self._clock())
            return len(self._sessions)

    def _expire(self, now: float) -> None:
        while self._sessions:
            key, (used, _) = next(iter(self._sessions.items()))
            if now - used < self._ttl:
                break
            del self._sessions[key]
