"""Admin page secrets in the data directory: session key, password hash; setup token, rate limit."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from collections import deque
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

SECRET_KEY_FILE = "admin_secret_key"
PASSWORD_FILE = "admin_password"
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256


class PasswordError(ValueError):
    """A new password that cannot be used; the message says why."""


def _write_private(path: Path, data: bytes) -> None:
    """Create or replace `path` with mode 0600 atomically (temp file, fsync, rename)."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def load_secret_key(directory: Path) -> bytes:
    """The persistent random session key, created (mode 0600) on first use."""
    path = directory / SECRET_KEY_FILE
    try:
        key = path.read_bytes()
        if len(key) >= 32:
            return key
    except FileNotFoundError:
        pass
    key = secrets.token_bytes(32)
    _write_private(path, key)
    return key


class PasswordStore:
    """The one admin password, stored as a werkzeug hash in the data directory."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / PASSWORD_FILE

    def is_set(self) -> bool:
        return self.path.exists() and bool(self.path.read_text(encoding="utf-8").strip())

    def set(self, password: str) -> None:
        check_new_password(password)
        _write_private(self.path, generate_password_hash(password).encode("utf-8"))

    def fingerprint(self) -> str:
        """Changes whenever the password changes, so older sessions stop being accepted."""
        if not self.is_set():
            return ""
        digest = hashlib.sha256(self.path.read_bytes()).hexdigest()
        return digest[:32]

    def check(self, password: str) -> bool:
        if not self.is_set() or len(password) > MAX_PASSWORD_LENGTH:
            return False
        return check_password_hash(self.path.read_text(encoding="utf-8").strip(), password)


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordError(f"must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordError(f"must be at most {MAX_PASSWORD_LENGTH} characters")
    if "\x00" in password:
        raise PasswordError("must not contain a NUL character")


class SetupToken:
    """A one-time token printed to the console that lets the first visitor choose the password."""

    def __init__(self) -> None:
        self._token: str | None = secrets.token_urlsafe(16)

    @property
    def value(self) -> str | None:
        return self._token

    def matches(self, candidate: str) -> bool:
        token = self._token
        return token is not None and hmac.compare_digest(token.encode(), candidate.encode())

    def consume(self) -> None:
        self._token = None


class RateLimiter:
    """At most `limit` attempts per `window` seconds for each client address (in-process)."""

    def __init__(self, limit: int = 5, window: float = 60.0, clock=time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._attempts: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        """Record an attempt by `client`; False once it is over the limit in the current window."""
        now = self._clock()
        with self._lock:
            attempts = self._attempts.setdefault(client, deque())
            while attempts and now - attempts[0] >= self.window:
                attempts.popleft()
            if len(attempts) >= self.limit:
                return False
            attempts.append(now)
            if len(self._attempts) > 10_000:
                self._forget_idle(now)
            return True

    def reset(self, client: str) -> None:
        with self._lock:
            self._attempts.pop(client, None)

    def _forget_idle(self, now: float) -> None:
        for client in [c for c, a in self._attempts.items() if not a or now - a[-1] >= self.window]:
            del self._attempts[client]
