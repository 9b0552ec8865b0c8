"""Admin page secrets in the data directory: session key, password hash; setup token, back-off."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

SECRET_KEY_FILE = "admin_secret_key"
PASSWORD_FILE = "admin_password"
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256


class PasswordError(ValueError):
    """A new password that cannot be used; the message says why."""


def write_private(path: Path, data: bytes) -> None:
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
    write_private(path, key)
    return key


class PasswordStore:
    """The one admin password, stored as a werkzeug hash in the data directory."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / PASSWORD_FILE

    def is_set(self) -> bool:
        return self.path.exists() and bool(self.path.read_text(encoding="utf-8").strip())

    def set(self, password: str) -> None:
        check_new_password(password)
        write_private(self.path, generate_password_hash(password).encode("utf-8"))

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


class LoginBackoff:
    """Failed logins make the next check wait: `free` failures cost nothing, then the wait doubles
    from `base` up to `cap` seconds. Never a lockout: `cap` seconds after the last failure the
    next attempt is always checked; a right password clears the wait, and so does a new password
    (`epoch`, the password fingerprint). Each key (one shared by every unknown browser, one per
    known device) has its own count, so nobody else's failures delay a known device."""

    def __init__(
        self,
        free: int = 3,
        base: float = 0.5,
        cap: float = 4.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free = free
        self.base = base
        self.cap = cap
        self._clock = clock
        self._epoch = ""
        self._failures: dict[str, int] = {}
        self._not_before: dict[str, float] = {}
        self._lock = threading.Lock()

    def delay(self, failures: int) -> float:
        """Seconds to wait after `failures` failures in a row."""
        if failures < self.free:
            return 0.0
        return min(self.cap, self.base * 2 ** (failures - self.free))

    def begin(self, key: str, epoch: str) -> float:
        """0.0: check this attempt now (its slot is taken as if it will fail, so parallel
        attempts cannot share one slot); else the seconds to wait before trying again."""
        now = self._clock()
        with self._lock:
            self._new_epoch(epoch)
            wait = self._not_before.get(key, 0.0) - now
            if wait > 0:
                return wait
            failures = self._failures.get(key, 0)
            self._not_before[key] = now + self.delay(failures + 1)
            return 0.0

    def failed(self, key: str, epoch: str) -> None:
        now = self._clock()
        with self._lock:
            self._new_epoch(epoch)
            failures = self._failures.get(key, 0) + 1
            self._failures[key] = failures
            self._not_before[key] = now + self.delay(failures)
            if len(self._failures) > 10_000:  # keys are minted only by right passwords
                self._failures.clear()
                self._not_before.clear()

    def succeeded(self, key: str, epoch: str) -> None:
        with self._lock:
            self._new_epoch(epoch)
            self._failures.pop(key, None)
            self._not_before.pop(key, None)

    def _new_epoch(self, epoch: str) -> None:
        if epoch != self._epoch:
            self._epoch = epoch
            self._failures.clear()
            self._not_before.clear()
