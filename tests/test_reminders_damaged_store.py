"""A job store whose pages are damaged but whose header is intact (a crash mid-write, a bad
sector) is set aside and rebuilt, so the schedule is saved again instead of living in memory."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from scheduler.service import JOB_STORE_FILE, ReminderService
from tests.test_reminders_service import add_at, soon

HEADER = 100
"""Bytes of SQLite's file header: kept, so the file still looks like a database."""


def damage_pages(path: Path) -> None:
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = path.read_bytes()
    path.write_bytes(data[:HEADER] + b"\xff" * (len(data) - HEADER))


def stored_ids(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as db:
        return [row[0] for row in db.execute("SELECT id FROM apscheduler_jobs")]


def test_a_job_store_with_damaged_pages_is_set_aside_and_saved_again(
    data_home: Path, services: Callable[[], ReminderService]
) -> None:
    store = data_home / JOB_STORE_FILE
    rid = add_at(data_home, soon(3600))
    first = services()
    first.start()
    first.stop()
    damage_pages(store)
    damaged = store.read_bytes()
    second = services()
    second.start()
    problems = second.problems
    second.stop()
    assert problems == []
    assert stored_ids(store) == [rid], "the schedule was kept only in memory"
    (aside,) = data_home.glob(f"{JOB_STORE_FILE}.corrupt-*")
    assert aside.read_bytes() == damaged
