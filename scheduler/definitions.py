"""Reminder definitions in a small SQLite file: the source of truth the CLI and admin page write.

Only the process holding the service lock owns the APScheduler job store; everyone else edits this
file, and a change counter tells the running service to re-sync its jobs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path

DEFINITIONS_FILE = "reminders.sqlite"

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


class ReminderStoreError(Exception):
    """The definitions file cannot be used; the message names the file and what to do."""


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

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        with self._connect() as conn:
            conn.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            with closing(sqlite3.connect(self.path, timeout=10)) as conn, conn:
                yield conn
        except sqlite3.DatabaseError as exc:
            raise ReminderStoreError(
                f"{self.path}: cannot use the reminder list ({exc}). Nothing was changed; "
                "move the file aside to start an empty list."
            ) from None

    def _bump(self, conn: sqlite3.Connection) -> None:
        conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'generation'")

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
