"""SQLite files locked by another process (a backup tool, the sqlite3 shell): never taken for
damaged and moved aside; reminders go on, and the one line says to close that program."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from scheduler.ledger import LEDGER_FILE
from scheduler.service import JOB_STORE_FILE, ReminderService
from tests.test_reminders_service import (
    Recorder,
    add_at,
    soon,
)

HOLD_LOCK = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("CREATE TABLE IF NOT EXISTS held (x)")
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
"""


@contextmanager
def locked_by_another_process(path: Path) -> Iterator[None]:
    """`path` held under an exclusive SQLite lock by a separate process until the block ends."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield
    finally:
        holder.communicate(timeout=30)  # closes its stdin: the holder lets go and exits


def test_a_locked_job_store_is_left_in_place_and_reminders_still_come(
    data_home: Path, rec: Recorder, services: Callable[[], ReminderService]
) -> None:
    store = data_home / JOB_STORE_FILE
    with locked_by_another_process(store):
        service = services()
        service.start()
        rid = add_at(data_home, soon(3))  # after start: finding the lock may take SQLite's wait
        rec.wait_for("reminder spoken from memory", lambda: bool(rec.said(rid)))
        problems = service.problems
        service.stop()
    assert sorted(p.name for p in data_home.glob(f"{JOB_STORE_FILE}*")) == [JOB_STORE_FILE]
    assert len(problems) == 1, problems
    assert f"close the program that holds {JOB_STORE_FILE} open" in problems[0]
    assert "kept in memory" in problems[0]


def test_a_locked_delivery_record_is_said_once_and_shown_from_the_start(
    data_home: Path, services: Callable[[], ReminderService], caplog: pytest.LogCaptureFixture
) -> None:
    with locked_by_another_process(data_home / LEDGER_FILE), caplog.at_level(logging.WARNING):
        service = services()
        service.start()
        problems = service.problems
        service.stop()
    said = [r.getMessage() for r in caplog.records if "delivery record" in r.getMessage()]
    assert said == problems, (said, problems)
    assert len(said) == 1 and f"close the program that holds {LEDGER_FILE} open" in said[0]
