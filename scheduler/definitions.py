"""Reminder definitions in a small SQLite file: the source of truth the CLI and admin page write.

Only the process holding the service lock owns the APScheduler job store; everyone else edits this
file, and a change counter tells the running service to re-sync its jobs.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path

from cramp_common.storage import advice, is_locked

DEFINITIONS_FILE = "reminders.sqlite"
BUSY_SECONDS = 10.0
"""How long one statement waits for another program's lock before failing."""
PROBE_BUSY_SECONDS = 0.5
"""The same while the running assistant waits for a locked file: it retries, it must not hang."""
RETRY_SECONDS = 2.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS custom_reminders (
    num INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    days TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS disabled_defaults (id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS suppressed (
    id TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL, at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO meta (key, value) VALUES ('generation', 0), ('applied', -1);
"""


_DAMAGED = (
    "the file was left as it is and nothing was changed; restore it from a backup, or recover "
    "your reminders from it with `sqlite3 FILE .recover`"
)


class ReminderStoreError(Exception):
    """The definitions file cannot be used; the message names the file and what to do."""

    locked = False
    """Another program holds the file locked (it will likely be free again later)."""


@dataclass(frozen=True)
class CustomDefinition:
    """One reminder added with the CLI or the admin page."""

    id: str
    at: time
    days: tuple[str, ...]
    text: str
    enabled: bool


@dataclass(frozen=True)
class Suppressed:
    """A reminder that fell in quiet hours, kept for the morning summary."""

    id: str
    kind: str
    text: str
    at: datetime


def custom_id(num: int) -> str:
    return f"custom-{num}"


def _num(reminder_id: str) -> int | None:
    prefix, _, digits = reminder_id.partition("-")
    return int(digits) if prefix == "custom" and digits.isdigit() else None


class DefinitionStore:
    """Custom reminders, switched-off defaults, the change counter and the quiet-hours backlog."""

    def __init__(self, path: Path, *, read_only: bool = False,
                 busy_seconds: float = BUSY_SECONDS) -> None:
        self.path = Path(path)
        self.busy_seconds = busy_seconds
        self.read_only = read_only
        """Opened only for reading (e.g. `reminders list` on a read-only directory)."""
        self._uri = ""
        self._anchor: sqlite3.Connection | None = None
        self.stand_in = False
        """An empty list in memory standing in for a file that cannot be used (in_memory())."""
        if read_only:
            self._open_read_only()
            return
        with self._connect() as conn:
            conn.executescript(_SCHEMA)

    @classmethod
    def in_memory(cls, path: Path) -> DefinitionStore:
        """An empty list kept in memory, for a running assistant whose file cannot be used;
        `path` (the damaged file) is only named in messages and never touched."""
        store = cls.__new__(cls)
        store.path, store.read_only, store.busy_seconds = Path(path), False, BUSY_SECONDS
        store.stand_in = True
        store._use_memory()
        return store

    def _use_memory(self) -> None:
        self._uri = f"file:cramp-reminders-{id(self)}?mode=memory&cache=shared"
        # A shared in-memory database lives as long as one connection to it is open.
        self._anchor = sqlite3.connect(self._uri, uri=True, check_same_thread=False)
        with self._connect() as conn:
            conn.executescript(_SCHEMA)

    def _open_read_only(self) -> None:
        if not self.path.exists():
            self._use_memory()
            return
        base = self.path.absolute().as_uri()
        for query in ("mode=ro", "mode=ro&immutable=1"):
            self._uri = f"{base}?{query}"
            try:
                with self._connect() as conn:
                    conn.execute("SELECT value FROM meta").fetchall()
                return
            except ReminderStoreError:
                if "immutable" in query:
                    raise

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            target = self._uri or str(self.path)
            with closing(sqlite3.connect(target, timeout=self.busy_seconds,
                                         uri=bool(self._uri))) as conn, conn:
                yield conn
        except sqlite3.DatabaseError as exc:
            error = ReminderStoreError(advice(exc, self.path, "reminder list", _DAMAGED))
            error.locked = is_locked(exc)
            raise error from None

    def _bump(self, conn: sqlite3.Connection) -> None:
        conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")

    def signature(self) -> tuple[int, ...] | None:
        """The file's (and its WAL's) modification time, size and inode: unchanged files were
        not written, so the poll needs no query (a few microseconds against ~0.5 ms of sqlite
        every 2 s, all night). None when the files cannot tell (in memory, or read only)."""
        if self._uri:
            return None
        parts: list[int] = []
        for path in (self.path, self.path.with_name(self.path.name + "-wal")):
            try:
                info = path.stat()
            except OSError:
                parts += (0, 0, 0)
                continue
            parts += (info.st_mtime_ns, info.st_size, info.st_ino)
        return tuple(parts)

    def generation(self) -> int:
        """Counter that changes with every edit; the running service polls it."""
        with self._connect() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
            return int(row[0])

    def applied(self) -> int:
        """The generation the running service last synced its jobs to."""
        with self._connect() as conn:
            return int(conn.execute("SELECT value FROM meta WHERE key = 'applied'").fetchone()[0])

    def set_applied(self, generation: int) -> None:
        with self._connect() as conn:
            conn.execute("UPDATE meta SET value = ? WHERE key = 'applied'", (generation,))

    def customs(self) -> list[CustomDefinition]:
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT num, at, days, text, enabled FROM custom_reminders ORDER BY num"
            ).fetchall()
        return [
            CustomDefinition(
                id=custom_id(num),
                at=time.fromisoformat(at),
                days=tuple(d for d in days.split(",") if d),
                text=text,
                enabled=bool(enabled),
            )
            for num, at, days, text, enabled in rows
        ]

    def add_custom(self, at: time, days: tuple[str, ...], text: str) -> str:
        with self._connect() as conn:
            cursor = conn.execute(
                "INSERT INTO custom_reminders (at, days, text, enabled, created)"
                " VALUES (?, ?, ?, 1, ?)",
                (at.isoformat(timespec="seconds"), ",".join(days), text,
                 datetime.now().isoformat(timespec="seconds")),
            )
            self._bump(conn)
            assert cursor.lastrowid is not None
            return custom_id(cursor.lastrowid)

    def update_custom(
        self, reminder_id: str, *, at: time, days: tuple[str, ...], text: str, enabled: bool
    ) -> bool:
        with self._connect() as conn:
            cursor = conn.execute(
                "UPDATE custom_reminders SET at = ?, days = ?, text = ?, enabled = ? WHERE num = ?",
                (at.isoformat(timespec="seconds"), ",".join(days), text, int(enabled),
                 _num(reminder_id)),
            )
            self._bump(conn)
            return cursor.rowcount == 1

    def remove_custom(self, reminder_id: str) -> bool:
        with self._connect() as conn:
            cursor = conn.execute(
                "DELETE FROM custom_reminders WHERE num = ?", (_num(reminder_id),)
            )
            self._bump(conn)
            return cursor.rowcount == 1

    def disabled_defaults(self) -> set[str]:
        with self._connect() as conn:
            return {row[0] for row in conn.execute("SELECT id FROM disabled_defaults")}

    def set_default_enabled(self, reminder_id: str, enabled: bool) -> None:
        with self._connect() as conn:
            if enabled:
                conn.execute("DELETE FROM disabled_defaults WHERE id = ?", (reminder_id,))
            else:
                conn.execute(
                    "INSERT OR IGNORE INTO disabled_defaults (id) VALUES (?)", (reminder_id,)
                )
            self._bump(conn)

    def add_suppressed(self, item: Suppressed) -> None:
        with self._connect() as conn:
            conn.execute(
                "INSERT INTO suppressed (id, kind, text, at) VALUES (?, ?, ?, ?)",
                (item.id, item.kind, item.text, item.at.isoformat()),
            )

    def take_suppressed(self) -> list[Suppressed]:
        """Return and clear the quiet-hours backlog in one transaction."""
        with self._connect() as conn:
            rows = conn.execute("SELECT id, kind, text, at FROM suppressed ORDER BY at").fetchall()
            conn.execute("DELETE FROM suppressed")
        return [Suppressed(i, k, t, datetime.fromisoformat(a)) for i, k, t, a in rows]


def open_for_service(path: Path) -> tuple[DefinitionStore, str]:
    """The reminder list for the running assistant, never an exception: read-only when it cannot
    be written, an empty one in memory (the file untouched) when it cannot be read; with the
    one-line problem ('' when none)."""
    try:
        return DefinitionStore(path), ""
    except ReminderStoreError as exc:
        first = str(exc)
    try:
        return DefinitionStore(path, read_only=True), (
            f"{first}; your reminders are read from it but changes cannot be saved")
    except ReminderStoreError:
        return DefinitionStore.in_memory(path), (
            f"{first}; until then only the reminders in config.toml are in effect")


def open_when_free(path: Path, stopping: threading.Event,
                   note: Callable[[str], None]) -> DefinitionStore | None:
    """open_for_service for the running assistant's background start: while another program
    holds the file locked, wait for it (short busy waits, retried) rather than run without the
    user's reminders. `note` gets one line while it waits, then the problem the opened store
    has ("" when none); None when `stopping` is set first."""
    while True:
        try:
            store = DefinitionStore(path, busy_seconds=PROBE_BUSY_SECONDS)
        except ReminderStoreError as exc:
            if not exc.locked:
                store, problem = open_for_service(path)
                note(problem)
                return store
            note(f"reminders wait for {path.name}: {exc}; they start by themselves once it "
                 "is free (first aid is not affected)")
            if stopping.wait(RETRY_SECONDS):
                return None
            continue
        store.busy_seconds = BUSY_SECONDS
        note("")
        return store
