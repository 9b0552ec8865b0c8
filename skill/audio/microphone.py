"""MicrophoneSource: sounddevice input that notices a dead device and reopens it with backoff."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from skill.audio import portaudio
from skill.audio.native_rate import native_rate
from skill.audio.portaudio import parse_device
from skill.audio.resampler import StreamResampler
from skill.audio.settings import VoiceSettings
from skill.audio.sources import CHUNK_BYTES
from skill.interfaces import SAMPLE_RATE

__all__ = ["MicrophoneSource", "parse_device"]  # parse_device: its old import path

log = logging.getLogger(__name__)

MAX_QUEUED = 200
"""Blocks held for a reader that is behind (~20 s) before new ones are dropped."""


class MicrophoneSource:
    """Yields 16 kHz mono int16 chunks from a PortAudio input for as long as it is not closed.

    The device is opened at its own rate and resampled here with soxr (one streaming resampler
    per open stream), so no sound server's low-quality resampler sits before the recogniser.

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
        block_seconds: float = 0.1,
    ) -> None:
        self.device = device
        self.block_seconds = block_seconds
        """Audio per PortAudio callback: each block wakes two threads, so bigger blocks cost less
        CPU all night, but the end of speech is seen up to one block later."""
        self.stall_seconds = stall_seconds
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._sleep = sleep
        # SimpleQueue: put and get are C calls, a few microseconds on the audio thread and the
        # reader every 100 ms all night (Queue's Python-level locking cost several times more).
        self._queue: queue.SimpleQueue[bytes] = queue.SimpleQueue()
        self._error: str | None = None
        self._closed = threading.Event()
        self._rate = SAMPLE_RATE
        self._resampler = StreamResampler(SAMPLE_RATE)
        self.reconnects = 0
        """How many times the stream was reopened after a failure."""
        self.last_error: str | None = None
        self._generation = -1
        self._hung = False
        self._epoch = 0
        """Numbers each open; a stream from an abandoned open that returns late is ignored."""

    @classmethod
    def from_settings(cls, voice: VoiceSettings) -> MicrophoneSource:
        """The microphone `[voice]` configures: its device, stall and block length."""
        return cls(parse_device(voice.input_device), stall_seconds=voice.stall_seconds,
                   block_seconds=voice.block_ms / 1000)

    @property
    def rate(self) -> int:
        """The rate the device records at (its own), before resampling to 16 kHz."""
        return self._rate

    def _callback(self, epoch: int, indata: Any) -> None:
        # Anything raised here would silently stop PortAudio's stream; record it instead.
        if epoch != self._epoch:
            return
        try:
            # Resampling happens on the reading thread: the audio thread only copies.
            if self._queue.qsize() < MAX_QUEUED:
                self._queue.put_nowait(bytes(indata))
            # else the consumer is behind; dropping audio beats blocking the audio thread
        except Exception as exc:  # noqa: BLE001 - reported and handled by reopening
            self._error = f"callback failed: {exc!r}"

    def _open(self) -> Any:
        sd = portaudio.sounddevice()
        self._hung = False
        self._epoch += 1
        _drain(self._queue)  # audio of an older stream (maybe at another rate) is stale
        epoch = self._epoch
        stream, self._generation = portaudio.open_device(lambda: self._start(sd, epoch),
                                                         "input", "open input")
        return stream

    def _start(self, sd: Any, epoch: int) -> Any:
        def callback(indata: Any, frames: int, time_info: Any, status: Any) -> None:
            self._callback(epoch, indata)

        def start(rate: int) -> Any:
            return portaudio.started(sd.RawInputStream(
                samplerate=rate, channels=1, dtype="int16", device=self.device,
                blocksize=int(rate * self.block_seconds), callback=callback,
            ))

        native = native_rate(sd, self.device)
        try:
            stream = start(native)
        except sd.PortAudioError as exc:
            if "sample rate" not in str(exc).lower() or native == SAMPLE_RATE:
                raise
            log.info("microphone refuses its own %d Hz (%s); recording at 16 kHz", native, exc)
            native = SAMPLE_RATE
            stream = start(native)
        if epoch == self._epoch:  # not an abandoned open that returned late
            if native != self._rate:
                log.info("microphone records at %d Hz, resampled to 16 kHz here", native)
            self._rate = native
            self._resampler = StreamResampler(native)
        return stream

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
                # Free soxr's state with the stream (a native object left at exit is reported).
                self._resampler = StreamResampler(SAMPLE_RATE)
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
            # A stopped stream sends nothing, so it is looked at only when no audio came.
            if self._error or (not data and not stream.active):
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
            pending += self._resampler.process(data)
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


def _drain(chunks: queue.SimpleQueue[bytes]) -> None:
    while True:
        try:
            chunks.get_nowait()
        except queue.Empty:
            return

