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


def _no_owner(key: str) -> str:
    return ""


class SessionStore(Generic[T]):
    """Keeps at most `max_size` sessions, each forgotten after `ttl` idle seconds (LRU + TTL).

    When full, the least recently used session that is not `busy` makes room; a busy one (a
    first-aid flow in progress) is only ever dropped by its own idle timeout, so a flood of new
    ids cannot end it. Keys with the same `owner` (one client) hold at most `per_owner` places,
    so one client cannot take them all. Thread-safe: the server looks sessions up from workers.
    """

    def __init__(
        self,
        factory: Callable[[str], T],
        max_size: int = 32,
        ttl: float = 15 * 60,
        clock: Callable[[], float] = time.monotonic,
        busy: Callable[[T], bool] = _never_busy,
        owner: Callable[[str], str] = _no_owner,
        per_owner: int | None = None,
    ) -> None:
        self._factory = factory
        self._busy = busy
        self._owner = owner
        self._per_owner = per_owner or max_size
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
                self._make_room(key)
            session = entry[1] if entry is not None else self._factory(key)
            self._sessions[key] = (now, session)
            return session

    def _make_room(self, key: str) -> None:
        owner = self._owner(key)
        while sum(1 for k in self._sessions if self._owner(k) == owner) >= self._per_owner:
            self._drop_idle(lambda k: self._owner(k) == owner, f"{self._per_owner} of this client")
        while len(self._sessions) >= self._max_size:
            self._drop_idle(lambda k: True, f"all {self._max_size}")

    def _drop_idle(self, among: Callable[[str], bool], what: str) -> None:
        """Forget the least recently used session that is not busy among those `among` picks."""
        for key, (_, session) in self._sessions.items():
            if among(key) and not self._busy(session):
                del self._sessions[key]
                return
        raise SessionsFull(f"{what} conversations are in progress")

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
