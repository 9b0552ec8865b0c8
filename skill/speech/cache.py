"""Synthesised sentences as WAV files, keyed by text, voice, rate, volume and engine version."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from pathlib import Path

from skill.speech.synth import Voice

log = logging.getLogger(__name__)

MIN_FREE_BYTES = 8 * 1024 * 1024
"""Below this much free space in the cache, new sentences go to a spill directory in memory:
speech must not depend on free disk space (a full disk would otherwise silence first aid)."""


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
        """Where the sentence is (or goes): the cache, or the spill directory when it is full."""
        name = f"{self.key(text, voice, engine)}.wav"
        main = self.root / name
        if main.is_file() or not self._low_on_space():
            return main
        return self.spill_root() / name

    def get(self, text: str, voice: Voice, engine: str) -> Path | None:
        name = f"{self.key(text, voice, engine)}.wav"
        for path in (self.root / name, self.spill_root(create=False) / name):
            if path.is_file() and path.stat().st_size > 44:
                return path
        return None

    def _low_on_space(self) -> bool:
        try:
            return shutil.disk_usage(self.root).free < MIN_FREE_BYTES
        except OSError:
            return True

    def spill_root(self, create: bool = True) -> Path:
        """A private directory in shared memory (else the temp directory) for a full disk."""
        base = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
        path = base / f"cramp-coach-speech-{os.getuid()}"
        if create:
            path.mkdir(mode=0o700, exist_ok=True)
        return path

    def staging_path(self, final: Path) -> Path:
        """Where the engine writes before the file is renamed into place (never a half file)."""
        return final.with_name(f".{final.stem}.{os.getpid()}.tmp.wav")

    def commit(self, staged: Path, final: Path) -> Path:
        os.replace(staged, final)
        return final

    def prune(self) -> int:
        """Delete the oldest files beyond max_files; returns how many went."""
        spill = self.spill_root(create=False)
        files = sorted([*self.root.glob("*.wav"), *spill.glob("*.wav")],
                       key=lambda p: p.stat().st_mtime)
        excess = files[: max(0, len(files) - self.max_files)]
        for path in excess:
            path.unlink(missing_ok=True)
        if excess:
            log.info("speech cache: removed %d old sentences", len(excess))
        return len(excess)
