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
import wave
from collections.abc import Callable
from typing import IO, Any

Handler = Callable[[dict[str, Any]], dict[str, Any]]


class Worker:
    """One pyttsx3 engine, configured per request; voice names resolved against its voice list."""

    def __init__(self) -> None:
        import pyttsx3

        self.engine = pyttsx3.init()
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
        self.engine.setProperty("rate", int(request["rate"]))
        self.engine.setProperty("volume", float(request["volume"]))
        path = str(request["path"])
        self.engine.save_to_file(str(request["text"]), path)
        self.engine.runAndWait()
        try:
            with wave.open(path, "rb") as wav:
                frames = wav.getnframes()
        except (OSError, EOFError, wave.Error) as exc:
            return {**reply, "ok": False, "error": f"no audio written: {exc}"}
        return {**reply, "ok": True, "frames": frames}


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
