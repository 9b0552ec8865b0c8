"""Reminders are at least once and honest across kill -9: a real `cramp-coach run`, killed 20 times
at random moments around due times, says every reminder in full, and none twice.

Text speech (engine "none") prints each sentence in one write, so "heard in full" is the line in
the process's output. Reminders are seconds apart so the whole run takes about two minutes.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from scheduler.catalog import ReminderCatalog
from scheduler.definitions import DEFINITIONS_FILE, DefinitionStore
from scheduler.settings import ReminderSettings
from skill.config import DEFAULT_CONFIG_PATH
from tests.storage_support import CLI, cli_env

KILLS = 20
REMINDERS = 12
SPACING = 7.0
"""Seconds between two reminders: about one start-and-kill cycle."""
FIRST_AFTER = 12.0
DEADLINE = 60.0
"""Longest wait for one step: a start, an exit after SIGTERM."""

pytestmark = pytest.mark.usefixtures("semantic_cache")
"""The English head is trained once, here, before any `run` starts: a `run` with no cached head
trains it in a child process for minutes, which outlives a kill -9 and loads the machine."""


def _configured(text: str, old: str, new: str) -> str:
    assert old in text, f"the default config no longer has {old}"
    return text.replace(old, new)


def prepare(home: Path) -> list[tuple[datetime, str]]:
    """Text speech, no quiet hours, defaults off, REMINDERS reminders a few seconds apart."""
    text = DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")
    text = _configured(text, 'engine = "pyttsx3"', 'engine = "none"')
    # Quiet hours off, so the test means the same at any time of day (midnight included).
    text = _configured(text, 'quiet_start = "22:30"', 'quiet_start = "00:00"')
    text = _configured(text, 'quiet_end = "07:30"', 'quiet_end = "00:00"')
    (home / "config.toml").write_text(text, encoding="utf-8")
    settings = ReminderSettings()
    catalog = ReminderCatalog(settings, DefinitionStore(home / DEFINITIONS_FILE))
    for default in ("hydration", "footbath", "stretch"):
        catalog.set_enabled(default, False)
    start = datetime.now(settings.zone()).replace(microsecond=0) + timedelta(seconds=FIRST_AFTER)
    due = []
    for number in range(REMINDERS):
        moment = start + timedelta(seconds=round(number * SPACING))
        words = f"Kill test {number}"
        catalog.add(moment.time(), words)
        due.append((moment, f"Reminder: {words}"))
    return due


class Run:
    """One `cramp-coach run` with its output in a file; started() returns once it is running.

    It runs in a session of its own, so whatever it starts (the semantic head's helper) is
    found by its process group: a kill -9 ends the group, as the service manager would, and a
    helper left behind after SIGTERM is a leak the test reports.
    """

    def __init__(self, home: Path, out: Path) -> None:
        self.out = out.open("w")
        self.process = subprocess.Popen(
            [*CLI, "run", "--no-listen", "--no-admin"], env=cli_env(home), text=True,
            stdin=subprocess.DEVNULL, stdout=self.out, stderr=subprocess.PIPE,
            start_new_session=True)
        self.log: list[str] = []
        self._running = threading.Event()
        # Read the log from the start, so started() keeps its deadline when nothing is written
        # and a full pipe never blocks the process.
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.log.append(line)
            if "cramp-coach is running" in line:
                self._running.set()

    def started(self) -> Run:
        deadline = time.monotonic() + DEADLINE
        while not self._running.wait(0.2):
            assert self.process.poll() is None, f"run ended before it was running: {self.log}"
            assert time.monotonic() < deadline, f"not running after {DEADLINE} s: {self.log}"
        assert not any("Traceback" in line for line in self.log), self.log
        return self

    def end(self, signum: int) -> int:
        """Send `signum`; the exit code. After SIGKILL the whole group goes too; after SIGTERM
        nothing of it may be left."""
        self.process.send_signal(signum)
        try:
            code = self.process.wait(timeout=DEADLINE)
        finally:
            left = self.kill_group()
            self._reader.join(DEADLINE)
            assert self.process.stderr is not None
            self.process.stderr.close()
            self.out.close()
        assert signum == signal.SIGKILL or not left, f"processes left after SIGTERM: {self.log}"
        return code

    def kill_group(self) -> bool:
        """Kill whatever is left of the run's process group; whether anything was."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            return False
        if self.process.poll() is None:
            self.process.wait(DEADLINE)
        return True


@pytest.fixture
def runs() -> Iterator[list[Run]]:
    """Every run started; any still alive when the test ends (failed) is killed with its group."""
    started: list[Run] = []
    yield started
    for run in started:
        run.kill_group()


def next_due(due: list[tuple[datetime, str]]) -> datetime | None:
    now = datetime.now(due[0][0].tzinfo)
    return next((moment for moment, _ in due if moment > now - timedelta(seconds=1)), None)


# 21 cold starts of the assistant take 2-3 minutes alone and twice that on a loaded machine;
# every step has its own DEADLINE, this only bounds the whole.
@pytest.mark.timeout(900)
def test_twenty_kills_around_due_times_every_reminder_heard_once(
    data_home: Path, tmp_path: Path, runs: list[Run]
) -> None:
    due = prepare(data_home)
    rng = random.Random(13)
    outputs: list[Path] = []
    for kill in range(KILLS):
        outputs.append(tmp_path / f"run-{kill}.out")
        runs.append(Run(data_home, outputs[-1]))
        run = runs[-1].started()
        moment = next_due(due)
        if moment is not None:
            # Somewhere from just before the due time to just after it has been printed.
            wait = (moment - datetime.now(moment.tzinfo)).total_seconds() + rng.uniform(-1, 1.5)
            time.sleep(max(0.0, wait))
        else:
            time.sleep(rng.uniform(0, 1))
        run.end(signal.SIGKILL)
    outputs.append(tmp_path / "run-last.out")
    runs.append(Run(data_home, outputs[-1]))
    run = runs[-1].started()
    last = due[-1][0]
    while datetime.now(last.tzinfo) < last + timedelta(seconds=5):
        time.sleep(0.2)
    time.sleep(2)
    assert run.end(signal.SIGTERM) == 0
    print({out.name: out.read_text() for out in outputs})
    lines = [line for out in outputs for line in out.read_text().splitlines()]
    counts = {sentence: lines.count(sentence) for _, sentence in due}
    assert counts == {sentence: 1 for _, sentence in due}
