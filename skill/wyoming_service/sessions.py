"""Dialogue state per Home Assistant conversation: a bounded, expiring map from conversation id."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class SessionStore(Generic[T]):
    """Keeps at most `max_size` sessions, each forgotten after `ttl` idle seconds (LRU + TTL).

    Thread-safe: the server looks sessions up from worker threads.
    """

    def __init__(
        self,
        factory: Callable[[str], T],
        max_size: int = 32,
        ttl: float = 15 * 60,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._factory = factory
        self._max_size = max_size
        self._ttl = ttl
        self._clock = clock
        self._sessions: OrderedDict[str, tuple[float, T]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> T:
        """The session for `key`, created fresh if unknown or expired; marks it recently used."""
        now = self._clock()
        with self._lock:
            self._expire(now)
            entry = self._sessions.pop(key, None)
            session = entry[1] if entry is not None else self._factory(key)
            self._sessions[key] = (now, session)
            while len(self._sessions) > self._max_size:
                self._sessions.popitem(last=False)
            return session

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
