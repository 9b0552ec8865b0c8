"""The asr service's logic: one stream (audio-start .. audio-stop) through a fresh recogniser."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from wyoming.audio import AudioChunk, AudioChunkConverter

from skill.interfaces import SAMPLE_RATE, Recognizer

MAX_STREAM_SECONDS = 60
"""A voice command is seconds long; a stream beyond this is cut off (a stuck or hostile client).

Counted in bytes received in the chunk's own format, before any conversion or decoding, so one
huge chunk is cut as surely as many small ones."""


class AudioFormatError(ValueError):
    """An audio chunk this server cannot convert to 16 kHz mono int16."""


@dataclass(frozen=True)
class SpeechToText:
    """A loaded model for one language and how to make a recogniser on it for each stream."""

    language: str
    model_name: str
    new_recognizer: Callable[[], Recognizer]


def check_format(chunk: AudioChunk) -> None:
    if not 4000 <= chunk.rate <= 96000:
        raise AudioFormatError(f"unsupported sample rate {chunk.rate}")
    if chunk.width not in (1, 2, 3, 4) or chunk.channels not in (1, 2):
        raise AudioFormatError(f"unsupported width {chunk.width} / channels {chunk.channels}")
    if len(chunk.audio) % (chunk.width * chunk.channels):
        raise AudioFormatError("audio length is not a whole number of frames")


class Transcription:
    """Feeds one stream to its own recogniser and joins every utterance it heard."""

    def __init__(self, recognizer: Recognizer) -> None:
        self._recognizer = recognizer
        self._converter = AudioChunkConverter(rate=SAMPLE_RATE, width=2, channels=1)
        self._parts: list[str] = []
        self._seconds = 0.0

    @property
    def full(self) -> bool:
        return self._seconds >= MAX_STREAM_SECONDS

    def add(self, chunk: AudioChunk) -> None:
        """Accept one chunk in any PCM format; raises AudioFormatError for nonsense."""
        check_format(chunk)
        if self.full:
            return
        frame = chunk.width * chunk.channels
        room = int((MAX_STREAM_SECONDS - self._seconds) * chunk.rate) * frame
        if len(chunk.audio) > room:
            chunk = AudioChunk(chunk.rate, chunk.width, chunk.channels, chunk.audio[:room])
        if not chunk.audio:
            self._seconds = MAX_STREAM_SECONDS
            return
        self._seconds += len(chunk.audio) / (chunk.rate * frame)
        pcm = self._converter.convert(chunk).audio
        heard = self._recognizer.feed(pcm)
        if heard:
            self._parts.append(heard)

    def finish(self) -> str:
        heard = self._recognizer.flush()
        if heard:
            self._parts.append(heard)
        return " ".join(part.strip() for part in self._parts if part.strip())
