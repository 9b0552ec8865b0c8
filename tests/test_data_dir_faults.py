"""A data directory that cannot be created (XDG_DATA_HOME read-only or full, real mounts): first
aid still comes, in a stand-in directory for the session, said once in the log and on the status
page."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from cramp_common.paths import data_dir
from skill.assistant import Assistant
from skill.config import parse_config
from tests.storage_support import CLI, fill_up, read_only_view, small_disk

CALF = "my calf is cramping"
TEXT_SPEECH = '[speech]\nengine = "none"\n[reminders]\nenabled = false\n'


def ask_env(xdg: Path, tmp: Path) -> dict[str, str]:
    env = dict(os.environ, XDG_DATA_HOME=str(xdg), TMPDIR=str(tmp), PYTHONUNBUFFERED="1")
    env.pop("CRAMP_COACH_HOME", None)
    env.pop("PULSE_SERVER", None)
    return env


def ask_first_aid(xdg: Path, tmp: Path) -> str:
    """`ask` on data home `xdg` gives calf first aid without a traceback; its log."""
    tmp.mkdir()
    result = subprocess.run([*CLI, "ask", "--json", "--silent", CALF], env=ask_env(xdg, tmp),
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    turn = json.loads(result.stdout.strip().splitlines()[-1])
    assert turn["intent"] == "cramp.calf"
    assert any(key.startswith("first_aid.calf") for key in turn["reply_keys"])
    return result.stderr


def test_a_read_only_xdg_data_home_gives_first_aid_from_a_stand_in(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with read_only_view(empty, tmp_path / "ro") as view:
        log = ask_first_aid(view, tmp_path / "tmp")
    lines = [line for line in log.splitlines() if "data directory" in line]
    assert len(lines) == 1 and f"make {view} writable" in lines[0], log
    assert (tmp_path / "tmp" / f"cramp-coach-data-{os.getuid()}" / "history.db").exists()


def test_a_full_xdg_data_home_gives_first_aid_and_says_free_space(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as disk:
        fill_up(disk)
        log = ask_first_aid(disk, tmp_path / "tmp")
    warnings = [line for line in log.splitlines() if " WARNING " in line]
    assert warnings and all(f"free space on {disk}" in line or "No space left" in line
                            for line in warnings), log


def test_the_running_assistant_shows_the_stand_in_as_a_storage_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.delenv("CRAMP_COACH_HOME")
    with read_only_view(empty, tmp_path / "ro") as view:
        monkeypatch.setenv("XDG_DATA_HOME", str(view))
        assert data_dir() == tmp_path / f"cramp-coach-data-{os.getuid()}"
        config, _ = parse_config(TEXT_SPEECH)
        assistant = Assistant(config, listen=False)
        try:
            said = assistant.handle_text(CALF)
            notes = assistant.status().notes
            problems = assistant.storage_problems()
        finally:
            assistant.stop()
    assert any("straighten" in line for line in said)
    assert [note for note in notes if "data directory" in note] == problems
    assert len(problems) == 1 and f"make {view} writable" in problems[0]
