"""pyttsx3 synthesis in a persistent worker process; a watchdog kills and restarts it on overrun."""

from __future__ import annotations

import contextlib
import json
import logging
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO, Any

log = logging.getLogger(__name__)

WORKER_COMMAND = (sys.executable, "-m", "skill.speech.synth_worker")


class SynthError(Exception):
    """The engine could not turn this text into a WAV file."""


class SynthTimeout(SynthError):
    """The engine overran the watchdog and was killed."""


class EngineUnavailable(SynthError):
    """The engine process did not start (missing, crashed or hung at start-up)."""


@dataclass(frozen=True)
class Voice:
    """How one sentence should sound; part of the cache key."""

    voice: str
    """pyttsx3 voice id, name or language code; empty: the engine's default."""
    rate: int
    """Words per minute."""
    volume: float
    """0.0 to 1.0."""


def engine_version() -> str:
    """Names the engine for cache keys, so an engine upgrade never plays stale audio."""
    try:
        return f"pyttsx3-{version('pyttsx3')}"
    except PackageNotFoundError:
        return "pyttsx3-unknown"


class Pyttsx3Synth:
    """Talks to one worker process; thread-safe (one request at a time)."""

    def __init__(self, command: tuple[str, ...] | list[str] = WORKER_COMMAND,
                 timeout: float = 10.0) -> None:
        self.command = list(command)
        self.timeout = timeout
        """Seconds a start-up or one sentence may take before the worker is killed."""
        self.voices: list[dict[str, Any]] = []
        self.engine = engine_version()
        self._process: subprocess.Popen[str] | None = None
        self._replies: queue.Queue[str | None] = queue.Queue()
        self._lock = threading.Lock()
        self._next_id = 0

    def synthesize(self, text: str, voice: Voice, path: Path) -> Path:
        """Write `text` spoken with `voice` to the WAV `path`; raises SynthError/SynthTimeout."""
        with self._lock:
            self._ensure_started(time.monotonic() + self.timeout)
            deadline = time.monotonic() + self.timeout
            self._next_id += 1
            request = {"id": self._next_id, "text": text, "path": str(path),
                       "voice": voice.voice, "rate": voice.rate, "volume": voice.volume}
            self._send(request)
            while True:
                reply = self._receive(deadline, "speaking")
                if reply.get("id") == self._next_id:
                    break
        if not reply.get("ok"):
            raise SynthError(str(reply.get("error", "synthesis failed")))
        if "voice_missing" in reply:
            log.warning("voice %r not found; the engine's default voice was used",
                        reply["voice_missing"])
        return path

    def start(self) -> None:
        """Start the worker ahead of the first sentence (warm-up); raises SynthError."""
        with self._lock:
            self._ensure_started(time.monotonic() + self.timeout)

    def close(self) -> None:
        with self._lock:
            self._kill()

    def _ensure_started(self, deadline: float) -> None:
        if self._process is not None and self._process.poll() is None:
            return
        self._kill()
        try:
            self._start(deadline)
        except EngineUnavailable:
            raise
        except SynthError as exc:
            raise EngineUnavailable(str(exc)) from exc

    def _start(self, deadline: float) -> None:
        try:
            process = subprocess.Popen(
                self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL, text=True, encoding="utf-8",
            )
        except OSError as exc:
            raise SynthError(f"cannot start the synthesis worker: {exc}") from exc
        self._process = process
        self._replies = queue.Queue()
        assert process.stdout is not None
        threading.Thread(target=_pump, args=(process.stdout, self._replies),
                         name="speech-synth-reader", daemon=True).start()
        ready = self._receive(deadline, "starting")
        if not ready.get("ready"):
            self._kill()
            raise EngineUnavailable(f"the TTS engine did not start: {ready.get('error', ready)}")
        self.voices = list(ready.get("voices", []))
        self.engine = str(ready.get("engine") or self.engine)

    def _send(self, request: dict[str, Any]) -> None:
        process = self._process
        assert process is not None and process.stdin is not None
        try:
            process.stdin.write(json.dumps(request) + "\n")
            process.stdin.flush()
        except OSError as exc:
            self._kill()
            raise SynthError(f"the synthesis worker went away: {exc}") from exc

    def _receive(self, deadline: float, doing: str) -> dict[str, Any]:
        try:
            line = self._replies.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            pid = self._process.pid if self._process else None
            self._kill()
            log.warning("watchdog: TTS worker (pid %s) overran %.1f s while %s; killed",
                        pid, self.timeout, doing)
            raise SynthTimeout(f"TTS worker overran {self.timeout:.1f} s while {doing}") from None
        if line is None:
            self._kill()
            raise SynthError(f"the synthesis worker exited while {doing}")
        try:
            reply = json.loads(line)
        except ValueError:
            return {"id": None}
        return reply if isinstance(reply, dict) else {"id": None}

    def _kill(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.kill()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            log.error("TTS worker pid %s did not die after SIGKILL", process.pid)
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


def _pump(stream: IO[str], replies: queue.Queue[str | None]) -> None:
    """Move the worker's reply lines to a queue so the parent can wait on them with a timeout."""
    try:
        for line in stream:
            replies.put(line)
    except (OSError, ValueError):
        pass
    replies.put(None)

