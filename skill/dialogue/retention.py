"""Diary retention: events and episodes older than the configured number of days are deleted."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

log = logging.getLogger(__name__)

DAY = 24 * 60 * 60


def prune_diary(path: Path, days: int, now: float) -> tuple[int, int]:
    """Delete what started before `now - days`; returns (events, episodes) deleted.

    Its own short connection, so the Diary class (and its other users) need not change; WAL lets
    it run beside a Diary that is open, and the timeout waits out a write in progress.
    """
    cutoff = now - days * DAY
    db = sqlite3.connect(path, timeout=10.0, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        events = db.execute("DELETE FROM events WHERE ts < ?", (cutoff,)).rowcount
        episodes = db.execute("DELETE FROM episodes WHERE start < ?", (cutoff,)).rowcount
        db.execute("COMMIT")
    finally:
        db.close()
    if events or episodes:
        log.info("diary: deleted %d events and %d episodes older than %d days",
                 events, episodes, days)
    return events, episodes


def prune_quietly(path: Path, days: int, now: float) -> None:
    """prune_diary for start-up paths: a locked or damaged diary is logged, never fatal."""
    try:
        prune_diary(path, days, now)
    except sqlite3.Error as exc:
        log.warning("diary: could not delete entries older than %d days: %s", days, exc)
