"""The service lock: one process per data directory owns the APScheduler job store."""

from __future__ import annotations

import errno
import fcntl
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

LOCK_FILE = "reminders.lock"
_STORAGE_ERRORS = (errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOSPC, errno.EDQUOT)


class ServiceLockedError(RuntimeError):
    """Another process already runs the reminder service on this data directory."""


class ServiceLock:
    """An flock on a file in the data directory; the holder's pid is written into it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = self._open()
        if fd is None:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            pid = holder(self.path)
            raise ServiceLockedError(
                f"reminders are already scheduled by another process (pid {pid or '?'}) "
                f"holding {self.path}"
            ) from None
        try:
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
        except OSError:
            pass  # read-only or full: the flock alone still keeps a second process out
        self._fd = fd

    def _open(self) -> int | None:
        """The lock file's fd; an existing one read-only when the directory cannot be written
        (flock works on it), None when there is none and none can be made."""
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            if exc.errno not in _STORAGE_ERRORS:
                raise
            try:
                return os.open(self.path, os.O_RDONLY)
            except FileNotFoundError:
                log.warning("%s: cannot create the lock file (%s); running without it",
                            self.path, exc.strerror)
                return None

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None


def holder(path: Path) -> int | None:
    """Pid of the process holding the lock, or None if nobody does (checked without keeping it)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            text = os.read(fd, 32).decode(errors="replace").strip()
            return int(text) if text.isdigit() else -1
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
