"""The result of classifying one utterance, shared by the matcher and everything that reads it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

CANONICAL_INTENTS = frozenset({
    "cramp.calf", "cramp.thigh", "cramp.foot", "cramp.cannot_stand", "cramp.swimming",
    "cramp.exercise", "cramp.persistent", "cramp.pregnancy", "cramp.child", "safety.red_flag",
    "info.causes", "info.prevention", "info.doctor", "info.diet", "info.remedies",
    "routine.footbath",
    "routine.stretch", "routine.hydration", "control.next", "control.repeat", "control.stop",
    "control.better", "control.help", "control.slower", "reminder.done", "reminder.snooze",
    "reminder.list",
})
"""Stable intent names; later issues, the labelled sets and outside checks rely on them."""
RED_FLAG = "safety.red_flag"
"""The danger-sign intent, which every layer and the dialogue treat apart."""


@dataclass(frozen=True)
class IntentMatch:
    intent: str | None
    """Canonical dotted intent name, or None when nothing matched."""
    slots: dict[str, str] = field(default_factory=dict)
    """Slot values that matter, e.g. {'side': 'left'} or {'who': 'child'}."""
    text: str = ""
    """The text that was classified (as heard or typed)."""
    score: float = 0.0
    """Confidence: 1.0 for an exact template match; lower for the other layers; 0.0 for none."""
    method: str = "none"
    """Layer that decided: 'exact', 'fuzzy', 'semantic', 'cramp-unclear' or 'none'."""
    held: str | None = None
    """With intent None: an intent the policy held back for want of context, which the dialogue
    may take when that context is there (reminder.done while a spoken reminder waits)."""


class Matcher(Protocol):
    """Turns text into an intent with slots; stateless."""

    def match(self, text: str) -> IntentMatch: ...
