"""WAV reading, resampling and the soft night chime, as int16 numpy arrays."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt

Samples = npt.NDArray[np.int16]


def read_wav(path: Path) -> tuple[Samples, int]:
    """Mono int16 samples and the sample rate of a 16-bit PCM WAV file (channels are averaged)."""
    with wave.open(str(path), "rb") as wav:
        if wav.getsampwidth() != 2:
            raise ValueError(f"{path}: only 16-bit PCM is supported")
        channels = wav.getnchannels()
        rate = wav.getframerate()
        frames = wav.getnframes()
        raw = wav.readframes(frames)
    if len(raw) != frames * channels * 2:  # cut short: a sentence would end mid-word
        raise ValueError(f"{path}: {len(raw) // (channels * 2)} of {frames} frames")
    data = np.frombuffer(raw, dtype="<i2")
    if channels > 1:
        data = data.reshape(-1, channels).mean(axis=1).astype(np.int16)
    return data.astype(np.int16), rate


def resample(samples: Samples, rate: int, target: int) -> Samples:
    """Linear-interpolation resampling; good enough for speech and a chime."""
    if rate == target or len(samples) == 0:
        return samples
    count = int(round(len(samples) * target / rate))
    positions = np.linspace(0, len(samples) - 1, count)
    return np.interp(positions, np.arange(len(samples)), samples).astype(np.int16)


def soft_chime(rate: int, volume: float = 0.5) -> Samples:
    """Two quiet rising bell tones (E5, A5) with soft attack and long decay, ~0.7 s in all."""
    def tone(freq: float, seconds: float) -> npt.NDArray[np.float64]:
        t = np.arange(int(rate * seconds)) / rate
        attack = np.minimum(1.0, t / 0.02)
        decay = np.exp(-t * 6.0)
        return np.sin(2 * np.pi * freq * t) * attack * decay

    signal = np.concatenate([tone(659.25, 0.3), tone(880.0, 0.4), np.zeros(int(rate * 0.15))])
    peak = 0.25 * max(0.0, min(1.0, volume))
    return (signal * peak * 32767).astype(np.int16)
