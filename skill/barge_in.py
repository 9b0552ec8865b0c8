"""Barge-in: speaking over the assistant holds its voice; a command acts, anything else resumes.

Only with the sound server's echo canceller (skill/audio/echo_cancel.py): the microphone then
hears the user but hardly the assistant, so listening goes on while it speaks. Speech over the
assistant's voice holds (ducks) it: once a command word of the pack is heard in it, or, for a
pack without barge_in_words, at once (the voice gate opened); when the utterance is over, a
follow-up command (stop, better, next, repeat, slower) or a danger sign goes to the dialogue,
which cuts or replaces what was being said; anything else, or nothing understood, resumes where
the hold cut it. Without a canceller the assistant would hear itself, so the microphone stays
muted while it speaks, as before (said once in the log and on the status page).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from intents.matcher import IntentMatcher
from skill.audio.echo_cancel import (
    EchoCancelError,
    EchoCanceller,
    echo_canceller_for,
    route_through,
    unload,
)
from skill.audio.settings import VoiceSettings
from skill.dialogue.routing import FOLLOW_UPS
from skill.double_talk import DoubleTalk
from skill.speech.speech_queue import SpeechQueue

log = logging.getLogger(__name__)

ACTING = FOLLOW_UPS | {"safety.red_flag"}
"""What acts at once when said over the assistant's voice."""
BARGE_COMMIT_MS = 120
"""While held, a complete command is taken after this much pause instead of [voice]
early_commit_ms: the user is waiting in silence for the assistant to react."""
PULSE_DEVICES = ("", "pulse", "default")
"""Microphone settings that reach the sound server (where the canceller lives)."""
COMFORT_NOISE_DB = -50.0
"""Level of the faint noise played between sentences with barge-in (StreamPlayer.comfort_noise):
enough for the canceller to keep learning, about as loud as a quiet room."""
OUTPUT_LATENCY = 0.25
"""Speaker buffer (s) with barge-in on. With 50 ms a busy machine underruns many times a minute
and the ALSA plugin then reconnects to the sound server; each reconnection makes the echo
canceller resynchronise and leak the assistant's voice for a moment (measured: a gate opening
every few seconds). A hold or stop still takes effect at once; only the start of a reply is
this much later."""


class Holdable(Protocol):
    def is_busy(self) -> bool: ...

    def hold(self) -> bool: ...

    def resume(self) -> None: ...


class BargeIn:
    """Between the listening loop and the dialogue (ListeningService's on_voice, on_transcript)."""

    def __init__(self, speaker: Holdable, classify: Callable[[str], str | None],
                 handle: Callable[[str], object], *, canceller: EchoCanceller | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 double_talk: DoubleTalk | None = None,
                 words: frozenset[str] = frozenset()) -> None:
        self.speaker = speaker
        self.words = words
        """The language pack's barge_in_words: when given, the assistant's voice is held only
        once the words heard over it hold one (not on the voice's level alone)."""
        self.double_talk = double_talk
        """Tells the user's voice from the canceller's leftovers; None: every voice holds."""
        self._voiced = False
        self.echo_openings = 0
        """Times the gate opened on what the double-talk check took for leftovers (no hold)."""
        self.classify = classify
        self.handle = handle
        self.canceller = canceller
        self.clock = clock
        self._lock = threading.Lock()
        self._held = False
        self.holds = 0
        """Times speech was held because someone spoke over it."""
        self.acted = 0
        """Commands said over the assistant's voice that went to the dialogue."""
        self.ignored = 0
        """Utterances over the assistant's voice that were not a command (speech went on)."""
        self.last_hold_at: float | None = None
        self.listening: Any = None
        """The ListeningService (set once built): its early commit is quicker while held."""

    def on_level(self, level: float) -> None:
        """Every microphone chunk: learn the leftovers; a voice rising over them holds."""
        if self.double_talk is None:
            return
        with self._lock:
            # Learnt only while it speaks (the rest of the night costs one append per chunk).
            quiet = not self._voiced and not self._held
            self.double_talk.level(level, learn=quiet and self.speaker.is_busy())
            if self._voiced and not self._held and not self.words:
                self._hold_if_speaking()

    def on_voice(self, started: bool) -> None:
        """The voice gate opened (hold if speaking) or the utterance is over (resume)."""
        with self._lock:
            self._voiced = started
            if started:
                busy = self.speaker.is_busy()
                if busy:
                    # Held or not, a command over its voice is taken after a short pause.
                    self._quick_commit(True)
                if self.words:
                    return  # held by on_partial, once a command word is heard
                if not self._held and not self._hold_if_speaking() and busy:
                    self.echo_openings += 1
                return
            self._quick_commit(False)
            if self._held:
                self._held = False
                self.speaker.resume()

    def on_partial(self, text: str) -> None:
        """The words heard so far: the start of a command over its voice holds it (ducked),
        so the rest of the command competes with 25 dB less of the assistant's voice."""
        if not self.words or self._held or not any(w in self.words for w in text.split()):
            return
        with self._lock:
            if not self._held and self.speaker.is_busy() and self.speaker.hold():
                log.info("barge-in: held on %r", text)
                self._held, self.last_hold_at = True, self.clock()
                self.holds += 1

    def _hold_if_speaking(self) -> bool:
        """Hold the assistant's voice if it is speaking and the audio is a voice over it."""
        if self.double_talk is not None and not self.double_talk.speaking():
            return False
        if self.speaker.is_busy() and self.speaker.hold():
            if self.double_talk is not None:
                log.info("barge-in: held (microphone %s dB against what is played, leftovers "
                         "%.0f dB)", self.double_talk.ratio_db(), self.double_talk.residual_db)
            self._held, self.last_hold_at = True, self.clock()
            self.holds += 1
            self._quick_commit(True)
            return True
        return False

    def on_transcript(self, text: str) -> None:
        """A command heard over the voice acts; other speech over it is let go."""
        if not self._held and not self.speaker.is_busy():
            self.handle(text)
            return
        text = self._from_command_word(text)
        intent = self.classify(text)
        if self.words and not self._held and intent != "safety.red_flag":
            # With command words, only a command that held the voice on its word acts: its own
            # replies hold other command words ("다음"), and their leftovers came back as one.
            intent = None
        if intent in ACTING:
            self.acted += 1
            log.info("barge-in: %r (%s) over the assistant's voice", text, intent)
            self.handle(text)
        else:
            self.ignored += 1
            log.info("barge-in: %r is not a command; going on where it paused", text)

    def _from_command_word(self, text: str) -> str:
        """What was said from the command word that held the voice on (with the word before
        it, "다 좋아졌어"), when that is a command: the canceller's leftovers of the assistant's
        voice come before it in the same utterance ("줘 쥐났어 줘 좋아졌어")."""
        words = text.split()
        first = next((i for i, w in enumerate(words) if w in self.words), None)
        if not self._held or first is None:
            return text
        for start in (max(0, first - 1), first):
            tail = " ".join(words[start:])
            if self.classify(tail) in ACTING:
                return tail
        return text

    def _quick_commit(self, held: bool) -> None:
        listening = self.listening
        if listening is not None:
            listening.hurry(BARGE_COMMIT_MS if held else None)

    def close(self) -> None:
        """Unload the echo canceller if this process loaded it."""
        if self.canceller is not None:
            try:
                unload(self.canceller)
            except EchoCancelError as exc:
                log.warning("could not unload the echo canceller: %s", exc)


def start_barge_in(voice: VoiceSettings, speaker: Any, matcher: IntentMatcher,
                   handle: Callable[[str], object]) -> tuple[BargeIn | None, str]:
    """(BargeIn, '') when it can work here, else (None, why not); logs which, once."""
    why = ""
    if not isinstance(speaker, SpeechQueue):
        why = "replies are not spoken"
    elif voice.input_device.strip() not in PULSE_DEVICES:
        why = f"input_device {voice.input_device!r} bypasses the sound server's echo canceller"
    canceller = None
    if not why:
        canceller, why = echo_canceller_for(voice.echo_cancel)
    if canceller is None:
        note = f"barge-in is off ({why}): the microphone is ignored while the assistant speaks"
        log.warning(note)
        return None, note
    route_through(canceller)
    player = speaker.holdable()
    inner = player.inner
    if isinstance(getattr(inner, "latency", None), float):
        inner.latency = max(inner.latency, OUTPUT_LATENCY)  # type: ignore[attr-defined]
    if hasattr(inner, "comfort_noise"):
        inner.comfort_noise(COMFORT_NOISE_DB)  # type: ignore[attr-defined]
    player.close()  # reopened on the canceller's sink by the next sentence
    played_rms = getattr(inner, "played_rms", None)
    double_talk = DoubleTalk(played_rms) if callable(played_rms) else None
    log.info("barge-in on: listening on %s while speaking into %s", canceller.source,
             canceller.sink)
    words = frozenset(str(w) for w in matcher.pack.meta.get("barge_in_words", ()))
    return BargeIn(speaker, command_of(matcher), handle, canceller=canceller,
                   double_talk=double_talk, words=words), ""


def command_of(matcher: IntentMatcher) -> Callable[[str], str | None]:
    """The intent of what was said over the assistant's voice, trusting only exact template
    matches: what is left of its own voice arrives as fragments that the near-miss layers could
    make into a command, and its replies name danger signs ("붓거나"), which the red-flag
    detector finds in any fragment ("뒤 쥐 쥐가 부었어요 있어요" acted twice in the bedroom). A
    danger sign said over its voice must therefore be a sentence of the pack; said otherwise,
    it is let go like other speech over the voice (heard when said again)."""
    def classify(text: str) -> str | None:
        match = matcher.match(text)
        if match.intent == "safety.red_flag":
            return match.intent if matcher.is_template(text) else None
        return match.intent if match.method == "exact" else None

    return classify


def listening_hooks(barge_in: BargeIn | None, speaker: Any,
                    handle: Callable[[str], object]) -> dict[str, Any]:
    """ListeningService keyword arguments: barge-in's hooks, or today's mute while speaking."""
    if barge_in is None:
        return {"on_transcript": handle, "is_speaking": speaker.is_busy}
    return {"on_transcript": barge_in.on_transcript, "is_speaking": lambda: False,
            "on_voice": barge_in.on_voice, "on_level": barge_in.on_level,
            "on_partial": barge_in.on_partial, "attentive": speaker.is_busy}
