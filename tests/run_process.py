"""`cramp-coach run` as a child process on a private sound server, and measures of recordings."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
import wave
from pathlib import Path

import numpy as np

from tests.pulse import PulseServer

KOREAN = '[general]\nlanguage = "ko"\n[reminders]\nenabled = false\n'


class RunProcess:
    """`cramp-coach run` in Korean on a private sound server, its stderr lines timestamped."""

    def __init__(self, home: Path, server: PulseServer, *args: str, config_extra: str = "",
                 ) -> None:
        config = home / "config.toml"
        config.write_text(KOREAN + config_extra, encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "skill", "--config", str(config), "run", *args],
            env={**os.environ, **server.env, "CRAMP_COACH_HOME": str(home)},
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[tuple[float, str]] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            with self._changed:
                self.lines.append((time.monotonic(), line.rstrip("\n")))
                self._changed.notify_all()

    def wait_line(self, pattern: str, after: float, timeout: float) -> float | None:
        """When a line matching `pattern` came after `after` (monotonic), or None."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for at, line in self.lines:
                    if at >= after and regex.search(line):
                        return at
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._changed.wait(left)

    @property
    def text(self) -> str:
        with self._changed:
            return "\n".join(line for _, line in self.lines)

    def terminate(self) -> int:
        """SIGTERM; the exit code (the process is killed after 30 s)."""
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait(10)
        self._reader.join(10)
        assert self.process.stderr is not None
        self.process.stderr.close()
        return code


def seconds(path: Path) -> float:
    """Length of a WAV file."""
    with wave.open(str(path)) as wav:
        return wav.getnframes() / wav.getframerate()


def voiced_seconds(path: Path) -> float:
    """Seconds of a 16 kHz recording louder than quiet (10 ms windows, RMS above 300)."""
    with wave.open(str(path)) as recording:
        samples = np.frombuffer(recording.readframes(recording.getnframes()), dtype=np.int16)
    frames = samples[: len(samples) // 160 * 160].reshape(-1, 160).astype(np.float64)
    return float((np.sqrt((frames**2).mean(axis=1)) > 300).sum()) * 0.01
