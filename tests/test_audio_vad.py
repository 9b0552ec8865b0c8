"""Voice gate: silence and steady noise stay shut; speech opens it with pre-roll and then ends."""

from __future__ import annotations

import numpy as np

from skill.audio.sources import WavFileSource
from skill.audio.vad import FRAME_BYTES, VadGate
from tests.voice_support import KoreanSpeech


def run_gate(gate: VadGate, pcm: bytes, chunk: int = 3200) -> tuple[bytes, int]:
    passed, ended = b"", 0
    for start in range(0, len(pcm), chunk):
        for output in gate.process(pcm[start : start + chunk]):
            passed += output.audio
            ended += output.ended
    return passed, ended


def noise(seconds: float, rms: float, seed: int = 1) -> bytes:
    rng = np.random.default_rng(seed)
    brown = np.cumsum(rng.normal(0, 1, int(seconds * 16000)))
    brown -= np.convolve(brown, np.ones(400) / 400, mode="same")
    brown *= rms / np.std(brown)
    return np.clip(brown, -32768, 32767).astype("<i2").tobytes()


def test_silence_passes_nothing() -> None:
    passed, ended = run_gate(VadGate(), bytes(16000 * 2 * 5))
    assert (passed, ended) == (b"", 0)


def test_steady_loud_noise_does_not_hold_the_gate_open() -> None:
    passed, _ = run_gate(VadGate(), noise(20.0, 4000))
    assert len(passed) < len(noise(2.0, 1))  # under 2 of the 20 seconds reach the recogniser


def test_speech_opens_with_pre_roll_and_ends(korean_speech: KoreanSpeech) -> None:
    pcm = b"".join(WavFileSource(korean_speech("종아리에 쥐가 났어요")).chunks())
    passed, ended = run_gate(VadGate(pre_roll_ms=300), pcm)
    assert ended == 1
    samples = np.frombuffer(pcm, dtype="<i2")
    first_sound = int(np.argmax(np.abs(samples) > 300)) * 2
    start = pcm.index(passed[:FRAME_BYTES * 4])
    assert start <= first_sound - FRAME_BYTES  # audio from before the first syllable passed too


def test_chunk_size_does_not_change_what_passes(korean_speech: KoreanSpeech) -> None:
    pcm = b"".join(WavFileSource(korean_speech("물 마셨어요")).chunks())
    assert run_gate(VadGate(), pcm, 3200) == run_gate(VadGate(), pcm, 777 * 2)
