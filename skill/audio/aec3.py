"""In-process WebRTC AEC3 echo cancellation (livekit's AudioProcessingModule) on 16 kHz PCM."""

from __future__ import annotations

import threading

from livekit import rtc

RATE = 16000
FRAME_BYTES = RATE // 100 * 2
"""The module takes exactly 10 ms of int16 mono per call."""


class Aec3:
    """Feed what is played (`played`) and what the microphone hears (`heard`); `heard` returns
    the microphone with the played sound removed. Both take 16 kHz mono int16 bytes of any
    length and keep partial 10 ms frames for the next call, so `heard`'s output may lag its
    input by up to 10 ms. The player and the microphone call from their own threads."""

    def __init__(self, noise_suppression: bool = False, high_pass_filter: bool = True,
                 delay_ms: int = 30) -> None:
        # Gain control off: it turns the microphone down by itself and lifts the leftovers of
        # the assistant's voice (as measured with PulseAudio's webrtc canceller).
        self._apm = rtc.AudioProcessingModule(echo_cancellation=True,
                                              noise_suppression=noise_suppression,
                                              high_pass_filter=high_pass_filter,
                                              auto_gain_control=False)
        self._delay_ms = delay_ms
        self._lock = threading.Lock()
        self._far = bytearray()
        self._near = bytearray()

    def played(self, pcm: bytes) -> None:
        """What was just sent to the speaker (the reference)."""
        with self._lock:
            self._far += pcm
            while len(self._far) >= FRAME_BYTES:
                frame = rtc.AudioFrame(bytearray(self._far[:FRAME_BYTES]), RATE, 1, RATE // 100)
                del self._far[:FRAME_BYTES]
                self._apm.process_reverse_stream(frame)

    def heard(self, pcm: bytes) -> bytes:
        """The microphone's `pcm` with the echo removed (whole 10 ms frames of it so far)."""
        out = bytearray()
        with self._lock:
            self._near += pcm
            while len(self._near) >= FRAME_BYTES:
                frame = rtc.AudioFrame(bytearray(self._near[:FRAME_BYTES]), RATE, 1, RATE // 100)
                del self._near[:FRAME_BYTES]
                # AEC3 estimates the delay itself; the hint only starts it near the answer.
                self._apm.set_stream_delay_ms(self._delay_ms)
                self._apm.process_stream(frame)
                out += frame.data.cast("B")
        return bytes(out)
