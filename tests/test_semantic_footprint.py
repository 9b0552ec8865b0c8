"""The semantic layer's footprint: the lean model answers as the shipped one, and is checked;
a first start that is still training the head stops at once."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from intents.semantic.encoder import LEAN_SHA256, Encoder, lean_model, locate, sha256_of
from skill.systemd_unit import UnitSpec, render_unit
from tests.waiting import wait_for

DATA = Path(__file__).resolve().parent / "data"
ENGLISH = '[general]\nlanguage = "en"\n[reminders]\nenabled = false\n'


def sentences(count: int) -> list[str]:
    """Real lines of the labelled sets (never the sealed ones), long and short alike."""
    lines = [line.split("\t", 1)[0]
             for path in sorted(DATA.glob("en_*.tsv")) if "sealed" not in path.name
             for line in path.read_text(encoding="utf-8").splitlines()[1:]
             if line.strip() and not line.startswith("#")]
    return lines[:: max(1, len(lines) // count)][:count]


@pytest.fixture(scope="module")
def shipped() -> Encoder:
    return Encoder()


def test_lean_model_gives_the_same_vectors_as_the_shipped_one(
        shipped: Encoder, tmp_path_factory: pytest.TempPathFactory) -> None:
    lean = Encoder(cache=tmp_path_factory.mktemp("lean"))
    assert lean.model != shipped.model and sha256_of(lean.model) == LEAN_SHA256
    texts = sentences(200)
    assert len(texts) == 200
    cosines = np.sum(shipped.encode(texts) * lean.encode(texts), axis=1)
    assert cosines.min() >= 0.9999, texts[int(np.argmin(cosines))]


def test_damaged_lean_model_is_rebuilt_from_the_shipped_file(tmp_path: Path) -> None:
    path = lean_model(locate(), tmp_path)
    path.write_bytes(path.read_bytes()[:-10] + b"0123456789")  # same size, other bytes
    assert lean_model(locate(), tmp_path) == path
    assert sha256_of(path) == LEAN_SHA256


def test_unwritable_cache_falls_back_to_the_shipped_model(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache directory should be", encoding="utf-8")
    assert lean_model(locate(), blocked / "cache") == locate().model


def stop_timeout() -> float:
    """The service's TimeoutStopSec: after it systemd kills the assistant."""
    found = re.search(r"^TimeoutStopSec=(\d+)$", render_unit(UnitSpec(sys.executable)), re.M)
    assert found is not None
    return float(found.group(1))


def children(pid: int) -> list[int]:
    return [int(child) for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text(encoding="ascii").split()]


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""



def start_cold(tmp_path: Path) -> tuple[subprocess.Popen[str], Path]:
    """`run` with nothing trained (the head must be trained now), stderr piped."""
    config = tmp_path / "config.toml"
    config.write_text(ENGLISH, encoding="utf-8")
    cold = tmp_path / "cold-cache"
    env = {**os.environ, "CRAMP_COACH_HOME": str(tmp_path / "home"),
           "CRAMP_COACH_MODEL_CACHE": str(cold)}
    process = subprocess.Popen(
        [sys.executable, "-m", "skill", "--config", str(config), "run", "--no-admin"],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True)
    return process, cold


def training_child(process: subprocess.Popen[str], cold: Path) -> int:
    """The pid of the child training the head, once it is encoding."""
    trainer: list[int] = []

    def training() -> bool:
        trainer[:] = [pid for pid in children(process.pid)
                      if "intents.semantic.prepare" in command_line(pid)]
        return bool(trainer)

    assert wait_for(training, 120), "no training child started"
    # let it get into the encoding, the part that used to keep the process from exiting
    assert wait_for(lambda: (cold / "model-lean-4e891bb8c3256eae.onnx").exists(), 120)
    return trainer[0]


def test_a_killed_assistant_leaves_no_child_training_on(tmp_path: Path) -> None:
    """kill -9 (or a crash) gives the assistant no chance to stop its child: the kernel must
    (prctl PDEATHSIG), or it trains on for minutes holding the log pipe open."""
    process, cold = start_cold(tmp_path)
    try:
        trainer = training_child(process, cold)
        process.kill()
        process.wait(30)
        assert wait_for(lambda: command_line(trainer) == "", 30), "training child left running"
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=30)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_stop_during_first_start_training_exits_promptly_and_cleanly(
        tmp_path: Path, signum: signal.Signals) -> None:
    process, cold = start_cold(tmp_path)
    try:
        trainer = training_child(process, cold)
        process.send_signal(signum)
        sent = time.monotonic()
        code = process.wait(stop_timeout())
        took = time.monotonic() - sent
    finally:
        if process.poll() is None:
            process.kill()
        _, stderr = process.communicate(timeout=30)
    assert code == 0, stderr
    assert took < stop_timeout()
    assert "Traceback" not in stderr and "Warning" not in stderr, stderr
    assert wait_for(lambda: command_line(trainer) == "", 5), "training child left running"
    assert not list(cold.glob("head-*.npz"))  # stopped, not finished
