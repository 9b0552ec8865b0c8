"""The speaker's PortAudio output stream: opened with a deadline and a backoff, watched for stalls.

What is played is not this module's business: the owner hands a callback that fills each block.
This module owns the device side: which device, at which rate, whether the stream still runs
(PortAudio re-initialised, sound server gone, no callback for too long), and when to try again
after a failed open, so the speech queue never hangs on a dead device.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from skill.audio import portaudio

log = logging.getLogger(__name__)

STALL_SECONDS = 2.0
"""A stream that asked for no audio for this long has lost its device."""
START_STALL_SECONDS = 4.0
"""The same within this long of a stream's start: right after a start the pulse plugin asks for
nothing for ~1.5-2 s (measured up to 2.0 s at load 15), which must not pass for a lost device."""
BACKOFF_SECONDS = (0.5, 1.0)
"""Pause before the next open after 1, 2+ failed opens; sentences are printed meanwhile. Short, so
speech is back within a few seconds of a sound-server restart (a 2 s step once took it to 5.06 s
under load); one open a second while the server is gone costs next to nothing."""

Fill = Callable[[Any, int, Any], None]
"""Fills one block: (int16 output array of shape (frames, 1), frames, PortAudio status)."""


class PlaybackError(Exception):
    """No usable output device, or the stream failed."""


class OutputStream:
    """One mono int16 callback stream on `device`, reopened on demand by `open()`."""

    def __init__(self, fill: Fill, device: str = "", rate: int = 22050,
                 latency: float = 0.03) -> None:
        self.fill = fill
        self.device = device
        self.rate = rate
        """The stream's rate; a device that refuses it is opened at its own (clips follow)."""
        self.latency = latency
        """Suggested output latency (s) for the next open."""
        self.stream: Any = None
        """The running sounddevice stream, or None."""
        self._generation = -1
        self._epoch = 0
        """Numbers each open; a stream from an abandoned open that returns late stays silent."""
        self._started = 0.0
        """time.monotonic() of the stream's start."""
        self.last_callback = 0.0
        """time.monotonic() of the last block the stream asked for (or of touch())."""
        self._failures = 0
        self._retry_at = 0.0
        self._problem = ""

    @property
    def problem(self) -> str:
        """Why the last open failed, while it is being retried; empty when playing works."""
        return self._problem

    @property
    def output_latency(self) -> float:
        """PortAudio's estimate of how long a sample takes from the callback to the device."""
        stream = self.stream
        return float(stream.latency) if stream is not None else self.latency

    def running(self) -> bool:
        """Whether the stream is open, started and still of this PortAudio generation."""
        stream = self.stream
        return (stream is not None and self._generation == portaudio.generation()
                and bool(stream.active))

    def touch(self) -> None:
        """Count from now for stalled() (a sentence starts)."""
        self.last_callback = time.monotonic()

    def stalled(self) -> bool:
        """The stream is gone, or asked for no audio for too long."""
        if not self.running():
            return True
        now = time.monotonic()
        limit = START_STALL_SECONDS if now - self._started < START_STALL_SECONDS else STALL_SECONDS
        return now - self.last_callback > limit

    def open(self) -> None:
        """Open and start the stream if it is not running; raises PlaybackError."""
        if self.running():
            return
        self.close()
        wait = self._retry_at - time.monotonic()
        if wait > 0:
            raise PlaybackError(f"{self._problem}; next try in {wait:.1f} s")
        try:
            self.stream, self._generation = self._open_any()
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

    def close(self, hung: bool = False) -> None:
        """Forget the stream; close it unless a call on it hung or PortAudio restarted since."""
        stream, self.stream = self.stream, None
        if stream is None or hung or self._generation != portaudio.generation():
            return
        try:
            portaudio.call(stream.abort, what="abort output")
            portaudio.call(stream.close, what="close output")
        except Exception as exc:  # a dead device must not stop shutdown
            log.debug("closing output stream: %s", exc)

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
                self.last_callback = time.monotonic()
                self.fill(out, frames, status)
            else:
                out.fill(0)

        return sd.OutputStream(samplerate=rate, channels=1, dtype="int16",
                               latency=self.latency, device=device, callback=callback)
