"""Synthesised sentences as WAV files, keyed by text, voice, rate, volume and engine version."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

from skill.speech.synth import Voice

log = logging.getLogger(__name__)


class SpeechCache:
    """A directory of `<sha256>.wav`; any change to the voice settings gives a different key."""

    def __init__(self, root: Path, max_files: int = 2000) -> None:
        self.root = root
        self.max_files = max_files
        self.root.mkdir(parents=True, exist_ok=True)

    @staticmethod
    def key(text: str, voice: Voice, engine: str) -> str:
        blob = json.dumps([text, voice.voice, voice.rate, round(voice.volume, 3), engine],
                          ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def path(self, text: str, voice: Voice, engine: str) -> Path:
        return self.root / f"{self.key(text, voice, engine)}.wav"

    def get(self, text: str, voice: Voice, engine: str) -> Path | None:
        path = self.path(text, voice, engine)
        return path if path.is_file() and path.stat().st_size > 44 else None

    def staging_path(self, final: Path) -> Path:
        """Where the engine writes before the file is renamed into place (never a half file)."""
        return final.with_name(f".{final.stem}.{os.getpid()}.tmp.wav")

    def commit(self, staged: Path, final: Path) -> Path:
        os.replace(staged, final)
        return final

    def prune(self) -> int:
        """Delete the oldest files beyond max_files; returns how many went."""
        files = sorted(self.root.glob("*.wav"), key=lambda p: p.stat().st_mtime)
        excess = files[: max(0, len(files) - self.max_files)]
        for path in excess:
            path.unlink(missing_ok=True)
        if excess:
            log.info("speech cache: removed %d old sentences", len(excess))
        return len(excess)
