"""File and stream sources: any WAV file, or raw 16 kHz mono int16 PCM from a binary stream."""

from __future__ import annotations

import struct
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np

from skill.interfaces import SAMPLE_RATE

CHUNK_BYTES = 3200
"""100 ms of 16 kHz int16 mono: the chunk size the file and stream sources yield (the
microphone yields what it read: 50 ms blocks while speech may be on, 400 ms while idle)."""


class AudioFormatError(Exception):
    """Audio that cannot be turned into 16 kHz mono int16; the message says what is wrong."""


def to_mono_int16(frames: bytes, channels: int, sample_width: int) -> np.ndarray:
    """Interleaved PCM of 1-4 bytes per sample -> mono int16 (channels averaged)."""
    if sample_width == 1:
        data = (np.frombuffer(frames, dtype=np.uint8).astype(np.int32) - 128) << 8
    elif sample_width == 2:
        data = np.frombuffer(frames, dtype="<i2").astype(np.int32)
    elif sample_width == 3:
        raw = np.frombuffer(frames, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        data = ((raw[:, 0] | (raw[:, 1] << 8) | (raw[:, 2] << 16)) << 8) >> 16
    elif sample_width == 4:
        data = np.frombuffer(frames, dtype="<i4").astype(np.int64) >> 16
    else:
        raise AudioFormatError(f"{sample_width * 8}-bit samples are not supported")
    if channels > 1:
        data = data[: len(data) - len(data) % channels].reshape(-1, channels).mean(axis=1)
    return np.asarray(data, dtype=np.int16)


def resample(samples: np.ndarray, rate: int, target: int = SAMPLE_RATE) -> np.ndarray:
    """Linear-interpolation resampling; plenty for speech recognition at 16 kHz."""
    if rate == target or len(samples) == 0:
        return samples
    count = int(round(len(samples) * target / rate))
    positions = np.arange(count) * (rate / target)
    out = np.interp(positions, np.arange(len(samples)), samples.astype(np.float32))
    return np.asarray(np.clip(np.round(out), -32768, 32767), dtype=np.int16)


class WavFileSource:
    """Reads a WAV file of any rate, width and channel count; yields 16 kHz mono int16 chunks."""

    MIN_RATE = 8000

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            with wave.open(str(self.path), "rb") as wav:
                self.rate = wav.getframerate()
                self.channels = wav.getnchannels()
                self.sample_width = wav.getsampwidth()
                frames = wav.readframes(wav.getnframes())
        except FileNotFoundError:
            raise AudioFormatError(f"{self.path}: no such file") from None
        except (wave.Error, EOFError, RuntimeError, ValueError, struct.error) as exc:
            raise AudioFormatError(
                f"{self.path}: not a readable PCM WAV file ({exc}); "
                "convert it with: sox IN -r 16000 -c 1 -b 16 OUT.wav"
            ) from None
        if self.rate < self.MIN_RATE:
            raise AudioFormatError(
                f"{self.path}: sample rate {self.rate} Hz is too low for speech (need >= 8000)"
            )
        mono = to_mono_int16(frames, self.channels, self.sample_width)
        self._pcm = resample(mono, self.rate).tobytes()
        self._closed = False

    @property
    def converted(self) -> bool:
        """True when the file was not already 16 kHz mono 16-bit and had to be converted."""
        return (self.rate, self.channels, self.sample_width) != (SAMPLE_RATE, 1, 2)

    @property
    def duration(self) -> float:
        return len(self._pcm) / 2 / SAMPLE_RATE

    def chunks(self) -> Iterator[bytes]:
        for start in range(0, len(self._pcm), CHUNK_BYTES):
            if self._closed:
                return
            yield self._pcm[start : start + CHUNK_BYTES]

    def close(self) -> None:
        self._closed = True


class RawPcmSource:
    """Raw 16 kHz mono signed 16-bit little-endian PCM from a binary stream (e.g. stdin)."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self._closed = False

    def chunks(self) -> Iterator[bytes]:
        pending = b""
        while not self._closed:
            data = self.stream.read(CHUNK_BYTES)
            if not data:
                break
            pending += data
            usable = len(pending) - len(pending) % 2
            if usable >= CHUNK_BYTES:
                yield pending[:usable]
                pending = pending[usable:]
        if len(pending) >= 2:
            yield pending[: len(pending) - len(pending) % 2]

    def close(self) -> None:
        self._closed = True
