"""First aid never depends on storage: damaged files, a read-only data directory, a full disk.

Real faults only: garbage bytes in the files, a read-only bind mount, a tmpfs filled to the brim;
`ask` and `run` as real subprocesses.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest

from skill.config import DEFAULT_CONFIG_PATH
from tests.storage_support import CLI, cli_env, fill_up, read_only_view, small_disk

CALF = "my calf is cramping"
GARBAGE = bytes(range(256)) * 40
UP_SECONDS = 4.0
"""How long `run` must stay up after saying it is running."""


def text_config(home: Path) -> None:
    """config.toml with text speech (no sound server needed) and no admin page."""
    text = DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")
    (home / "config.toml").write_text(text.replace('engine = "pyttsx3"', 'engine = "none"'))


def used_home(home: Path) -> None:
    """A data directory as a few days of use leave it: config, diary, reminder list, job store."""
    text_config(home)
    env = cli_env(home)
    subprocess.run([*CLI, "ask", "--silent", CALF], env=env, check=True, capture_output=True)
    subprocess.run([*CLI, "reminders", "add", "--at", "07:15", "--text", "Drink water"],
                   env=env, check=True, capture_output=True)


def garbage(name: str) -> Callable[[Path], None]:
    def damage(home: Path) -> None:
        (home / name).write_bytes(GARBAGE)
        for extra in ("-wal", "-shm"):
            (home / f"{name}{extra}").unlink(missing_ok=True)
    return damage


def half_written_diary(home: Path) -> None:
    path = home / "history.db"
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    os.truncate(path, path.stat().st_size // 2)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    used_home(path)
    return path


@pytest.fixture(params=["garbage diary", "half-written diary", "garbage reminder list",
                        "read-only data directory", "full disk"])
def broken_home(request: pytest.FixtureRequest, home: Path, tmp_path: Path) -> Iterator[Path]:
    """The data directory with one fault."""
    if request.param == "read-only data directory":
        with read_only_view(home, tmp_path / "ro") as view:
            yield view
        return
    if request.param == "full disk":
        with small_disk(tmp_path / "disk") as disk:
            for path in home.iterdir():
                if path.is_dir():
                    continue  # a cache: on a full disk it cannot be rebuilt, and must not be needed
                shutil.copy(path, disk / path.name)
            fill_up(disk)
            yield disk
        return
    {"garbage diary": garbage("history.db"), "half-written diary": half_written_diary,
     "garbage reminder list": garbage("reminders.sqlite")}[request.param](home)
    yield home


def snapshot(home: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in home.iterdir()
            if p.suffix in (".db", ".sqlite") and p.is_file()}


def assert_first_aid(stdout: str) -> None:
    turn = json.loads(stdout.strip().splitlines()[-1])
    assert turn["intent"] == "cramp.calf"
    assert any(key.startswith("first_aid.calf") for key in turn["reply_keys"])


def test_ask_gives_first_aid_without_a_traceback(broken_home: Path) -> None:
    before = snapshot(broken_home)
    result = subprocess.run([*CLI, "ask", "--json", "--silent", CALF], env=cli_env(broken_home),
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert_first_aid(result.stdout)
    damaged = {n for n, data in before.items() if data[:16] != b"SQLite format 3\0"}
    assert {n: before[n] for n in damaged} == {n: snapshot(broken_home)[n] for n in damaged}


def test_run_starts_stays_up_and_stops_cleanly(broken_home: Path) -> None:
    before = snapshot(broken_home)
    process = subprocess.Popen([*CLI, "run", "--no-listen", "--no-admin"],
                               env=cli_env(broken_home), stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        for line in process.stderr:
            assert "Traceback" not in line
            if "cramp-coach is running" in line:
                break
        time.sleep(UP_SECONDS)
        assert process.poll() is None, "run exited on its own"
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "Traceback" not in err
    for name, data in before.items():
        if data[:16] != b"SQLite format 3\0":
            assert (broken_home / name).read_bytes() == data, f"{name} was changed"


def test_list_and_history_work_on_a_read_only_data_directory(home: Path, tmp_path: Path) -> None:
    with read_only_view(home, tmp_path / "ro") as view:
        env = cli_env(view)
        listed = subprocess.run([*CLI, "reminders", "list", "--json"], env=env, text=True,
                                capture_output=True, timeout=60, check=False)
        history = subprocess.run([*CLI, "history", "--json"], env=env, text=True,
                                 capture_output=True, timeout=60, check=False)
    assert listed.returncode == 0, listed.stderr
    assert "Drink water" in [row["text"] for row in json.loads(listed.stdout)]
    assert history.returncode == 0, history.stderr
    assert json.loads(history.stdout)["episodes"][0]["muscle"] == "calf"


def test_reminder_edit_on_a_read_only_directory_says_make_it_writable(
    home: Path, tmp_path: Path
) -> None:
    with read_only_view(home, tmp_path / "ro") as view:
        result = subprocess.run([*CLI, "reminders", "add", "--at", "08:00", "--text", "Walk"],
                                env=cli_env(view), text=True, capture_output=True, timeout=60,
                                check=False)
    assert result.returncode == 2
    assert f"make {view} writable" in result.stderr
    assert "move" not in result.stderr and "Traceback" not in result.stderr


def test_reminder_edit_on_a_full_disk_says_free_space(home: Path, tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as disk:
        for name in ("config.toml", "reminders.sqlite"):
            shutil.copy(home / name, disk / name)
        fill_up(disk)
        result = subprocess.run(
            [*CLI, "reminders", "add", "--at", "08:00", "--text", "Walk " + "x" * 150],
            env=cli_env(disk), text=True, capture_output=True, timeout=60, check=False)
    assert result.returncode == 2
    assert f"free space on {disk}" in result.stderr
    assert "move" not in result.stderr and "Traceback" not in result.stderr
