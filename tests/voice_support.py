"""Fixtures for the voice tests: the Korean Vosk model once per session, synthesised questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from skill.asr.models import LoadedModel, load_model
from tests.pulse import synth_wav


@pytest.fixture(scope="session")
def ko_model(tmp_path_factory: pytest.TempPathFactory) -> LoadedModel:
    """The Korean model (~1.7 s, ~543 MB), loaded once; every later load_model('ko') shares it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CRAMP_COACH_HOME", str(tmp_path_factory.mktemp("vosk-home")))
        return load_model("ko")


class KoreanSpeech:
    """espeak-ng Korean questions as 16 kHz WAVs, each synthesised once per session."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._made: dict[str, Path] = {}
        """'speed:text' -> WAV."""

    def __call__(self, text: str, speed: int = 175) -> Path:
        """The question as espeak-ng says it at `speed` words per minute (175 is its default)."""
        key = f"{speed}:{text}"
        if key not in self._made:
            name = f"q{len(self._made)}.wav"
            self._made[key] = synth_wav(text, self.directory / name, voice="ko", speed=speed)
        return self._made[key]


@pytest.fixture(scope="session")
def korean_speech(tmp_path_factory: pytest.TempPathFactory) -> KoreanSpeech:
    return KoreanSpeech(tmp_path_factory.mktemp("ko-speech"))
