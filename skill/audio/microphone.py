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
from skill.interfaces import SAMPLE_RATE

__all__ = ["MicrophoneSource", "parse_device"]  # parse_device: its old import path

log = logging.getLogger(__name__)

MAX_QUEUED = 200
"""Reads held for a listener that is behind (20-80 s) before new ones are dropped."""


class MicrophoneSource:
    """Yields 16 kHz mono int16 chunks from a PortAudio input for as long as it is not closed.

    The device is opened at its own rate and resampled here with soxr (one streaming resampler
    per open stream), so no sound server's low-quality resampler sits before the recogniser.

    The stream is read blocking, by a thread of its own (no Python callback per block), in
    `idle_seconds` reads while nobody speaks and `block_seconds` reads once the listener says
    speech may be on (`pace(True)`): the idle assistant wakes a few times a second, and the end
    of speech is still seen within a block. The start of speech is heard up to one idle read
    late, which the voice gate's pre-roll absorbs (it keeps the audio, not the time).

    A stall (no audio for `stall_seconds`), a PortAudio error or a failed read closes the
    stream; it is reopened after a growing pause (`backoff`, capped at `max_backoff`), so
    listening resumes when the sound system comes back, without a restart. The cap is short
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
        idle_seconds: float = 0.4,
    ) -> None:
        self.device = device
        self.block_seconds = block_seconds
        """The stream's block (its period): how soon audio arrives while speech may be on.
        Every block wakes the sound server's client thread, all night."""
        self.idle_seconds = max(idle_seconds, block_seconds)
        """Audio per read while the listener hears nothing: one Python wake-up per read."""
        self.stall_seconds = stall_seconds
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._sleep = sleep
        # SimpleQueue: put and get are C calls, a few microseconds on either thread.
        self._queue: queue.SimpleQueue[bytes] = queue.SimpleQueue()
        self._error: str | None = None
        self._closed = threading.Event()
        self._active = False
        self._rate = SAMPLE_RATE
        self._resampler = StreamResampler(SAMPLE_RATE)
        self.reconnects = 0
        """How many times the stream was reopened after a failure."""
        self.last_error: str | None = None
        self._generation = -1
        self._pump: threading.Thread | None = None
        self._epoch = 0
        """Numbers each open; a stream from an abandoned open that returns late is ignored,
        and a read thread of an older stream stops."""

    @classmethod
    def from_settings(cls, voice: VoiceSettings) -> MicrophoneSource:
        """The microphone `[voice]` configures: its device, stall, block and idle read length."""
        return cls(parse_device(voice.input_device), stall_seconds=voice.stall_seconds,
                   block_seconds=voice.block_ms / 1000, idle_seconds=voice.idle_read_ms / 1000)

    @property
    def rate(self) -> int:
        """The rate the device records at (its own), before resampling to 16 kHz."""
        return self._rate

    def pace(self, active: bool) -> None:
        """The listener's hint: True while speech may be on (small reads), False when idle."""
        self._active = active

    def _open(self) -> Any:
        sd = portaudio.sounddevice()
        self._epoch += 1
        _drain(self._queue)  # audio of an older stream (maybe at another rate) is stale
        epoch = self._epoch
        stream, self._generation = portaudio.open_device(lambda: self._start(sd, epoch),
                                                         "input", "open input")
        self._error = None
        self._pump = threading.Thread(target=self._read_stream, args=(stream, epoch),
                                      name="microphone", daemon=True)
        self._pump.start()
        return stream

    def _start(self, sd: Any, epoch: int) -> Any:
        def start(rate: int) -> Any:
            return portaudio.started(sd.RawInputStream(
                samplerate=rate, channels=1, dtype="int16", device=self.device,
                blocksize=int(rate * self.block_seconds),
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

    def _read_stream(self, stream: Any, epoch: int) -> None:
        """The read thread of one stream: blocking reads, sized by the pace, into the queue.

        It alone reads the stream and closes it when told to stop (a later epoch), so no other
        thread touches a stream that a read is blocked on. While it runs PortAudio is not
        re-initialised (that would pull the stream from under the read)."""
        block = max(1, int(self._rate * self.block_seconds))
        idle = block * max(1, round(self.idle_seconds / self.block_seconds))
        with portaudio.in_use():
            try:
                while epoch == self._epoch and not self._closed.is_set():
                    data, _overflowed = stream.read(block if self._active else idle)
                    # A reader behind for this long gets nothing new rather than all of it late.
                    if self._queue.qsize() < MAX_QUEUED:
                        self._queue.put_nowait(bytes(data))
            except Exception as exc:  # noqa: BLE001 - reported and handled by reopening
                if epoch == self._epoch:
                    self._error = f"microphone read failed: {exc}"
            finally:
                self._queue.put_nowait(b"")  # wakes the listener at once
                _close(stream)

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
                self._open()
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
                for chunk in self._read():
                    if not got_audio:
                        got_audio, delay = True, self.backoff
                        if failed:
                            log.info("microphone hears again (after %d reopens)", self.reconnects)
                            failed, self.last_error = False, None
                    yield chunk
            finally:
                self._stop_stream()
                # Free soxr's state with the stream (a native object left at exit is reported).
                self._resampler = StreamResampler(SAMPLE_RATE)
            failed = not self._closed.is_set()

    def _read(self) -> Iterator[bytes]:
        # A freshly opened PulseAudio monitor can take ~2 s before its first block.
        limit = max(self.stall_seconds, self.STARTUP_SECONDS, 2 * self.idle_seconds)
        while not self._closed.is_set():
            # No timeout tick: this thread sleeps until audio comes, or the stall deadline.
            try:
                data = self._queue.get(timeout=limit)
            except queue.Empty:
                self.last_error = f"no audio from the microphone for {limit:g} s"
                log.warning("%s; reopening", self.last_error)
                return
            if portaudio.generation() != self._generation:
                self.last_error = "PortAudio was re-initialised"
                log.info("%s; reopening the microphone", self.last_error)
                return
            if self._error or not data:
                if self._error:
                    self.last_error = self._error
                    log.warning("%s; reopening", self.last_error)
                return
            limit = max(self.stall_seconds, 2 * self.idle_seconds)
            pcm = self._resampler.process(data)
            if pcm:
                yield pcm

    def _stop_stream(self) -> None:
        """Tell the read thread to close its stream and wait for it (one read at most); a read
        that hangs (sound server gone) is abandoned with its stream."""
        pump, self._pump = self._pump, None
        self._epoch += 1
        if pump is None:
            return
        pump.join(self.idle_seconds + portaudio.CALL_SECONDS)
        if pump.is_alive():
            portaudio.abandon("input read", self.idle_seconds + portaudio.CALL_SECONDS)

    def close(self) -> None:
        self._closed.set()
        self._queue.put_nowait(b"")  # wakes a listener waiting for audio


def _close(stream: Any) -> None:
    """Close a stream whose reads are over (on its read thread, which alone touches it)."""
    try:
        portaudio.call(stream.abort, ignore_errors=True, what="abort input")
        portaudio.call(stream.close, ignore_errors=True, what="close input")
    except Exception as exc:  # noqa: BLE001 - a dead device may fail to close; drop it
        log.debug("closing the microphone stream failed: %s", exc)


def _drain(chunks: queue.SimpleQueue[bytes]) -> None:
    while True:
        try:
            chunks.get_nowait()
        except queue.Empty:
            return

