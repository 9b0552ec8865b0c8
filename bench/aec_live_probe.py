"""Record the bedroom through the product's own player and microphone, keeping what the player
really sent: is that reference on one fixed lag from the microphone, as an in-process canceller
needs?

The reply (bench.aec_probe's looped Korean reply) plays through skill.speech.player.StreamPlayer
(barge-in's 250 ms buffer and faint noise between sentences) into the speaker of tests/room.py's
bedroom, whose raw microphone is read by skill.audio.microphone.MicrophoneSource, while the
commands are played into the room. Every block the player's callback filled is kept. Writes
mic.wav, speech.wav (what the player sent, at 16 kHz) and user.wav into a folder for
`python -m bench.aec_inproc_probe --recorded FOLDER`, and prints the echo's lag per second
(found by correlation of the microphone with what was sent) and its spread.

    python -m bench.aec_live_probe --commands 20
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import soxr

from bench.aec3_probe import COMMANDS
from bench.aec_probe import RATE, align, read, tracks, write
from skill.audio.microphone import MicrophoneSource
from skill.speech.player import StreamPlayer
from tests.pulse import SINK, PulseServer
from tests.room import ROOM, bedroom

PLAYER_RATE = 22050
LATENCY = 0.25
"""skill/barge_in.py's OUTPUT_LATENCY."""


class TapPlayer(StreamPlayer):
    """The product's player, keeping a copy of every block its callback filled."""

    def __init__(self) -> None:
        self.tap: list[np.ndarray] = []
        super().__init__("", PLAYER_RATE, LATENCY)

    def _callback(self, out: Any, frames: int, status: Any) -> None:
        super()._callback(out, frames, status)
        self.tap.append(np.array(out[:, 0], dtype=np.int16))


def record(work: Path, count: int, say: list[str]) -> Path:
    """Play the reply through our player while the commands are said in the room; returns the
    folder with mic.wav, speech.wav (the player's blocks) and user.wav."""
    speech, user, _spans = tracks(work, count, False, say)
    server = PulseServer()
    server.start()
    os.environ.update(server.env)
    try:
        with bedroom(server, method="null", aec_args=""):
            # The raw room, not the canceller: the speaker is `coach`, the microphone `room`.
            os.environ.update(PULSE_SINK=SINK, PULSE_SOURCE=f"{ROOM}.monitor")
            player, mic = TapPlayer(), MicrophoneSource("pulse")
            player.comfort_noise(-50.0)
            mic.pace(True)
            heard: list[bytes] = []
            reader = threading.Thread(target=lambda: heard.extend(mic.chunks()), daemon=True)
            reader.start()
            player.open()
            time.sleep(3.0)
            room = subprocess.Popen(["paplay", f"--device={ROOM}", str(user)],
                                    env={**os.environ, **server.env})
            played = player.play(read(speech).astype(np.int16), RATE, threading.Event(), 30)
            room.wait(timeout=120)
            time.sleep(1.0)
            mic.close()
            player.close()
            reader.join(timeout=10)
            print(f"played whole: {played.completed}; underruns {player.underruns}; "
                  f"microphone reconnects {mic.reconnects}; load {os.getloadavg()[0]:.1f}")
    finally:
        server.cleanup()
    sent = np.concatenate(player.tap).astype(np.float32)
    write(work / "speech.wav", soxr.resample(sent, PLAYER_RATE, RATE))
    write(work / "mic.wav", np.frombuffer(b"".join(heard), dtype="<i2").astype(np.float32))
    return work


def lags(folder: Path) -> None:
    """The echo's lag (ms) in each second of echo alone, by correlation with what was sent."""
    mic, sent, user = (read(folder / f"{n}.wav") for n in ("mic", "speech", "user"))
    at = align(mic, mic, user)
    found = []
    for second in range(2, len(mic) // RATE - 1):
        lo = second * RATE
        near = user[lo - at:lo - at + RATE] if lo >= at else np.zeros(1)
        if np.abs(near).max() > 0:  # the user speaks in this second
            continue
        seg = mic[lo:lo + RATE // 2]
        size = 1 << int(np.ceil(np.log2(len(seg) + 8 * RATE)))
        ref = sent[max(0, lo - 4 * RATE):lo + 4 * RATE]
        corr = np.fft.irfft(np.fft.rfft(seg, size) * np.conj(np.fft.rfft(ref, size)), size)
        peak = int(np.argmax(np.abs(corr)))
        peak = peak - size if peak > size // 2 else peak
        # seg[t] ~ ref[t - peak]: the echo is (lo - start of ref + peak) samples late
        found.append(round(1000 * ((lo - max(0, lo - 4 * RATE)) + peak) / RATE))
    print(f"echo lag per second of echo alone (ms): {found}")
    if found:
        print(f"spread {max(found) - min(found)} ms over {len(found)} seconds")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=20)
    parser.add_argument("--say", default=",".join(COMMANDS), help="commands, comma-separated")
    args = parser.parse_args()
    os.environ.setdefault("CRAMP_COACH_HOME", tempfile.mkdtemp(prefix="aec-live-"))
    folder = record(Path(tempfile.mkdtemp(prefix="aec-live-")), args.commands,
                    args.say.split(","))
    lags(folder)
    print("recordings:", folder, "(next: python -m bench.aec_inproc_probe --recorded ...)")


if __name__ == "__main__":
    main()
