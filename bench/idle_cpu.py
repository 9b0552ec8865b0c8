"""Idle cost of listening: CPU per 60 s of silence and room noise, with and without the voice gate.

Audio is fed as fast as the pipeline takes it; the figure is process CPU-seconds per 60 s of audio,
as a percentage of one core in real time (CPU-seconds / 60 s * 100). Run: python -m bench.idle_cpu
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator

import numpy as np

from skill.audio.settings import VoiceSettings
from skill.audio.sources import CHUNK_BYTES
from skill.interfaces import SAMPLE_RATE
from skill.listening import ListeningService, build_gate, build_recognizer

SECONDS = 60.0


def silence(seconds: float, rng: np.random.Generator) -> np.ndarray:
    """A quiet bedroom through a cheap microphone: self-noise around -66 dBFS."""
    return rng.normal(0, 16, int(seconds * SAMPLE_RATE))


def room_noise(seconds: float, rng: np.random.Generator, gain: float = 1.0) -> np.ndarray:
    """A fan and the street: brown-ish noise around -40 dBFS, mains hum, a few soft knocks."""
    count = int(seconds * SAMPLE_RATE)
    brown = np.cumsum(rng.normal(0, 1, count))
    brown -= np.convolve(brown, np.ones(400) / 400, mode="same")  # drop the drift, keep the rumble
    brown *= 320 / (np.std(brown) or 1.0)
    t = np.arange(count) / SAMPLE_RATE
    hum = 120 * np.sin(2 * np.pi * 50 * t) + 60 * np.sin(2 * np.pi * 100 * t)
    hiss = rng.normal(0, 60, count)
    knocks = np.zeros(count)
    for start in rng.integers(0, count - 800, int(seconds / 10)):
        knocks[start : start + 800] += rng.normal(0, 1500, 800) * np.exp(-np.arange(800) / 120)
    return (brown + hum + hiss + knocks) * gain


class ArraySource:
    def __init__(self, samples: np.ndarray) -> None:
        self.pcm = np.clip(samples, -32768, 32767).astype("<i2").tobytes()

    def chunks(self) -> Iterator[bytes]:
        for start in range(0, len(self.pcm), CHUNK_BYTES):
            yield self.pcm[start : start + CHUNK_BYTES]

    def close(self) -> None:
        pass


def measure(samples: np.ndarray, gated: bool, language: str) -> tuple[float, int]:
    """CPU-seconds the pipeline spends on `samples`, and how many transcripts it produced."""
    settings = VoiceSettings(vad_gate=gated)
    recognizer = build_recognizer(settings, language)
    heard: list[str] = []
    service = ListeningService(ArraySource(samples), recognizer, heard.append,
                               gate=build_gate(settings))
    start = time.process_time()
    service.run()
    return time.process_time() - start, len(heard)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="ko")
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    signals = {
        "silence": silence(SECONDS, rng),
        "room noise": room_noise(SECONDS, rng),
        "loud room": room_noise(SECONDS, rng, gain=4.0),
    }
    build_recognizer(VoiceSettings(), args.lang)  # load the model outside the measurement
    print(f"{'audio (60 s)':<14}{'gate':<6}{'CPU-s':>8}{'% of a core':>13}{'transcripts':>13}")
    for name, samples in signals.items():
        for gated in (False, True):
            cpu, heard = measure(samples, gated, args.lang)
            print(f"{name:<14}{'on' if gated else 'off':<6}{cpu:>8.3f}"
                  f"{cpu / SECONDS * 100:>12.2f}%{heard:>13}")


if __name__ == "__main__":
    main()
