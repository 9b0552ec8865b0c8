"""Synthesis worker process: pyttsx3 `save_to_file` per request, JSON lines in and out.

Runs apart from the skill so that a stuck engine (pyttsx3's espeak driver can hang) is killed by
the parent's watchdog instead of hanging the speech queue. Protocol: the worker first writes
`{"ready": true, "engine": ..., "voices": [...]}`; then for each request line
`{"id", "text", "path", "voice", "rate", "volume"}` it answers `{"id", "ok", "error"?, "voice"?}`.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import wave
from collections.abc import Callable
from typing import IO, Any

Handler = Callable[[dict[str, Any]], dict[str, Any]]


class Worker:
    """One pyttsx3 engine, configured per request; voice names resolved against its voice list."""

    def __init__(self) -> None:
        import pyttsx3

        self.engine = pyttsx3.init()
        # The espeak driver's runAndWait returns before the file is written (synthesis runs on
        # espeak's own thread), so wait for the end-of-utterance event instead.
        self._finished = threading.Event()
        self.engine.connect("finished-utterance", self._on_finished)
        self.engine.runAndWait()  # a new driver counts as busy (queuing every set) until it has run
        self.voices = [
            {"id": v.id, "name": v.name, "languages": [str(x) for x in (v.languages or [])]}
            for v in self.engine.getProperty("voices")
        ]

    def resolve_voice(self, wanted: str) -> str | None:
        """Voice id for an id, a name or a language code (case-insensitive); None if unknown."""
        low = wanted.strip().lower()
        for field in ("id", "name"):
            for voice in self.voices:
                if str(voice[field]).lower() == low:
                    return str(voice["id"])
        for voice in self.voices:
            if low in (lang.lower() for lang in voice["languages"]):
                return str(voice["id"])
        for voice in self.voices:
            if str(voice["id"]).lower().endswith("/" + low):
                return str(voice["id"])
        return None

    def _on_finished(self, name: object = None, completed: bool = True) -> None:
        self._finished.set()

    def _apply(self, name: str, value: float) -> None:
        """Set a property and read it back: the espeak driver sometimes drops a set (a race)."""
        for _ in range(50):
            self.engine.setProperty(name, value)
            current = self.engine.getProperty(name)
            if isinstance(current, int | float) and abs(float(current) - value) < 0.011:
                return
            time.sleep(0.005)
        print(f"{name} stays {self.engine.getProperty(name)!r}, wanted {value!r}", file=sys.stderr)

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        reply: dict[str, Any] = {"id": request.get("id")}
        voice = str(request.get("voice") or "")
        if voice:
            voice_id = self.resolve_voice(voice)
            if voice_id is None:
                reply["voice_missing"] = voice
            else:
                self.engine.setProperty("voice", voice_id)
                reply["voice"] = voice_id
        self._apply("rate", int(request["rate"]))
        self._apply("volume", float(request["volume"]))
        path = str(request["path"])
        frames = 0
        for _ in range(3):  # the espeak driver now and then finishes with an empty buffer
            frames = self._save(str(request["text"]), path)
            if frames > 0:
                return {**reply, "ok": True, "frames": frames}
        return {**reply, "ok": False, "error": f"no audio written (frames: {frames})"}

    def _save(self, text: str, path: str) -> int:
        """Synthesise into `path`; returns the number of frames written (-1: no valid file)."""
        self._finished.clear()
        self.engine.save_to_file(text, path)
        self.engine.runAndWait()
        self._finished.wait()  # the parent's watchdog kills this process if it never comes
        # The driver reports the end before it is idle again; properties set while it is still
        # busy would be queued behind this utterance and miss the next one.
        while self.engine.isBusy():
            time.sleep(0.002)
        _synchronize()
        try:
            with wave.open(path, "rb") as wav:
                return wav.getnframes()
        except (OSError, EOFError, wave.Error):
            return -1


def _synchronize() -> None:
    """Let espeak's own thread finish the utterance; a rate set earlier would be lost."""
    try:
        from pyttsx3.drivers import _espeak
    except (ImportError, OSError):  # another platform's driver: nothing to wait for
        return
    _espeak.Synchronize()


def serve(lines: IO[str], out: IO[str], handler: Handler) -> None:
    """Answer each JSON request line on `lines` with one JSON line on `out`."""
    for line in lines:
        if not line.strip():
            continue
        request_id = None
        try:
            request = json.loads(line)
            request_id = request.get("id")
            reply = handler(request)
        except Exception as exc:  # the parent must always get an answer, never a dead pipe
            reply = {"id": request_id, "ok": False, "error": f"{type(exc).__name__}: {exc}"}
        out.write(json.dumps(reply) + "\n")
        out.flush()


def protocol_stream() -> IO[str]:
    """The real stdout for the protocol; fd 1 then points at stderr (pyttsx3 prints to stdout)."""
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    return out


def main() -> int:
    out = protocol_stream()
    try:
        worker = Worker()
    except Exception as exc:
        out.write(json.dumps({"ready": False, "error": f"{type(exc).__name__}: {exc}"}) + "\n")
        out.flush()
        return 1
    from importlib.metadata import version

    engine = f"pyttsx3-{version('pyttsx3')}"
    out.write(json.dumps({"ready": True, "engine": engine, "voices": worker.voices}) + "\n")
    out.flush()
    serve(sys.stdin, out, worker.handle)
    return 0


if __name__ == "__main__":
    sys.exit(main())
