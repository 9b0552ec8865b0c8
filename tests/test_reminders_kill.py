"""Reminders are at least once and honest across kill -9: a real `cramp-coach run`, killed 20 times
at random moments around due times, says every reminder in full, and none twice.

Text speech (engine "none") prints each sentence in one write, so "heard in full" is the line in
the process's output. Reminders are seconds apart so the whole run takes about two minutes.
"""

from __future__ import annotations

import random
import signal
import subprocess
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

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


def prepare(home: Path) -> list[tuple[datetime, str]]:
    """Text speech, no quiet hours, defaults off, REMINDERS reminders a few seconds apart."""
    text = DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")
    text = text.replace('engine = "pyttsx3"', 'engine = "none"')
    text = text.replace('quiet_start = "22:30"', 'quiet_start = "00:00"')
    text = text.replace('quiet_end = "07:30"', 'quiet_end = "00:00"')
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
    """One `cramp-coach run` with its output in a file; started() returns once it is running."""

    def __init__(self, home: Path, out: Path) -> None:
        self.out = out.open("w")
        self.process = subprocess.Popen(
            [*CLI, "run", "--no-listen", "--no-admin"], env=cli_env(home), text=True,
            stdin=subprocess.DEVNULL, stdout=self.out, stderr=subprocess.PIPE)
        self._drain: threading.Thread | None = None

    def started(self) -> Run:
        stderr = self.process.stderr
        assert stderr is not None
        deadline = time.monotonic() + DEADLINE
        for line in stderr:
            if "cramp-coach is running" in line:
                # Keep reading the log so a full pipe never blocks the process.
                self._drain = threading.Thread(target=stderr.read, daemon=True)
                self._drain.start()
                return self
            assert time.monotonic() < deadline and "Traceback" not in line, line
        raise AssertionError(f"run ended before it was running (rc {self.process.wait()})")

    def end(self, signum: int) -> int:
        self.process.send_signal(signum)
        code = self.process.wait(timeout=DEADLINE)
        if self._drain is not None:
            self._drain.join(DEADLINE)
        assert self.process.stderr is not None
        self.process.stderr.close()
        self.out.close()
        return code


def next_due(due: list[tuple[datetime, str]]) -> datetime | None:
    now = datetime.now(due[0][0].tzinfo)
    return next((moment for moment, _ in due if moment > now - timedelta(seconds=1)), None)


def test_twenty_kills_around_due_times_every_reminder_heard_once(
    data_home: Path, tmp_path: Path
) -> None:
    due = prepare(data_home)
    rng = random.Random(13)
    outputs: list[Path] = []
    for kill in range(KILLS):
        outputs.append(tmp_path / f"run-{kill}.out")
        run = Run(data_home, outputs[-1]).started()
        moment = next_due(due)
        if moment is not None:
            # Somewhere from just before the due time to just after it has been printed.
            wait = (moment - datetime.now(moment.tzinfo)).total_seconds() + rng.uniform(-1, 1.5)
            time.sleep(max(0.0, wait))
        else:
            time.sleep(rng.uniform(0, 1))
        run.end(signal.SIGKILL)
    outputs.append(tmp_path / "run-last.out")
    run = Run(data_home, outputs[-1]).started()
    last = due[-1][0]
    while datetime.now(last.tzinfo) < last + timedelta(seconds=5):
        time.sleep(0.2)
    time.sleep(2)
    assert run.end(signal.SIGTERM) == 0
    print({out.name: out.read_text() for out in outputs})
    lines = [line for out in outputs for line in out.read_text().splitlines()]
    counts = {sentence: lines.count(sentence) for _, sentence in due}
    assert counts == {sentence: 1 for _, sentence in due}
