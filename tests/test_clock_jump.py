"""A wall-clock jump during a first-aid flow (NTP setting a Raspberry Pi's clock forward after
boot, an admin setting the time) must not fire the ten-minute cramp timer a minute in.

The jump is real for the whole `cramp-coach ask` process: a sitecustomize shim moves time.time
by what a file says, as faketime would (the machine's own clock is shared and not ours to set)."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from skill.dialogue.timeutil import SteadyClock
from tests.storage_support import CLI, cli_env

SHIM = """
import os, time
_real, _offset = time.time, os.environ["CLOCK_OFFSET_FILE"]

def _jumped():
    try:
        with open(_offset) as handle:
            return _real() + float(handle.read() or 0)
    except (OSError, ValueError):
        return _real()

time.time = _jumped
"""
JUMP_SECONDS = 15 * 60
"""Past the ten-minute cramp timer, short of the half hour that closes an idle episode."""


def _turn(ask: subprocess.Popen[str], line: str) -> dict[str, Any]:
    assert ask.stdin is not None and ask.stdout is not None
    ask.stdin.write(line + "\n")
    ask.stdin.flush()
    answer: dict[str, Any] = json.loads(ask.stdout.readline())
    return answer


def test_a_clock_set_forward_mid_flow_does_not_fire_the_cramp_timer(
    tmp_path: Path, data_home: Path
) -> None:
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(SHIM, encoding="utf-8")
    offset = tmp_path / "offset"
    offset.write_text("0", encoding="utf-8")
    env = {**cli_env(data_home), "PYTHONPATH": str(shim), "CLOCK_OFFSET_FILE": str(offset)}
    ask = subprocess.Popen([*CLI, "ask", "--json", "--silent"], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    try:
        first = _turn(ask, "my calf is cramping")
        offset.write_text(str(JUMP_SECONDS), encoding="utf-8")  # NTP: the clock moves forward
        after = _turn(ask, "next")
    finally:
        ask.communicate(timeout=120)
    assert any(key.startswith("first_aid.calf") for key in first["reply_keys"]), first
    assert after["intent"] == "control.next" and after["reply_keys"], after
    assert not any(key.startswith("escalation.") for key in after["reply_keys"]), after


def test_the_steady_clock_takes_the_wall_clock_again_only_on_resync(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = SteadyClock()
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + JUMP_SECONDS)
    assert clock() < time.time() - JUMP_SECONDS / 2  # mid-flow: the jump is not followed
    clock.resync()
    assert clock() > real() + JUMP_SECONDS / 2  # idle: the corrected wall clock is taken
