"""The log going away (journald restarted, the terminal closed: stderr and stdout now fail with
EPIPE) neither ends `cramp-coach run` nor silences first aid; real run, real PulseAudio."""

from __future__ import annotations

import json
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from skill.log_streams import SturdyStream, guard_streams, stream_problems
from tests.pulse import PulseServer
from tests.run_process import KOREAN, seconds, voiced_seconds
from tests.voice_support import CALF_TRIES, KoreanSpeech

ANSWER_SECONDS = 8.0
"""How long a person waits for an answer before saying it again."""


def spoken_keys(home: Path) -> list[str]:
    with closing(sqlite3.connect(home / "history.db")) as db:
        rows = db.execute("SELECT data FROM events WHERE kind = 'spoken'").fetchall()
    return [json.loads(data)["key"] for (data,) in rows]


@pytest.mark.audio
def test_run_with_its_log_pipe_closed_stays_up_and_speaks_first_aid(
    pulse_server: PulseServer, data_home: Path, korean_speech: KoreanSpeech, tmp_path: Path,
) -> None:
    config = data_home / "config.toml"
    config.write_text(KOREAN, encoding="utf-8")
    run = subprocess.Popen(
        [sys.executable, "-m", "skill", "--config", str(config), "run", "--no-admin"],
        env={**os.environ, **pulse_server.env, "CRAMP_COACH_HOME": str(data_home)},
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert run.stdout is not None and run.stderr is not None
    try:
        for line in run.stderr:
            if "listening (ko" in line:
                break
        run.stderr.close()  # the log reader goes away: every later log line fails with EPIPE
        run.stdout.close()
        time.sleep(2.5)  # a fresh monitor source may deliver nothing for about two seconds
        room = tmp_path / "room.wav"
        recorder = pulse_server.record(room, 0)
        played = 0.0
        for text, speed in CALF_TRIES:
            clip = korean_speech(text, speed)
            pulse_server.play(clip)
            played += seconds(clip)
            time.sleep(ANSWER_SECONDS)
            if "first_aid.calf.straighten" in spoken_keys(data_home):
                break
        time.sleep(4.0)  # let the step play into the recording
        recorder.terminate()
        recorder.wait(10)
        assert run.poll() is None, f"run exited with {run.returncode}"
    finally:
        run.send_signal(signal.SIGTERM)
        code = run.wait(30)
    assert code == 0
    assert "first_aid.calf.straighten" in spoken_keys(data_home)
    assert voiced_seconds(room) > played + 2.0, "first aid was logged but not heard"


def test_a_closed_log_pipe_is_noted_once_and_never_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    read, write = os.pipe()
    os.close(read)
    broken = os.fdopen(write, "w", buffering=1)
    handler = logging.StreamHandler(broken)
    logger = logging.getLogger()
    monkeypatch.setattr(sys, "stderr", broken)
    monkeypatch.setattr(sys, "stdout", sys.__stdout__)
    logger.addHandler(handler)
    try:
        guard_streams()
        assert isinstance(sys.stderr, SturdyStream) and handler.stream is sys.stderr
        for _ in range(3):
            logging.getLogger("probe").warning("a line nobody reads")
            print("a sentence nobody reads", file=sys.stderr, flush=True)
    finally:
        logger.removeHandler(handler)
        monkeypatch.setattr(sys, "stderr", sys.__stderr__)
        with pytest.raises(BrokenPipeError):
            broken.close()  # its buffer still holds what could not be written
    lines = [line for line in stream_problems() if line.startswith("stderr")]
    assert len(lines) == 1 and "Broken pipe" in lines[0], stream_problems()
