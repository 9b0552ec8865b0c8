"""Server-side login sessions and the reset link, kept in the data directory (mode 0600)."""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from skill.admin.security import write_private

SESSIONS_FILE = "admin_sessions"
RESET_FILE = "admin_reset_token"
MAX_SESSIONS = 64
RESET_LIFETIME = 30 * 60.0

_lock = threading.Lock()


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One writer at a time across threads and processes (`run` and `admin serve` may share
    the data directory), so one login cannot undo another's."""
    with _lock, open(path.with_name(f".{path.name}.lock"), "a") as lock_file:
        fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


class SessionStore:
    """Open sessions by the digest of their random id, for one password (its fingerprint): the
    cookie alone is not enough, so logout ends that cookie and a new password ends them all."""

    def __init__(
        self, directory: Path, lifetime: float, clock: Callable[[], float] = time.time
    ) -> None:
        self.path = directory / SESSIONS_FILE
        self.lifetime = lifetime
        self._clock = clock

    def open(self, fingerprint: str) -> str:
        """A new session id (for the cookie); only its digest is stored."""
        token = secrets.token_urlsafe(24)
        with _locked(self.path):
            sessions = self._live(fingerprint)
            sessions[_digest(token)] = self._clock() + self.lifetime
            # Oldest out first: a browser that logs in again and again cannot grow the file.
            kept = sorted(sessions.items(), key=lambda item: item[1])[-MAX_SESSIONS:]
            self._write(fingerprint, dict(kept))
        return token

    def is_open(self, token: object, fingerprint: str) -> bool:
        if not isinstance(token, str) or not token or not fingerprint:
            return False
        return _digest(token) in self._live(fingerprint)

    def close(self, token: object, fingerprint: str) -> None:
        if not isinstance(token, str):
            return
        with _locked(self.path):
            sessions = self._live(fingerprint)
            if sessions.pop(_digest(token), None) is not None:
                self._write(fingerprint, sessions)

    def _live(self, fingerprint: str) -> dict[str, float]:
        data = _read_json(self.path)
        if not fingerprint or data.get("fingerprint") != fingerprint:
            return {}
        now = self._clock()
        sessions = data.get("sessions")
        if not isinstance(sessions, dict):
            return {}
        return {
            key: float(expiry)
            for key, expiry in sessions.items()
            if isinstance(expiry, int | float) and expiry > now
        }

    def _write(self, fingerprint: str, sessions: dict[str, float]) -> None:
        data = {"fingerprint": fingerprint, "sessions": sessions}
        write_private(self.path, json.dumps(data).encode("utf-8"))


class ResetToken:
    """`cramp-coach admin setup-link`: a one-time token, valid for `RESET_LIFETIME` seconds, that
    lets whoever can read this computer's console choose a new password at /setup."""

    def __init__(self, directory: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = directory / RESET_FILE
        self._clock = clock

    def create(self) -> str:
        token = secrets.token_urlsafe(24)
        data = {"digest": _digest(token), "expires": self._clock() + RESET_LIFETIME}
        write_private(self.path, json.dumps(data).encode("utf-8"))
        return token

    def pending(self) -> bool:
        return self._digest() is not None

    def matches(self, candidate: str) -> bool:
        digest = self._digest()
        return digest is not None and hmac.compare_digest(digest, _digest(candidate))

    def _digest(self) -> str | None:
        data = _read_json(self.path)
        digest, expires = data.get("digest"), data.get("expires")
        if not isinstance(digest, str) or not isinstance(expires, int | float):
            return None
        return digest if expires > self._clock() else None

    def consume(self) -> None:
        self.path.unlink(missing_ok=True)
