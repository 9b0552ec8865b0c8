"""What a ListeningService is built from and re-built with: the voice gate, the early-commit test,
and which [voice] keys apply while it runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from intents.matcher import IntentMatcher
from skill.audio.settings import VoiceSettings
from skill.audio.vad import VadGate

LIVE_FIELDS = ("vad_gate", "vad_aggressiveness", "pre_roll_ms", "hangover_ms", "early_commit_ms",
               "early_commit_score", "speaking_tail")
"""[voice] keys a running ListeningService takes with apply(); the others (microphone, model,
mode, endpointing, wake word, echo cancelling) need a restart."""


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


def running_voice(running: VoiceSettings, new: VoiceSettings) -> VoiceSettings:
    """`new` as far as it applies without a restart: its LIVE_FIELDS, the rest as running."""
    return replace(running, **{name: getattr(new, name) for name in LIVE_FIELDS})


def build_gate(settings: VoiceSettings) -> VadGate | None:
    """The voice gate as configured, or None when [voice] vad_gate is off."""
    if not settings.vad_gate:
        return None
    return VadGate(settings.vad_aggressiveness, settings.pre_roll_ms, settings.hangover_ms)
