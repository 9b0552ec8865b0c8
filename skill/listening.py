"""The listening loop: audio source -> voice gate -> recogniser -> callback with each transcript.

While the assistant speaks (plus a short tail) input is discarded, "stop" included: with no echo
cancellation the assistant's own voice would reach the recogniser, and its replies contain words
like "stop" and "next". Follow-ups ("stop", "next") work in the window after each step instead.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from skill.asr.factory import build_recognizer, pack_grammar, tuning_for
from skill.audio.settings import VoiceSettings
from skill.audio.vad import VadGate
from skill.interfaces import AudioSource, Recognizer
from skill.listening_setup import LIVE_FIELDS, build_gate, complete_command, running_voice

__all__ = [
    "LIVE_FIELDS", "ListeningService", "ListeningStatus", "build_gate", "build_recognizer",
    "complete_command", "pack_grammar", "rms_level", "running_voice", "tuning_for",
]  # their old import paths: build_recognizer, pack_grammar, tuning_for from skill.asr.factory;
# LIVE_FIELDS, build_gate, complete_command, running_voice from skill.listening_setup

log = logging.getLogger(__name__)

PAD_BYTES = 16000 * 2 * 150 // 1000
"""150 ms of the latest pause, fed again once to let Vosk finish the last word sooner."""


@dataclass(frozen=True)
class ListeningStatus:
    """A snapshot for the admin status page."""

    running: bool
    last_audio: datetime | None
    """When the source last delivered any audio (the microphone is alive)."""
    last_heard: datetime | None
    """When audio last passed the voice gate (someone, or something, spoke)."""
    level: float | None
    """Level of the latest chunk, 0.0 (silence) to 1.0 (full scale RMS)."""
    utterances: int
    last_transcript: str | None


def rms_level(chunk: bytes) -> float:
    """RMS of int16 PCM as a fraction of full scale."""
    samples = np.frombuffer(chunk[: len(chunk) - len(chunk) % 2], dtype="<i2")
    if len(samples) == 0:
        return 0.0
    # One dot product: this runs on every chunk all night (a mean of squares costs 3x more).
    floats = samples.astype(np.float32)
    return math.sqrt(float(np.dot(floats, floats)) / len(floats)) / 32768.0


class ListeningService:
    """Feeds one recogniser from one source; calls `on_transcript` with every final transcript."""

    def __init__(
        self,
        source: AudioSource,
        recognizer: Recognizer,
        on_transcript: Callable[[str], object],
        *,
        gate: VadGate | None = None,
        is_speaking: Callable[[], bool] = lambda: False,
        speaking_tail: float = 0.6,
        clock: Callable[[], float] = time.monotonic,
        is_complete: Callable[[str], bool] | None = None,
        early_commit_ms: int = 0,
        on_voice: Callable[[bool], object] | None = None,
        attentive: Callable[[], bool] = lambda: False,
        on_level: Callable[[float], object] | None = None,
        on_partial: Callable[[str], object] | None = None,
    ) -> None:
        self.source = source
        # MicrophoneSource.pace: small reads only while speech may be on (few idle wake-ups).
        self._pace: Callable[[bool], object] | None = getattr(source, "pace", None)
        self._paced: bool | None = None
        self.attentive = attentive
        """Small blocks whatever the gate hears (barge-in: the assistant is speaking)."""
        self.on_voice = on_voice
        """Told True when the gate opens on speech, False once that utterance is over (after
        its transcript, if any, was handled): barge-in holds the assistant's voice meanwhile."""
        self._voiced = False
        self.on_level = on_level
        """Told each chunk's RMS level (before the gate): barge-in's double-talk check."""
        self.on_partial = on_partial
        """Told the partial transcript after each voiced chunk: barge-in holds on its words."""
        self.is_complete = is_complete
        """Whether a partial transcript is already a whole command (an exact template match)."""
        self.early_commit_ms = early_commit_ms
        self._hurry_ms: int | None = None
        """The early commit's pause while barge-in holds the assistant's voice (hurry())."""
        self._early_checked: str | None = None
        self._pause_audio = b""
        """The partial transcript the early commit last looked at in this pause."""
        self.recognizer = recognizer
        self.on_transcript = on_transcript
        self.gate = gate
        self.is_speaking = is_speaking
        self.speaking_tail = speaking_tail
        self.clock = clock
        self._muted_until = float("-inf")
        self._muted = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._running = False
        self._last_audio: float | None = None
        self._last_heard: float | None = None
        """time.time() of each; turned into datetimes only when the status is asked for."""
        self._level: float | None = None
        self._utterances = 0
        self._last_transcript: str | None = None
        self._pending: tuple[VoiceSettings, Callable[[str], bool] | None] | None = None
        """Settings apply() handed over, taken in by the listening thread before its next chunk."""

    @property
    def status(self) -> ListeningStatus:
        return ListeningStatus(self._running, _when(self._last_audio), _when(self._last_heard),
                               self._level, self._utterances, self._last_transcript)

    def start(self) -> threading.Thread:
        """Listen on a daemon thread until stop()."""
        self._thread = threading.Thread(target=self.run, name="listening", daemon=True)
        self._thread.start()
        return self._thread

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self.source.close()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def run(self) -> None:
        """Listen until the source ends or stop() is called; the last utterance is flushed."""
        self._running = True
        try:
            for chunk in self.source.chunks():
                if self._stop.is_set():
                    break
                self.process(chunk)
            if not self._stop.is_set():
                self._emit(self.recognizer.flush())
        finally:
            self._running = False

    def apply(self, settings: VoiceSettings,
              is_complete: Callable[[str], bool] | None = None) -> None:
        """Use the LIVE_FIELDS of `settings` (and `is_complete`, built for its early commit
        score) from the next chunk on; safe from any thread."""
        self._pending = (settings, is_complete)

    def hurry(self, ms: int | None) -> None:
        """Commit a complete command after `ms` of pause instead of early_commit_ms (barge-in,
        while the assistant's voice is held); None: as configured again."""
        self._hurry_ms = ms

    def process(self, chunk: bytes) -> None:
        """One chunk through mute, gate and recogniser."""
        if self._pending is not None:
            self._take_settings()
        self._last_audio = time.time()
        self._level = rms_level(chunk)
        if self.on_level is not None:
            self.on_level(self._level)
        if self._discarding():
            # Small reads while muted, or the end of our own voice arrives after the mute ends.
            self._pace_source(True)
            return
        if self.gate is None:
            self._pace_source(True)
            self._emit(self.recognizer.feed(chunk))
            return
        for output in self.gate.process(chunk):
            if output.audio:
                self._last_heard = self._last_audio
                self._voice(True)
                self._emit(self.recognizer.feed(output.audio))
                self._pause_audio = (self._pause_audio + output.audio)[-PAD_BYTES:]
                if self.on_partial is not None and self._voiced:
                    self.on_partial(self.recognizer.partial())
            if output.ended:
                self._early_checked = None
                self._emit(self.recognizer.flush())
                self._voice(False)
        self._commit_early()
        self._pace_source(self.gate.alert or self.attentive())

    def _pace_source(self, active: bool) -> None:
        if self._pace is not None and active != self._paced:
            self._paced = active
            self._pace(active)

    def _take_settings(self) -> None:
        pending, self._pending = self._pending, None
        if pending is None:
            return
        settings, is_complete = pending
        self.speaking_tail = settings.speaking_tail
        self.early_commit_ms = settings.early_commit_ms
        if is_complete is not None:
            self.is_complete = is_complete
        gate = build_gate(settings)
        old = self.gate
        if (gate is None) != (old is None) or (gate and old and gate.params != old.params):
            # A new gate starts closed: what was half heard under the old one is dropped.
            self.gate = gate
            self.recognizer.reset()
            self._early_checked = None
            self._voice(False)

    def _commit_early(self) -> None:
        """Answer a complete command after a short pause instead of the full hangover.

        Safe because only a whole command commits (an exact template match, or a near-miss the
        matcher is sure of); anything said after it is a new utterance, and a red flag still
        wins over whatever was started.
        """
        gate = self.gate
        commit_ms = self.early_commit_ms if self._hurry_ms is None else self._hurry_ms
        if gate is None or not commit_ms or self.is_complete is None:
            return
        if gate.silent_ms < commit_ms:
            self._early_checked = None
            return
        # Looked at again on every chunk of the pause while the partial changes: Vosk often
        # adds the last word only a chunk or two after the pause began.
        first_look = self._early_checked is None
        partial = self.recognizer.partial()
        if partial == self._early_checked:
            return
        if first_look and partial and not self.is_complete(partial):
            # Vosk shows a word ~250 ms after it ends (it looks ahead): the pause just heard,
            # fed again, lets it finish the last word now (should speech go on: a longer pause).
            final = self.recognizer.feed(self._pause_audio)
            if final:
                gate.close()
                self._emit(final)
                self._voice(False)
                return
            partial = self.recognizer.partial()
        self._early_checked = partial
        if partial and self.is_complete(partial):
            gate.close()
            # The partial is answered as it is (Vosk's final pass costs 40-100 ms under load and
            # may lose a word); the pass runs after the reply is queued, as a bare reset would
            # leave undecoded frames in Vosk, heard as stray syllables before the next line.
            self._emit(partial)
            self.recognizer.flush()
            self._voice(False)

    def _voice(self, voiced: bool) -> None:
        if self.on_voice is None or voiced == self._voiced:
            return
        self._voiced = voiced
        try:
            self.on_voice(voiced)
        except Exception:  # barge-in failing must not end listening
            log.exception("voice %s hook failed", "start" if voiced else "end")

    def _discarding(self) -> bool:
        now = self.clock()
        if self.is_speaking():
            self._muted_until = now + self.speaking_tail
        if now < self._muted_until:
            if not self._muted:
                # Drop the half-heard utterance too: it may already hold the assistant's voice.
                self._muted = True
                self.recognizer.reset()
                if self.gate is not None:
                    self.gate.reset()
            return True
        self._muted = False
        return False

    def _emit(self, transcript: str | None) -> None:
        if not transcript:
            return
        self._utterances += 1
        self._last_transcript = transcript
        log.info("heard: %s", transcript)
        try:
            self.on_transcript(transcript)
        except Exception:  # a failing consumer must not end listening
            log.exception("handling %r failed; still listening", transcript)


def _when(stamp: float | None) -> datetime | None:
    return None if stamp is None else datetime.fromtimestamp(stamp).astimezone()
