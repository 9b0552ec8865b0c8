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

from intents.language import load_pack
from intents.matcher import IntentMatcher
from skill.asr.dual import DualRecognizer
from skill.asr.grammar import Grammar, grammar_for_pack
from skill.asr.models import LoadedModel, Tuning, load_model
from skill.asr.vosk_recognizer import VoskRecognizer
from skill.audio.settings import VoiceSettings
from skill.audio.vad import VadGate
from skill.interfaces import AudioSource, Recognizer

log = logging.getLogger(__name__)


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
        on_level: Callable[[float], object] | None = None,
    ) -> None:
        self.source = source
        self.on_voice = on_voice
        self.on_level = on_level
        """Told each chunk's RMS level (before the gate): barge-in's double-talk check."""
        """Told True when the gate opens on speech, False once that utterance is over (after
        its transcript, if any, was handled): barge-in holds the assistant's voice meanwhile."""
        self._voiced = False
        self.is_complete = is_complete
        """Whether a partial transcript is already a whole command (an exact template match)."""
        self.early_commit_ms = early_commit_ms
        self._early_checked: str | None = None
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

    def process(self, chunk: bytes) -> None:
        """One chunk through mute, gate and recogniser."""
        self._last_audio = time.time()
        self._level = rms_level(chunk)
        if self.on_level is not None:
            self.on_level(self._level)
        if self._discarding():
            return
        if self.gate is None:
            self._emit(self.recognizer.feed(chunk))
            return
        for output in self.gate.process(chunk):
            if output.audio:
                self._last_heard = self._last_audio
                self._voice(True)
                self._emit(self.recognizer.feed(output.audio))
            if output.ended:
                self._early_checked = None
                self._emit(self.recognizer.flush())
                self._voice(False)
        self._commit_early()

    def _commit_early(self) -> None:
        """Answer a complete command after a short pause instead of the full hangover.

        Safe because only a whole command commits (an exact template match, or a near-miss the
        matcher is sure of); anything said after it is a new utterance, and a red flag still
        wins over whatever was started.
        """
        gate = self.gate
        if gate is None or not self.early_commit_ms or self.is_complete is None:
            return
        if gate.silent_ms < self.early_commit_ms:
            self._early_checked = None
            return
        # Looked at again on every chunk of the pause while the partial changes: Vosk often
        # adds the last word only a chunk or two after the pause began.
        partial = self.recognizer.partial()
        if partial == self._early_checked:
            return
        self._early_checked = partial
        if partial and self.is_complete(partial):
            gate.close()
            final = self.recognizer.flush()
            # The final pass may still lose a word; the partial was a whole command, keep it.
            self._emit(final if final and self.is_complete(final) else partial)
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


def complete_command(matcher: IntentMatcher, min_score: float = 1.0) -> Callable[[str], bool]:
    """The early-commit test: the text already matches a sentence of the pack exactly, or the
    understanding layer is at least `min_score` sure of it (a near-miss with one stray or lost
    word: through a real room most commands arrive like that, and then waited the full
    hangover). Cheap enough for the listening thread: it runs once per pause."""

    def complete(text: str) -> bool:
        if matcher.is_exact(text):
            return True
        if min_score >= 1.0:
            return False
        found = matcher.match(text)
        # "cramp-unclear" is a fallback for a finished line, not proof that the line is finished:
        # "i have a cramp in my" must wait for the body part
        return (found.intent is not None and found.method != "cramp-unclear"
                and found.score >= min_score)

    return complete


def build_gate(settings: VoiceSettings) -> VadGate | None:
    """The voice gate as configured, or None when [voice] vad_gate is off."""
    if not settings.vad_gate:
        return None
    return VadGate(settings.vad_aggressiveness, settings.pre_roll_ms, settings.hangover_ms)


def build_recognizer(settings: VoiceSettings, language: str) -> VoskRecognizer | DualRecognizer:
    """Load (once) the model for `language`; grammar or open vocabulary as configured.

    Raises ModelNotFoundError / ModelLoadError with a message saying what to do.
    """
    model = load_model(language, settings.model_path, tuning_for(settings))
    if settings.mode == "both":
        return DualRecognizer(model, pack_grammar(model))
    return VoskRecognizer(model, pack_grammar(model) if settings.mode == "grammar" else None)


_grammars: dict[int, Grammar] = {}


def pack_grammar(model: LoadedModel) -> Grammar:
    """The grammar of the model's language pack, built (and its missing words logged) once."""
    key = id(model)
    if key not in _grammars:
        _grammars[key] = grammar_for_pack(load_pack(model.lang), model.has_word)
    return _grammars[key]


def tuning_for(settings: VoiceSettings) -> Tuning:
    return Tuning(endpoint_silence=settings.endpoint_silence,
                  endpoint_silence_unsure=max(settings.endpoint_silence * 2, 0.8))
