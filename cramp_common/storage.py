"""What went wrong with a file we keep, in one line with advice that loses nothing."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from pathlib import Path

_READ_ONLY = (errno.EROFS, errno.EACCES, errno.EPERM)
_FULL = (errno.ENOSPC, errno.EDQUOT)
_BUSY = (5, 6)
"""SQLITE_BUSY and SQLITE_LOCKED."""
NEARLY_FULL_BYTES = 256 * 1024


def mount_point(path: Path) -> Path:
    """The mount point holding `path` (the file system to free space on)."""
    current = Path(os.path.abspath(path))
    while not current.exists() and current != current.parent:
        current = current.parent
    while not os.path.ismount(current) and current != current.parent:
        current = current.parent
    return current


def writable(directory: Path) -> bool:
    """Whether files can be created in `directory` (False on a read-only mount, even for root)."""
    return os.access(directory, os.W_OK)


def kind_of(exc: BaseException, path: Path) -> str:
    """'read-only', 'full', 'locked', 'damaged' or 'other' for an error on the file `path`."""
    if is_locked(exc):
        return "locked"
    if isinstance(exc, OSError):
        if exc.errno in _FULL:
            return "full"
        if exc.errno in _READ_ONLY:
            return "read-only"
        return "other"
    text = str(exc).lower()
    if "full" in text:
        return "full"
    if "readonly" in text or "read-only" in text or not writable(path.parent):
        return "read-only"
    if isinstance(exc, sqlite3.DatabaseError) and (
        "not a database" in text or "malformed" in text or "corrupt" in text
    ):
        return "damaged"
    # SQLite reports a full disk as "disk I/O error" when it cannot grow its -shm file.
    return "full" if _nearly_full(path.parent) else "other"


def is_locked(exc: BaseException) -> bool:
    """Another process holds the SQLite file locked (a backup tool, the sqlite3 shell): the
    file is fine and must be left where it is."""
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(exc, sqlite3.OperationalError) and (
        code in _BUSY or "database is locked" in str(exc).lower())


def _nearly_full(directory: Path) -> bool:
    try:
        return shutil.disk_usage(directory).free < NEARLY_FULL_BYTES
    except OSError:
        return False


def advice(exc: BaseException, path: Path, what: str, damaged: str) -> str:
    """One line: which file, what happened, and what to do; `damaged` is the advice for a damaged
    file (it differs: a diary can start afresh, a reminder list must be kept)."""
    exc = getattr(exc, "orig", None) or exc  # SQLAlchemy wraps the sqlite3 error
    kind = kind_of(exc, path)
    if kind == "full":
        todo = f"free space on {mount_point(path)}"
    elif kind == "read-only":
        todo = f"make {path.parent} writable"
    elif kind == "locked":
        todo = f"close the program that holds {path.name} open"
    elif kind == "damaged":
        todo = damaged
    else:
        todo = f"check {path.parent} (permissions, free space)"
    return f"{path}: cannot use the {what} ({exc}); {todo}"
