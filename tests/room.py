"""A simulated bedroom in the private PulseAudio server, for barge-in tests.

The speaker is the null sink `coach`; the microphone is a second null sink `room`, which hears
the speaker (a loopback from coach's monitor: the bedside speaker's sound reaching the
microphone) and the user (clips played into it). module-echo-cancel (webrtc) sits on top, as a
desktop or a Raspberry Pi would have it: its sink plays into coach, its source records room.
"""

from __future__ import annotations

import os
import subprocess
import time
import wave
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from skill.audio.echo_cancel import AEC_ARGS, EchoCanceller, load_echo_canceller, pactl, unload
from tests.pulse import SINK, PulseServer

ROOM = "room"
ECHO_LATENCY_MS = 30
"""Speaker-to-microphone delay added by the loopback (sound needs ~3 ms per metre; the rest is
the sound server's own buffering, as with a real card). adjust_time=0 on the loopback and on
the canceller: both null sinks run on one clock, so there is no drift to correct, and each
needless correction moves the echo by ~10 ms, which the canceller must learn again (measured:
27 resyncs and 8 openings of the voice gate on its leftovers in 31 s of speech, against 0-1)."""
VOICE_GAIN = 1.0
"""The user's voice reaches the microphone as loud as the assistant's (both about -20 dBFS RMS):
the speaker is on the bedside table beside the microphone, the user close by in bed. (At 0.5,
6 dB below, as measured too, no more commands came through.)"""


ROOM_METHOD = "webrtc"
ROOM_AEC_ARGS = AEC_ARGS


@contextmanager
def bedroom(server: PulseServer, echo_db: float = 0.0, method: str = ROOM_METHOD,
            aec_args: str = ROOM_AEC_ARGS, extra: Sequence[str] = ("adjust_time=0",),
            room_rate: int = 0) -> Iterator[EchoCanceller]:
    """Load the room and its echo canceller into `server`; unload them after. `echo_db`: the
    assistant's voice at the microphone relative to what it plays (0: as loud); `method`,
    `aec_args`, `extra`: the canceller's settings; `room_rate`: the microphone's sample rate
    (0: the server's default)."""
    rate = [f"rate={room_rate}"] if room_rate else []
    modules = [
        pactl(["load-module", "module-null-sink", f"sink_name={ROOM}", *rate]).strip(),
        pactl(["load-module", "module-loopback", f"source={SINK}.monitor", f"sink={ROOM}",
               f"latency_msec={ECHO_LATENCY_MS}", "adjust_time=0", "source_dont_move=true",
               "sink_dont_move=true"]).strip(),
    ]
    if echo_db:
        loopback = next(line.split("\t")[0] for line in
                        pactl(["list", "short", "sink-inputs"]).splitlines()
                        if "module-loopback" in line)
        # PulseAudio's volume scale is cubic: a level of 10^(dB/60) is dB decibels.
        pactl(["set-sink-input-volume", loopback, f"{10 ** (echo_db / 60) * 100:.1f}%"])
    canceller = load_echo_canceller(source_master=f"{ROOM}.monitor", sink_master=SINK,
                                    extra=extra, method=method, aec_args=aec_args)
    saved = {key: os.environ.get(key) for key in ("PULSE_SINK", "PULSE_SOURCE")}
    try:
        yield canceller
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        unload(canceller)
        for module in reversed(modules):
            pactl(["unload-module", module])


def say_in_room(server: PulseServer, wav: Path) -> float:
    """Play `wav` into the room (the user speaking); returns time.monotonic() when its voice
    ended in the room: paplay returns once the sink has played everything, and the clip's
    trailing quiet is taken off."""
    subprocess.run(["paplay", f"--device={ROOM}", str(wav)], env={**os.environ, **server.env},
                   check=True, timeout=60)
    return time.monotonic() - trailing_quiet(wav)


def quieter(wav: Path, gain: float = VOICE_GAIN) -> Path:
    """A copy of `wav` at `gain` (linear), as the microphone hears a voice further away."""
    out = wav.with_name(f"{wav.stem}.room.wav")
    if not out.exists():
        subprocess.run(["sox", "-D", str(wav), str(out), "vol", str(gain)], check=True, timeout=60)
    return out


def trailing_quiet(wav: Path, window: float = 0.01, threshold: float = 0.02) -> float:
    """Seconds after the last 10 ms window above `threshold` of the clip's loudest one."""
    with wave.open(str(wav)) as clip:
        rate = clip.getframerate()
        samples = np.frombuffer(clip.readframes(clip.getnframes()), dtype="<i2")
    size = int(rate * window)
    frames = samples[: len(samples) // size * size].astype(np.float64).reshape(-1, size)
    energy = np.sqrt((frames**2).mean(axis=1))
    loud = np.flatnonzero(energy > threshold * energy.max())
    return float(len(samples) / rate - (loud[-1] + 1) * window)
