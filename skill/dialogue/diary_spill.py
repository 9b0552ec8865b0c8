"""Diary entries still unwritten at exit (full disk, locked file): kept in a small file in
another writable place and written into the diary at the next start, so none is lost."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
import stat
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

Write = tuple[str, tuple[Any, ...]]
"""One diary statement and its parameters, as DiaryConnection queues them."""

_ALLOWED = ("INSERT INTO events ", "INSERT INTO episodes ", "UPDATE episodes SET ")
"""Only the diary's own kinds of statement are replayed from a spill file, whatever it holds."""

_DUMP = (
    ("SELECT ts, kind, data FROM events ORDER BY id",
     "INSERT INTO events (ts, kind, data) VALUES (?, ?, ?)"),
    # new ids at merge: the diary on disk may have episodes with the same numbers
    ("SELECT start, end, muscle, side, steps, outcome FROM episodes ORDER BY id",
     "INSERT INTO episodes (start, end, muscle, side, steps, outcome) VALUES (?, ?, ?, ?, ?, ?)"),
)


def spill_dirs(path: Path) -> list[Path]:
    """Where waiting entries may go, best first: beside the diary (survives a reboot; enough
    when the file is only locked), the temporary directory, then /dev/shm (memory, so it takes
    them on a full disk; a reboot empties it)."""
    private = f"cramp-coach-diary-{os.getuid()}"
    return [path.parent, Path(tempfile.gettempdir()) / private, Path("/dev/shm") / private]


def _prefix(path: Path) -> str:
    tag = hashlib.sha256(str(path.absolute()).encode()).hexdigest()[:12]
    return f"{path.name}.{tag}.waiting-"


def dump(db: sqlite3.Connection) -> list[Write]:
    """The whole of an in-memory diary as statements for the diary file."""
    return [(insert, tuple(row)) for select, insert in _DUMP for row in db.execute(select)]


def spill(path: Path, writes: Sequence[Write]) -> Path | None:
    """Write `writes` to the first place that takes them; the file, or None if none did."""
    text = "".join(json.dumps({"sql": sql, "params": list(params)}, ensure_ascii=False) + "\n"
                   for sql, params in writes)
    name = f"{_prefix(path)}{time.time_ns()}-{os.getpid()}.jsonl"
    for folder in spill_dirs(path):
        target = folder / name
        part = folder / (name + ".part")
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.replace(part, target)  # a file cut by a crash is never merged half
            return target
        except OSError as exc:
            log.debug("cannot keep diary entries in %s: %s", folder, exc)
            with contextlib.suppress(OSError):
                part.unlink(missing_ok=True)
    return None


def waiting_files(path: Path) -> list[Path]:
    """Spill files of the diary at `path`, oldest first; only ours (in a shared temporary
    directory another user could plant one)."""
    prefix, found = _prefix(path), []
    for folder in spill_dirs(path):
        try:
            candidates = list(folder.glob(prefix + "*.jsonl"))
        except OSError:
            continue
        for file in candidates:
            try:
                info = file.lstat()
            except OSError:
                continue
            if (stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid()
                    and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)):
                found.append(file)
    return sorted(found, key=lambda file: file.name)


def read_spill(file: Path) -> list[Write]:
    """The statements kept in `file` that are the diary's own; others are skipped."""
    writes: list[Write] = []
    for line in file.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
            sql, params = entry["sql"], tuple(entry["params"])
        except (ValueError, KeyError, TypeError):
            continue
        if isinstance(sql, str) and sql.startswith(_ALLOWED):
            writes.append((sql, params))
    return writes


def merge_waiting(db: sqlite3.Connection, path: Path) -> None:
    """Write every spill file of `path` into the open diary `db`, one transaction a file; a
    file is removed only once its entries are in (on failure it waits for the next start)."""
    for file in waiting_files(path):
        try:
            writes = read_spill(file)
        except (OSError, UnicodeDecodeError) as exc:
            log.warning("cannot read waiting diary entries in %s: %s", file, exc)
            continue
        ids: dict[Any, Any] = {}
        try:
            db.execute("BEGIN IMMEDIATE")
            if _merged_before(db, file.name):  # another process (the admin page) was first
                db.execute("COMMIT")
                _remove(file)
                continue
            for sql, params in writes:
                try:
                    db.execute(sql, _renumbered(db, sql, params, ids))
                except sqlite3.IntegrityError as exc:  # kept out alone; the rest goes in
                    log.warning("diary entry dropped (%s): %s", exc, sql)
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                if db.in_transaction:
                    db.execute("ROLLBACK")
            log.warning("diary entries in %s wait for the next start: %s", file, exc)
            return
        _remove(file)
        log.info("%d diary entries that waited in %s are written to %s", len(writes), file, path)


def _renumbered(db: sqlite3.Connection, sql: str, params: tuple[Any, ...],
                ids: dict[Any, Any]) -> tuple[Any, ...]:
    """An episode's number was chosen when it waited; if the diary has used it since, it gets
    the next free one, and the later updates of that episode in the same file follow it."""
    if sql.startswith("INSERT INTO episodes (id,"):
        taken = db.execute("SELECT 1 FROM episodes WHERE id = ?", (params[0],)).fetchone()
        new = db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM episodes").fetchone()[0]
        ids[params[0]] = new if taken else params[0]
        return (ids[params[0]], *params[1:])
    if sql.startswith("UPDATE episodes ") and params and params[-1] in ids:
        return (*params[:-1], ids[params[-1]])
    return params


def _merged_before(db: sqlite3.Connection, name: str) -> bool:
    """Record `name` as merged in this transaction; True when it already was (so two processes
    opening the diary at once never write the same entries twice)."""
    db.execute("CREATE TABLE IF NOT EXISTS merged_spills (name TEXT PRIMARY KEY)")
    try:
        db.execute("INSERT INTO merged_spills (name) VALUES (?)", (name,))
    except sqlite3.IntegrityError:
        return True
    return False


def _remove(file: Path) -> None:
    """A merged file that cannot be removed is harmless: merged_spills keeps it from counting
    twice; it must not cost the diary its file."""
    try:
        file.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("cannot remove merged diary entries %s: %s", file, exc)
