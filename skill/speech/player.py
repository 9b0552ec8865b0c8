"""Stoppable playback on one long-lived PortAudio output stream (sounddevice, callback mode).

The stream stays open between sentences and plays silence meanwhile: a started stream is heard
only ~1.5 s after its start on PulseAudio (PortAudio's ALSA backend waits out poll timeouts once;
measured on the null sink), while a sentence handed to an open stream starts within one callback
period. The speech queue closes it after `[speech] output_idle_seconds` without speech (its
silence costs ~1.5 % of a core) and opens it again as soon as someone starts to speak. A cut
drops the clip in the callback and aborts the stream, which discards what PortAudio had buffered.

Every blocking PortAudio call has a deadline (skill.audio.portaudio): a stream whose sound server
died mid-sentence stalls, is abandoned, and the next sentence opens a new one, after a short
backoff while opening fails, so the speech queue never hangs on a dead device.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

import numpy as np

from skill.audio import portaudio
from skill.speech.sound import Samples, resample

log = logging.getLogger(__name__)

POLL_SECONDS = 0.02
"""How often a playing sentence checks for a cut."""
STALL_SECONDS = 2.0
"""A sentence whose stream asked for no audio for this long has lost its device."""
START_STALL_SECONDS = 4.0
"""The same within this long of a stream's start: right after a start the pulse plugin asks for
nothing for ~1.5-2 s (measured up to 2.0 s at load 15), which must not pass for a lost device."""
DUCK_GAIN = 10 ** (-25 / 20)
"""Barge-in: a held sentence goes on this much quieter (-25 dB) instead of falling silent, so the
sound server's echo canceller always has the assistant's voice to follow (after a silent hold it
let that voice back at about -7 dB, which no level check tells from the user's), while the
user's command competes with 25 dB less of it. 0.0 would hold in silence."""
PLAYED_LOG = 256
"""Callbacks remembered for played_rms (several seconds at any block size PulseAudio picks)."""
OUTPUT_LATENCY = 0.03
"""Speaker buffer (s): a reply starts this much after its first sample is handed over. 30 ms
instead of 50: replies through PulseAudio ~70-160 ms sooner in interleaved runs (the null sink
also renders in smaller blocks, so part of that is the test rig's microphone); the open stream's
callback costs ~0.3 % of a core more while it runs (1.7 % against 1.4 %, measured alone)."""
BACKOFF_SECONDS = (0.5, 1.0)
"""Pause before the next open after 1, 2+ failed opens; sentences are printed meanwhile. Short, so
speech is back within a few seconds of a sound-server restart (a 2 s step once took it to 5.06 s
under load); one open a second while the server is gone costs next to nothing."""


class PlaybackError(Exception):
    """No usable output device, or the stream failed."""


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
        self.device = device
        self.rate = rate
        self.latency = latency
        self._stream: Any = None
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
        self.flush_on_cut = True
        """A cut also drops what the stream buffered (abort and restart). Barge-in turns it off:
        the pulse plugin makes a new stream on restart, and the echo canceller then leaks."""
        self._played: deque[tuple[float, float, int]] = deque(maxlen=PLAYED_LOG)
        """(monotonic time, sum of squares, frames) of each callback: what went out, for
        barge-in's double-talk check."""
        self._generation = -1
        self._epoch = 0
        """Numbers each open; a stream from an abandoned open that returns late stays silent."""
        self._last_callback = 0.0
        self._started = 0.0
        """time.monotonic() of the stream's last start (open, or restart after a cut)."""
        self._failures = 0
        self._retry_at = 0.0
        self._problem = ""

    def play(self, samples: Samples, rate: int, cut: threading.Event,
             watchdog: float = 10.0) -> Played:
        """Play `samples`; returns early when `cut` is set. Raises PlaybackError."""
        self.open()
        clip = resample(samples, rate, self.rate)
        with self._lock:
            self._clip, self._pos, self._started_at = clip, 0, None
            self._done.clear()
            self._last_callback = time.monotonic()
        deadline = time.monotonic() + len(clip) / self.rate + watchdog
        while not self._done.wait(POLL_SECONDS):
            if self._held:  # held time (barge-in) is not playing time
                deadline += POLL_SECONDS
            if cut.is_set():
                frames = self._cut()
                return Played(False, self._started_at, frames, time.monotonic())
            if self._stalled():
                with self._lock:
                    self._clip = None
                    gone = self._pos / self.rate
                self._drop()
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

    @property
    def output_latency(self) -> float:
        """PortAudio's estimate of how long a sample takes from the callback to the device."""
        stream = self._stream
        return float(stream.latency) if stream is not None else self.latency

    def close(self) -> None:
        self._drop()

    def _drop(self, hung: bool = False) -> None:
        """Forget the stream; close it unless a call on it hung or PortAudio restarted since."""
        stream, self._stream = self._stream, None
        if stream is None or hung or self._generation != portaudio.generation():
            return
        try:
            portaudio.call(stream.abort, what="abort output")
            portaudio.call(stream.close, what="close output")
        except Exception as exc:  # a dead device must not stop shutdown
            log.debug("closing output stream: %s", exc)

    def _stalled(self) -> bool:
        stream = self._stream
        if stream is None or self._generation != portaudio.generation() or not stream.active:
            return True
        now = time.monotonic()
        limit = START_STALL_SECONDS if now - self._started < START_STALL_SECONDS else STALL_SECONDS
        return now - self._last_callback > limit

    def _cut(self) -> int:
        """Drop the clip and what PortAudio buffered; returns how many frames had gone out."""
        with self._lock:
            self._clip = None
            frames = self._pos
        stream = self._stream
        if stream is None or not self.flush_on_cut:
            return frames
        try:
            portaudio.call(stream.abort, what="abort output")
            portaudio.call(stream.start, what="restart output")
            self._started = time.monotonic()
        except Exception as exc:
            log.warning("output stream failed on stop (%s); it will be reopened", exc)
            self._drop(hung=isinstance(exc, portaudio.PortAudioTimeout))
        return frames

    def _callback(self, out: Any, frames: int, time_info: Any, status: Any) -> None:
        with self._lock:
            self._last_callback = time.monotonic()
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
            self._played.append((self._last_callback, float(np.dot(written, written)), frames))
            if pos == 0:
                self._started_at = time.monotonic()
            self._pos = pos + count
            # A ducked clip waits at its end for the resume, which goes back to the hold.
            if self._pos >= len(clip) and not self._held:
                self._clip = None
                self._done.set()

    def comfort_noise(self, db: float | None) -> None:
        """Between sentences play white noise at `db` dBFS, not silence (None: silence). For
        barge-in: webrtc's canceller learns only while something plays (simulated bedroom,
        reply in sentences: echo return loss 28 dB median with silent gaps, 58 with noise)."""
        if db is None:
            self._noise = None
            return
        rng = np.random.default_rng(0)
        self._noise = (rng.standard_normal(self.rate) * 32768 * 10 ** (db / 20)).astype(np.int16)

    def _fill_idle(self, out: Any, frames: int) -> None:
        self._played.append((self._last_callback, 0.0, frames))
        noise = self._noise
        if noise is None:
            out.fill(0)
            return
        at = self._noise_at % len(noise)
        out[:, 0] = noise[(np.arange(frames) + at) % len(noise)]
        self._noise_at = at + frames

    @property
    def problem(self) -> str:
        """Why the last open failed, while it is being retried; empty when playing works."""
        return self._problem

    def open(self) -> None:
        """Open the output stream if it is not running; raises PlaybackError."""
        stream = self._stream
        if stream is not None and self._generation == portaudio.generation() and stream.active:
            return
        self._drop()
        wait = self._retry_at - time.monotonic()
        if wait > 0:
            raise PlaybackError(f"{self._problem}; next try in {wait:.1f} s")
        try:
            self._stream, self._generation = self._open_any()
            self._started = time.monotonic()
        except PlaybackError as exc:
            self._failures += 1
            pause = BACKOFF_SECONDS[min(self._failures, len(BACKOFF_SECONDS)) - 1]
            self._retry_at = time.monotonic() + pause
            self._problem = str(exc)
            raise
        if self._failures:
            log.info("audio output back after %d failed opens", self._failures)
        self._failures, self._problem = 0, ""

    def _open_any(self) -> tuple[Any, int]:
        try:
            sd = portaudio.sounddevice()
        except OSError as exc:
            raise PlaybackError(f"PortAudio is not available: {exc}") from exc
        device = portaudio.parse_device(self.device)
        self._epoch += 1
        epoch = self._epoch
        try:
            return portaudio.open_device(lambda: self._open(sd, device, epoch), "output",
                                         "open output")
        except Exception as exc:
            raise PlaybackError(f"cannot open output device {self.device or 'default'!r}: "
                                f"{exc}") from exc

    def _open(self, sd: Any, device: int | str | None, epoch: int) -> Any:
        try:
            stream = self._stream_at(sd, device, self.rate, epoch)
        except sd.PortAudioError:
            # Some hardware devices take only their own rate; clips are resampled to it.
            native = int(sd.query_devices(device, "output")["default_samplerate"])
            stream = self._stream_at(sd, device, native, epoch)
            self.rate = native
        return portaudio.started(stream)

    def _stream_at(self, sd: Any, device: int | str | None, rate: int, epoch: int) -> Any:
        def callback(out: Any, frames: int, time_info: Any, status: Any) -> None:
            if epoch == self._epoch:
                self._callback(out, frames, time_info, status)
            else:
                out.fill(0)

        return sd.OutputStream(samplerate=rate, channels=1, dtype="int16",
                               latency=self.latency, device=device, callback=callback)
