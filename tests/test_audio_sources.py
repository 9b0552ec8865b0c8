"""WAV and raw PCM sources: any WAV becomes 16 kHz mono int16 chunks, bad input a clear error."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np
import pytest

from skill.audio.sources import CHUNK_BYTES, AudioFormatError, RawPcmSource, WavFileSource


def write_wav(path: Path, rate: int, channels: int, width: int, seconds: float = 1.0) -> Path:
    count = int(rate * seconds)
    tone = np.sin(2 * np.pi * 440 * np.arange(count) / rate) * 0.5
    if width == 1:
        data = (tone * 127 + 128).astype(np.uint8)
    elif width == 2:
        data = (tone * 32767).astype("<i2")
    else:
        data = (tone * 2**31).astype("<i4")
    frames = np.repeat(data, channels).tobytes()
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(width)
        wav.setframerate(rate)
        wav.writeframes(frames)
    return path


@pytest.mark.parametrize(("rate", "channels", "width"),
                         [(16000, 1, 2), (44100, 2, 2), (8000, 1, 1), (48000, 1, 4)])
def test_any_wav_becomes_one_second_of_16k_mono(tmp_path: Path, rate: int, channels: int,
                                                width: int) -> None:
    source = WavFileSource(write_wav(tmp_path / "a.wav", rate, channels, width))
    pcm = b"".join(source.chunks())
    assert len(pcm) == 2 * 16000
    samples = np.frombuffer(pcm, dtype="<i2")
    assert 0.3 < np.abs(samples).max() / 32768 < 0.6  # the tone kept its level
    assert source.converted == ((rate, channels, width) != (16000, 1, 2))


def test_chunks_are_100_ms(tmp_path: Path) -> None:
    chunks = list(WavFileSource(write_wav(tmp_path / "a.wav", 16000, 1, 2)).chunks())
    assert {len(c) for c in chunks} == {CHUNK_BYTES}


def test_corrupt_wav_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.wav"
    path.write_bytes(b"RIFF\x10\x00\x00\x00WAVEjunkjunkjunk")
    with pytest.raises(AudioFormatError, match="broken.wav: not a readable PCM WAV file"):
        WavFileSource(path)


def test_missing_wav_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(AudioFormatError, match="no such file"):
        WavFileSource(tmp_path / "nothing.wav")


def test_too_low_rate_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(AudioFormatError, match="4000 Hz is too low"):
        WavFileSource(write_wav(tmp_path / "low.wav", 4000, 1, 2))


def test_raw_pcm_keeps_whole_samples() -> None:
    data = bytes(range(256)) * 30 + b"\x01"  # an odd trailing byte
    pcm = b"".join(RawPcmSource(io.BytesIO(data)).chunks())
    assert pcm == data[:-1]
