"""Stoppable playback: clips fed block by block to one long-lived output stream (callback mode).

The stream (skill/speech/output_stream.py) stays open between sentences and plays silence
meanwhile: a started stream is heard only ~1.5-2 s after its start on PulseAudio (PortAudio's
ALSA backend waits out poll timeouts once; measured on the null sink), while a sentence handed
to a running stream starts within one callback period. The speech queue closes it after
`[speech] output_idle_seconds` without speech (its silence costs ~1.5 % of a core) and opens it
again as soon as someone starts to speak.

A cut (stop) drops the clip in the callback and leaves the stream running: what it had already
buffered plays out (the output latency, ~60 ms; at 30 ms a stop was heard within ~25-50 ms,
measured from a recording of the null sink), and the next sentence starts at once. Aborting and
restarting the stream instead flushed that buffer but put the ~1.5-2 s start gap before the next
reply.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

import numpy as np

from skill.speech.output_stream import OutputStream, PlaybackError
from skill.speech.sound import Samples, resample

__all__ = ["PlaybackError", "Played", "StreamPlayer"]  # PlaybackError: its old import path

log = logging.getLogger(__name__)

POLL_SECONDS = 0.02
"""How often a playing sentence checks for a cut."""
DUCK_GAIN = 10 ** (-25 / 20)
"""Barge-in: a held sentence goes on this much quieter (-25 dB) instead of falling silent, so the
sound server's echo canceller always has the assistant's voice to follow (after a silent hold it
let that voice back at about -7 dB, which no level check tells from the user's), while the
user's command competes with 25 dB less of it. 0.0 would hold in silence."""
PLAYED_LOG = 256
"""Callbacks remembered for played_rms (several seconds at any block size PulseAudio picks)."""
OUTPUT_LATENCY = 0.06
"""Speaker buffer (s): a reply starts this much after its first sample is handed over, and a stop
is heard this much later. Not 30 ms: on a busy machine (a second core burning, 2 cores) a 30 ms
pulse stream underran several times a minute, and each underrun makes PortAudio's ALSA backend
recover the stream, which the pulse plugin answers with ~1.9 s of silence: a hole in the middle
of a sentence (7 such holes in 36 s of playback against none at 50, 80 and 100 ms, same load).
Twice that is still well inside a stop heard within 200 ms."""


@dataclass(frozen=True)
class Played:
    completed: bool
    """False when cut (stop) or when the watchdog gave up."""
    started_at: float | None
    """time.monotonic() when the first sample went to the device, if any did."""
    frames: int = 0
    """Frames handed to the device (at the player's rate) before it finished or was cut."""
    ended_at: float = 0.0
    """time.monotonic() when playback ended or the cut took effect."""


class StreamPlayer:
    """Plays int16 mono clips one at a time; `play` blocks until done, cut, or overrun."""

    def __init__(self, device: str = "", rate: int = 22050, latency: float = OUTPUT_LATENCY,
                 ) -> None:
        self.output = OutputStream(self._callback, device, rate, latency)
        self._lock = threading.Lock()
        self._clip: Samples | None = None
        self._pos = 0
        self._started_at: float | None = None
        self._done = threading.Event()
        self._held = False
        self._held_at = 0
        """Where in the clip the hold began (a ducked clip plays on; resume goes back here)."""
        self.duck_gain = DUCK_GAIN
        self._noise: np.ndarray | None = None
        self._noise_at = 0
        self.underruns = 0
        """Callbacks PortAudio reported late (each can make the echo canceller resync)."""
        self._played: deque[tuple[float, float, int]] = deque(maxlen=PLAYED_LOG)
        """(monotonic time, sum of squares, frames) of each callback: what went out, for
        barge-in's double-talk check."""

    # -- the device side lives in self.output (skill/speech/output_stream.py)

    @property
    def device(self) -> str:
        return self.output.device

    @device.setter
    def device(self, value: str) -> None:
        self.output.device = value

    @property
    def rate(self) -> int:
        return self.output.rate

    @property
    def latency(self) -> float:
        return self.output.latency

    @latency.setter
    def latency(self, value: float) -> None:
        self.output.latency = value

    @property
    def output_latency(self) -> float:
        """PortAudio's estimate of how long a sample takes from the callback to the device."""
        return self.output.output_latency

    @property
    def problem(self) -> str:
        """Why the last open failed, while it is being retried; empty when playing works."""
        return self.output.problem

    def open(self) -> None:
        """Open the output stream if it is not running; raises PlaybackError."""
        self.output.open()

    def close(self) -> None:
        self.output.close()

    # -- playing

    def play(self, samples: Samples, rate: int, cut: threading.Event,
             watchdog: float = 10.0) -> Played:
        """Play `samples`; returns early when `cut` is set. Raises PlaybackError."""
        self.open()
        clip = resample(samples, rate, self.rate)
        with self._lock:
            self._clip, self._pos, self._started_at = clip, 0, None
            self._done.clear()
            self.output.touch()
        deadline = time.monotonic() + len(clip) / self.rate + watchdog
        while not self._done.wait(POLL_SECONDS):
            if self._held:  # held time (barge-in) is not playing time
                deadline += POLL_SECONDS
            if cut.is_set():
                return Played(False, self._started_at, self._cut(), time.monotonic())
            if self.output.stalled():
                with self._lock:
                    self._clip = None
                    gone = self._pos / self.rate
                self.output.close()
                raise PlaybackError(f"the output stream stopped after {gone:.1f} s of the "
                                    "sentence (sound server gone?)")
            if time.monotonic() > deadline:
                log.warning("watchdog: playback overran by %.1f s; stream reopened", watchdog)
                frames = self._cut()
                self.close()
                return Played(False, self._started_at, frames, time.monotonic())
        return Played(True, self._started_at, len(clip), time.monotonic())

    def hold(self, held: bool, rewind: float = 0.0) -> None:
        """Barge-in: duck the clip (it plays on at `duck_gain`, then silence at its end), or go
        on from `rewind` seconds before where it was held. The stream keeps running: an echo
        canceller listening to it stays in step (stopping and restarting it makes PulseAudio's
        canceller re-learn the room)."""
        with self._lock:
            if held and not self._held:
                self._held_at = self._pos
            if self._held and not held:
                self._pos = max(0, self._held_at - int(rewind * self.rate))
            self._held = held

    def played_rms(self, seconds: float) -> float:
        """RMS (full scale 1.0) of what may be reaching the speaker now: every block sent out
        in the last `seconds` plus the output latency. The reference an echo canceller
        subtracts, so barge-in can tell the user's voice from what is left of the assistant's.
        Blocks still in the buffer count too: the reported latency is only an estimate, and a
        sentence's first syllable must not find the reference still silent."""
        now = time.monotonic()
        since = now - self.output_latency - seconds
        with self._lock:
            recent = [(e, n) for t, e, n in self._played if t >= since]
        frames = sum(n for _, n in recent)
        return float(np.sqrt(sum(e for e, _ in recent) / frames)) / 32768.0 if frames else 0.0

    def comfort_noise(self, db: float | None) -> None:
        """Between sentences play white noise at `db` dBFS, not silence (None: silence). For
        barge-in: webrtc's canceller learns only while something plays (simulated bedroom,
        reply in sentences: echo return loss 28 dB median with silent gaps, 58 with noise)."""
        if db is None:
            self._noise = None
            return
        rng = np.random.default_rng(0)
        self._noise = (rng.standard_normal(self.rate) * 32768 * 10 ** (db / 20)).astype(np.int16)

    def _cut(self) -> int:
        """Drop the clip (the next block is silence); returns how many frames had gone out.
        The stream runs on: what it buffered (~ its latency) plays out, and the next sentence
        needs no restart (a restarted pulse stream is silent for ~1.5-2 s)."""
        with self._lock:
            self._clip = None
            return self._pos

    def _callback(self, out: Any, frames: int, status: Any) -> None:
        with self._lock:
            if status and getattr(status, "output_underflow", False):
                self.underruns += 1
            clip = self._clip
            if clip is None or (self._held and self._pos >= len(clip)):
                self._fill_idle(out, frames)
                return
            pos = self._pos
            count = min(frames, len(clip) - pos)
            written = clip[pos:pos + count].astype(np.float32)
            if self._held:
                written *= self.duck_gain
            out[:count, 0] = written
            out[count:] = 0
            self._played.append((self.output.last_callback, float(np.dot(written, written)),
                                 frames))
            if pos == 0:
                self._started_at = time.monotonic()
            self._pos = pos + count
            # A ducked clip waits at its end for the resume, which goes back to the hold.
            if self._pos >= len(clip) and not self._held:
                self._clip = None
                self._done.set()

    def _fill_idle(self, out: Any, frames: int) -> None:
        self._played.append((self.output.last_callback, 0.0, frames))
        noise = self._noise
        if noise is None:
            out.fill(0)
            return
        at = self._noise_at % len(noise)
        out[:, 0] = noise[(np.arange(frames) + at) % len(noise)]
        self._noise_at = at + frames
