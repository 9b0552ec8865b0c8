"""The microphone's streaming resampler: native rate -> 16 kHz, seamless across chunks."""

from __future__ import annotations

import numpy as np

from skill.audio.resampler import StreamResampler


def tone(freq: float, rate: int, seconds: float = 1.0, level: float = 0.5) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (np.sin(2 * np.pi * freq * t) * level * 32767).astype("<i2")


def run(resampler: StreamResampler, samples: np.ndarray, sizes: tuple[int, ...]) -> np.ndarray:
    """Feed `samples` in chunks of the given sizes (cycled), then flush."""
    out, at, n = [], 0, 0
    while at < len(samples):
        size = sizes[n % len(sizes)]
        out.append(resampler.process(samples[at : at + size].tobytes()))
        at, n = at + size, n + 1
    out.append(resampler.flush())
    return np.frombuffer(b"".join(out), dtype="<i2")


def peak_hz(samples: np.ndarray, rate: int = 16000) -> float:
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64)))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[int(np.argmax(spectrum))])


def test_48k_becomes_16k_of_the_same_length_and_pitch() -> None:
    out = run(StreamResampler(48000), tone(1000, 48000), (4800,))
    assert abs(len(out) - 16000) <= 2
    assert abs(peak_hz(out) - 1000) < 5
    assert 0.45 < np.abs(out[2000:]).max() / 32767 < 0.55  # level kept


def test_odd_chunk_sizes_give_the_same_audio_as_even_ones() -> None:
    samples = tone(440, 44100)
    even = run(StreamResampler(44100), samples, (4410,))
    odd = run(StreamResampler(44100), samples, (1, 997, 4410, 333))
    assert len(even) == len(odd)
    # The same up to rounding (-60 dB); a seam at a chunk edge would be a click of thousands.
    assert np.abs(even.astype(np.int32) - odd.astype(np.int32)).max() < 0.001 * 32767


def test_sound_above_8_khz_is_filtered_not_folded_into_speech() -> None:
    # A 12 kHz whine at 48 kHz would alias to 4 kHz, in the speech band, with a naive resampler.
    out = run(StreamResampler(48000), tone(12000, 48000), (4800,))
    assert np.abs(out[2000:-2000]).max() < 0.01 * 32767


def test_reset_starts_a_new_stream_without_the_old_tail() -> None:
    resampler = StreamResampler(48000)
    resampler.process(tone(1000, 48000, 0.25, level=0.9).tobytes())
    resampler.reset()
    silence = np.zeros(4800, dtype="<i2").tobytes()
    # Without the reset the first output after the tone still holds ~0.9 of full scale.
    assert np.abs(np.frombuffer(resampler.process(silence), dtype="<i2")).max() <= 2


def test_16k_passes_through_untouched() -> None:
    resampler = StreamResampler(16000)
    pcm = tone(300, 16000, 0.1).tobytes()
    assert resampler.passthrough and resampler.process(pcm) == pcm and resampler.flush() == b""
