"""Fixtures for the voice tests: the Korean Vosk model once per session, synthesised questions."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from skill.asr.models import LoadedModel, load_model
from skill.cli.main import main
from tests.pulse import synth_wav

if TYPE_CHECKING:
    from intents.matcher import IntentMatcher


def heard_intents(capsys: pytest.CaptureFixture[str], wav: str) -> list[str | None]:
    """The intents `cramp-coach listen --lang ko --json --silent --wav` reports, one per turn."""
    assert main(["listen", "--lang", "ko", "--json", "--silent", "--wav", wav]) == 0
    out, _ = capsys.readouterr()
    return [json.loads(line)["intent"] for line in out.splitlines() if line.strip()]


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


CALF_TRIES = [("왼쪽 종아리에 쥐가 났어요", 130), ("종아리에 쥐가 났어요", 175)] * 2
"""A calf cramp said up to four times in two ways, as a person who gets no answer would:
espeak's Korean does not always survive the sound server's resampling."""


class Heard:
    """An `on_transcript` for live-microphone tests: every transcript, and a signal for each."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.got = threading.Event()

    def __call__(self, text: str) -> None:
        self.texts.append(text)
        self.got.set()

    def next_intent(self, play: Callable[[Path], object], wav: Path,
                    matcher: IntentMatcher) -> str | None:
        """Play `wav`, wait for what is heard next and return its intent."""
        self.got.clear()
        play(wav)
        assert self.got.wait(15), "nothing was heard"
        return matcher.match(self.texts[-1]).intent

    def calf_tries(self, play: Callable[[Path], object], speech: KoreanSpeech,
                   matcher: IntentMatcher) -> list[str | None]:
        """Say CALF_TRIES through `play` until one is understood; each answer's intent."""
        intents: list[str | None] = []
        for text, speed in CALF_TRIES:
            intents.append(self.next_intent(play, speech(text, speed), matcher))
            if intents[-1] == "cramp.calf":
                break
        return intents
