"""MicrophoneSource: sounddevice input that notices a dead device and reopens it with backoff."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from skill.audio import portaudio
from skill.audio.sources import CHUNK_BYTES, resample
from skill.interfaces import SAMPLE_RATE

log = logging.getLogger(__name__)


def parse_device(value: str) -> int | str | None:
    """Config text -> sounddevice device: '' default, '3' an index, anything else a name."""
    value = value.strip()
    if not value:
        return None
    return int(value) if value.isdigit() else value


class MicrophoneSource:
    """Yields 16 kHz mono int16 chunks from a PortAudio input for as long as it is not closed.

    A stall (no callback for `stall_seconds`), a PortAudio error or an exception in the callback
    closes the stream; it is reopened after a growing pause (`backoff`, capped at `max_backoff`),
    so listening resumes when the sound system comes back, without a restart. The cap is short
    (a failed open costs ~0.6 s and no CPU to speak of) so a restarted sound server is heard
    again within seconds. Every PortAudio call has a deadline (skill.audio.portaudio).
    """

    STARTUP_SECONDS = 5.0

    def __init__(
        self,
        device: int | str | None = None,
        stall_seconds: float = 3.0,
        backoff: float = 0.5,
        max_backoff: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.device = device
        self.stall_seconds = stall_seconds
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._sleep = sleep
        self._queue: queue.Queue[bytes] = queue.Queue(maxsize=200)
        self._error: str | None = None
        self._closed = threading.Event()
        self._rate = SAMPLE_RATE
        self.reconnects = 0
        """How many times the stream was reopened after a failure."""
        self.last_error: str | None = None
        self._generation = -1
        self._hung = False
        self._epoch = 0
        """Numbers each open; a stream from an abandoned open that returns late is ignored."""

    def _callback(self, epoch: int, indata: Any) -> None:
        # Anything raised here would silently stop PortAudio's stream; record it instead.
        if epoch != self._epoch:
            return
        try:
            data = bytes(indata)
            if self._rate != SAMPLE_RATE:
                data = resample(np.frombuffer(data, dtype="<i2"), self._rate).tobytes()
            self._queue.put_nowait(data)
        except queue.Full:
            pass  # the consumer is behind; dropping audio beats blocking the audio thread
        except Exception as exc:  # noqa: BLE001 - reported and handled by reopening
            self._error = f"callback failed: {exc!r}"

    def _open(self) -> Any:
        sd = portaudio.sounddevice()
        seen = portaudio.generation()
        self._hung = False
        self._epoch += 1
        epoch = self._epoch
        try:
            stream, self._generation = portaudio.open_stream(lambda: self._start(sd, epoch),
                                                             "open input")
        except portaudio.PortAudioTimeout:
            raise
        except Exception:
            # PortAudio lists devices once at start-up: a sound server that came up later is
            # only seen after re-initialising it (shared with the speech player).
            if _has_input(sd) or not portaudio.reinitialize(seen):
                raise
            stream, self._generation = portaudio.open_stream(lambda: self._start(sd, epoch),
                                                             "open input")
        return stream

    def _start(self, sd: Any, epoch: int) -> Any:
        def callback(indata: Any, frames: int, time_info: Any, status: Any) -> None:
            self._callback(epoch, indata)

        def start(rate: int) -> Any:
            stream = sd.RawInputStream(
                samplerate=rate, channels=1, dtype="int16", device=self.device,
                blocksize=rate // 10, callback=callback,
            )
            try:
                stream.start()
            except Exception:
                stream.close(ignore_errors=True)
                raise
            return stream

        try:
            self._rate = SAMPLE_RATE
            return start(SAMPLE_RATE)
        except sd.PortAudioError as exc:
            if "sample rate" not in str(exc).lower():
                raise
            info = sd.query_devices(self.device, "input")
            native = int(info["default_samplerate"])
            if native == SAMPLE_RATE:
                raise
            log.info("microphone refuses 16 kHz (%s); recording at %d Hz and resampling",
                     exc, native)
            self._rate = native
            return start(native)

    def chunks(self) -> Iterator[bytes]:
        delay = self.backoff
        failed = False
        while not self._closed.is_set():
            if failed:
                self.reconnects += 1
                self._sleep(delay)
                delay = min(delay * 2, self.max_backoff)
                # Reopening by name reconnects to a restarted PulseAudio as it is; PortAudio is
                # re-initialised (which also ends the player's stream) only when it lists no
                # input at all.
                if self._closed.is_set():
                    return
            try:
                stream = self._open()
            except Exception as exc:  # noqa: BLE001 - PortAudio raises several kinds
                again = self.last_error is not None and self.last_error.startswith("cannot open")
                self.last_error = f"cannot open microphone {self.device or 'default'}: {exc}"
                # Once per outage at warning level: retries come every second.
                log.log(logging.DEBUG if again else logging.WARNING, "%s; retrying in %.1f s",
                        self.last_error, delay)
                failed = True
                continue
            got_audio = False
            try:
                for chunk in self._read(stream):
                    if not got_audio:
                        got_audio, delay = True, self.backoff
                        if failed:
                            log.info("microphone hears again (after %d reopens)", self.reconnects)
                            failed, self.last_error = False, None
                    yield chunk
            finally:
                self._close_stream(stream)
            failed = not self._closed.is_set()

    def _read(self, stream: Any) -> Iterator[bytes]:
        self._error = None
        last = time.monotonic()
        # A freshly opened PulseAudio monitor can take ~2 s before its first callback.
        limit = max(self.stall_seconds, self.STARTUP_SECONDS)
        pending = b""
        while not self._closed.is_set():
            try:
                data = self._queue.get(timeout=0.2)
            except queue.Empty:
                data = b""
            if portaudio.generation() != self._generation:
                self.last_error = "PortAudio was re-initialised"
                log.info("%s; reopening the microphone", self.last_error)
                return
            if self._error or not stream.active:
                self.last_error = self._error or "microphone stream stopped"
                log.warning("%s; reopening", self.last_error)
                return
            now = time.monotonic()
            if not data:
                if now - last > limit:
                    self.last_error = f"no audio from the microphone for {limit:g} s"
                    log.warning("%s; reopening", self.last_error)
                    return
                continue
            last, limit = now, self.stall_seconds
            pending += data
            while len(pending) >= CHUNK_BYTES:
                yield pending[:CHUNK_BYTES]
                pending = pending[CHUNK_BYTES:]

    def _close_stream(self, stream: Any) -> None:
        """Close the stream unless PortAudio restarted since it opened (it is gone already)."""
        if self._hung or portaudio.generation() != self._generation:
            return
        try:
            portaudio.call(stream.abort, ignore_errors=True, what="abort input")
            portaudio.call(stream.close, ignore_errors=True, what="close input")
        except portaudio.PortAudioTimeout:
            self._hung = True
        except Exception as exc:  # noqa: BLE001 - a dead device may fail to close; drop it
            log.debug("closing the microphone stream failed: %s", exc)

    def close(self) -> None:
        self._closed.set()


def _has_input(sd: Any) -> bool:
    try:
        return any(d["max_input_channels"] > 0 for d in sd.query_devices())
    except Exception:  # noqa: BLE001 - no device list is no input
        return False
