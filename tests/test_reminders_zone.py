"""Reminders on a system time zone without a name (TZ=/some/file, a copied /etc/localtime) still
live in the real SQLite job store and survive a restart; an unusable one is said once."""

from __future__ import annotations

import logging
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest

from cramp_common.localtime import zone_named
from scheduler.service import JOB_STORE_FILE, ReminderService
from skill.config import load_config
from skill.status import build_status
from tests.storage_support import CLI, cli_env
from tests.test_reminders_service import (
    Recorder,
    add_at,
    soon,
    wait_past,
)

NO_NAME_RULES = "Zone Custom/Nowhere 1:00 - NWT\n"
"""A zone no entry of the zone database has the bytes of (zic writes its own abbreviation)."""


@pytest.fixture
def system_tz(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Set the process's TZ as the system would (the C library re-reads it too)."""

    def set_tz(value: str) -> None:
        monkeypatch.setenv("TZ", value)
        time.tzset()

    yield set_tz
    monkeypatch.undo()
    time.tzset()


def stored_ids(home: Path) -> list[str]:
    with closing(sqlite3.connect(home / JOB_STORE_FILE)) as db:
        return [row[0] for row in db.execute("SELECT id FROM apscheduler_jobs")]


def unnamed_copy(tmp_path: Path, zone: str) -> Path:
    """A copy of the zone database's file for `zone` under a name that is no zone."""
    path = tmp_path / "zone-copy"
    shutil.copy(Path("/usr/share/zoneinfo", zone), path)
    return path


def test_reminder_due_while_down_on_an_unnamed_zone_file_is_spoken_after_a_restart(
    data_home: Path, tmp_path: Path, rec: Recorder, system_tz: Callable[[str], None],
    services: Callable[[], ReminderService],
) -> None:
    system_tz(str(unnamed_copy(tmp_path, "Europe/Berlin")))
    due_at = soon(3)
    rid = add_at(data_home, due_at)
    first = services()
    first.start()
    problems = first.problems
    first.stop()
    assert problems == []
    assert stored_ids(data_home) == [rid], "the schedule was kept only in memory"
    wait_past(due_at, 1.0)
    second = services()
    second.start()
    rec.wait_for("missed reminder spoken on return", lambda: bool(rec.said(rid)))
    second.stop()
    assert len(rec.said(rid)) == 1
    assert getattr(zone_named(), "key", None) == "Europe/Berlin"


def test_zone_file_matching_no_named_zone_is_saved_and_said_once(
    data_home: Path, tmp_path: Path, system_tz: Callable[[str], None],
    services: Callable[[], ReminderService], caplog: pytest.LogCaptureFixture,
) -> None:
    rules = tmp_path / "nowhere.zi"
    rules.write_text(NO_NAME_RULES)
    subprocess.run(["zic", "-d", str(tmp_path / "zic"), str(rules)], check=True)
    system_tz(str(tmp_path / "zic" / "Custom" / "Nowhere"))
    rid = add_at(data_home, soon(3600))
    with caplog.at_level(logging.WARNING):
        for _ in range(2):
            service = services()
            service.start()
            service.stop()
    assert stored_ids(data_home) == [rid]
    said = [r.getMessage() for r in caplog.records if "system time zone" in r.getMessage()]
    assert len(said) == 1, said
    assert "Etc/GMT-1 (UTC+01:00)" in said[0] and "[reminders] timezone" in said[0]
    status = build_status(load_config(), running=True)
    assert said[0] in status.notes


def test_unreadable_tz_still_gives_first_aid_and_says_which_zone_it_uses(
    data_home: Path,
) -> None:
    env = dict(cli_env(data_home), TZ="/no/such/zone")
    result = subprocess.run([*CLI, "ask", "--silent", "my calf is cramping"], env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "straighten the cramping leg" in result.stdout
    lines = [line for line in result.stderr.splitlines() if "TZ=/no/such/zone" in line]
    assert len(lines) == 1 and "use UTC" in lines[0], result.stderr
