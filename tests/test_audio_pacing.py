"""Idle microphone reads are big (few wake-ups all night); small once speech may be on."""

from __future__ import annotations

import threading
from collections.abc import Generator, Iterator
from typing import cast

import pytest

from skill.asr.models import LoadedModel
from skill.audio.microphone import MicrophoneSource
from skill.audio.settings import VoiceSettings
from skill.audio.sources import WavFileSource
from skill.interfaces import SAMPLE_RATE
from skill.listening import ListeningService, build_gate, build_recognizer
from tests.pulse import PulseServer
from tests.voice_support import KoreanSpeech

BYTES_PER_MS = SAMPLE_RATE * 2 // 1000


@pytest.mark.audio
def test_the_microphone_hands_over_big_reads_while_idle_and_blocks_once_paced(
    pulse_server: PulseServer,
) -> None:
    microphone = MicrophoneSource(device="pulse", block_seconds=0.05, idle_seconds=0.4)
    # A generator: closing it closes the stream, as ListeningService.stop does.
    chunks = cast(Generator[bytes, None, None], microphone.chunks())
    try:
        idle = [len(next(chunks)) for _ in range(4)]
        microphone.pace(True)
        next(chunks)  # the read that was under way when the pace changed
        active = [len(next(chunks)) for _ in range(6)]
        microphone.pace(False)
        next(chunks)
        idle_again = [len(next(chunks)) for _ in range(3)]
    finally:
        microphone.close()
        chunks.close()
    # soxr hands its output over in its own steps (~34 ms at 44.1 kHz), so single chunks vary;
    # 400 ms reads and 50 ms reads are still far apart.
    assert all(300 * BYTES_PER_MS <= n <= 500 * BYTES_PER_MS for n in idle + idle_again), idle
    assert 30 * BYTES_PER_MS <= sum(active) / len(active) <= 70 * BYTES_PER_MS, active
    assert max(active) < 100 * BYTES_PER_MS, active


class PacedSource:
    """Real speech from a file in 100 ms chunks; notes the listener's pace hints in order."""

    def __init__(self, pcm: bytes) -> None:
        self.pcm = pcm
        self.paces: list[tuple[int, bool]] = []
        self.position = 0

    def chunks(self) -> Iterator[bytes]:
        for start in range(0, len(self.pcm), 3200):
            self.position = start
            yield self.pcm[start : start + 3200]

    def pace(self, active: bool) -> None:
        self.paces.append((self.position, active))

    def close(self) -> None:
        pass


def test_the_listener_asks_for_small_blocks_from_speech_until_its_transcript(
    ko_model: LoadedModel, korean_speech: KoreanSpeech,
) -> None:
    silence = bytes(SAMPLE_RATE * 2 * 2)
    speech = b"".join(WavFileSource(korean_speech("좋아졌어요")).chunks())
    source = PacedSource(silence + speech + silence)
    settings = VoiceSettings()
    heard: list[tuple[int, str]] = []
    service = ListeningService(source, build_recognizer(settings, "ko"),
                               lambda text: heard.append((source.position, text)),
                               gate=build_gate(settings))
    service.run()
    assert [active for _, active in source.paces] == [False, True, False], source.paces
    (_, idle), (speech_at, _), (done_at, _) = source.paces
    assert len(silence) - 3200 <= speech_at < len(silence) + len(speech)
    assert heard and heard[0][0] <= done_at, "small blocks until the utterance was answered"


def test_barge_in_keeps_small_blocks_while_the_assistant_speaks(
    ko_model: LoadedModel,
) -> None:
    speaking = threading.Event()
    source = PacedSource(bytes(SAMPLE_RATE * 2))
    settings = VoiceSettings()
    service = ListeningService(source, build_recognizer(settings, "ko"), lambda _text: None,
                               gate=build_gate(settings), attentive=speaking.is_set)
    chunks = source.chunks()
    service.process(next(chunks))
    speaking.set()
    service.process(next(chunks))
    speaking.clear()
    service.process(next(chunks))
    assert [active for _, active in source.paces] == [False, True, False]
