"""`cramp-coach reminders` in a subprocess, with and without a running reminder service."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time as _time
from collections.abc import Callable
from contextlib import closing
from datetime import datetime
from pathlib import Path

import pytest

from scheduler.definitions import DEFINITIONS_FILE
from scheduler.service import JOB_STORE_FILE, ReminderService
from scheduler.settings import ReminderSettings


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "skill.cli.main", "reminders", *args],
        capture_output=True, text=True, env=dict(os.environ), timeout=120, check=False,
    )


def listed() -> dict[str, dict[str, object]]:
    result = cli("list", "--json")
    assert result.returncode == 0, result.stderr
    return {row["id"]: row for row in json.loads(result.stdout)}


def eventually(what: str, predicate: Callable[[], bool]) -> None:
    deadline = _time.monotonic() + 60
    while not predicate():
        assert _time.monotonic() < deadline, f"never happened: {what}"
        _time.sleep(0.05)


def test_add_then_list_shows_schedule_and_next_run(data_home: Path) -> None:
    added = cli("add", "--at", "16:00", "--days", "wed,mon", "--text", "Short walk")
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith('added custom-1: mon,wed 16:00 "Short walk"')
    rows = listed()
    assert list(rows) == ["hydration", "footbath", "stretch", "custom-1"]
    row = rows["custom-1"]
    assert (row["kind"], row["schedule"], row["enabled"], row["text"]) == (
        "custom", "mon,wed 16:00", True, "Short walk")
    next_run = datetime.fromisoformat(str(row["next_run"]))
    assert next_run.strftime("%a %H:%M") in ("Mon 16:00", "Wed 16:00")
    assert rows["hydration"]["schedule"] == "daily 09:00-21:00 every 2 h"
    table = cli("list")
    assert "custom-1" in table.stdout and "The assistant is not running" in table.stdout
    assert not (data_home / JOB_STORE_FILE).exists()


def test_enable_disable_and_remove(data_home: Path) -> None:
    assert cli("add", "--at", "07:45", "--text", "Calf stretch").returncode == 0
    assert cli("disable", "custom-1").returncode == 0
    assert cli("disable", "hydration").returncode == 0
    rows = listed()
    assert rows["custom-1"]["enabled"] is False and rows["custom-1"]["next_run"] is None
    assert rows["hydration"]["enabled"] is False
    assert cli("enable", "hydration").returncode == 0
    assert cli("remove", "custom-1").returncode == 0
    rows = listed()
    assert rows["hydration"]["enabled"] is True and "custom-1" not in rows


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "--at", "25:99", "--text", "x"), "--at '25:99' must be a time of day as HH:MM"),
        (("add", "--at", "10:00", "--days", "mon,funday", "--text", "x"),
         "--days 'funday' is not a day of the week"),
        (("add", "--at", "10:00", "--text", ""), "--text '' must not be empty"),
        (("remove", "custom-7"), "ID 'custom-7' is not a reminder"),
        (("remove", "footbath"), "ID 'footbath' comes from config.toml"),
        (("enable", "nothing"), "ID 'nothing' is not a reminder"),
    ],
)
def test_bad_input_is_named_and_nothing_is_lost(
    data_home: Path, args: tuple[str, ...], message: str
) -> None:
    assert cli("add", "--at", "08:00", "--text", "Keep me").returncode == 0
    result = cli(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    rows = listed()
    assert rows["custom-1"]["text"] == "Keep me" and "custom-2" not in rows


def test_reminder_list_that_is_not_a_database_is_refused_untouched(data_home: Path) -> None:
    path = data_home / DEFINITIONS_FILE
    path.write_text("not a database\n", encoding="utf-8")
    result = cli("add", "--at", "08:00", "--text", "x")
    assert result.returncode == 2
    assert f"{path}: cannot use the reminder list (file is not a database)" in result.stderr
    assert path.read_text(encoding="utf-8") == "not a database\n"


def test_changes_reach_a_running_service_without_restart(data_home: Path) -> None:
    service = ReminderService(ReminderSettings(), data_home / JOB_STORE_FILE,
                              lambda due: None, lambda kind, data: None, lambda: False,
                              poll_seconds=0.1)
    service.start()
    try:
        added = cli("add", "--at", "16:00", "--text", "Short walk")
        assert "The running assistant picks this up" in added.stdout
        eventually("job added", lambda: "custom-1" in service.scheduled())
        assert cli("disable", "footbath").returncode == 0
        eventually("job removed", lambda: "footbath" not in service.scheduled())
        table = cli("list")
        assert f"The assistant is running (pid {os.getpid()})" in table.stdout
    finally:
        service.stop()
    assert sorted(service_jobs(data_home)) == ["custom-1", "hydration", "stretch"]


def service_jobs(data_home: Path) -> list[str]:
    with closing(sqlite3.connect(data_home / JOB_STORE_FILE)) as conn:
        return [row[0] for row in conn.execute("SELECT id FROM apscheduler_jobs")]
