"""What one turn reports back: the cleaned line, its intent, and what was said."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from skill.dialogue.plan import Plan

MAX_TEXT = 300
"""Longer input is cut before matching; nobody says more than this in one breath."""
_JUNK = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffd]+")


@dataclass(frozen=True)
class Turn:
    text: str
    """The input line (cleaned: control characters removed, cut to MAX_TEXT)."""
    intent: str | None
    """The stateless classification of this line, whatever the dialogue made of it."""
    slots: dict[str, str] = field(default_factory=dict)
    say: list[str] = field(default_factory=list)
    """Sentences said, in order (counts included)."""
    reply_keys: list[str] = field(default_factory=list)
    """Reply key of each sentence in `say`."""
    confidence: float = 0.0
    """The match's confidence, 0..1 (1.0 for an exact template)."""
    layer: str = "none"
    """Matcher layer that decided: 'red_flag', 'exact', 'fuzzy', 'keywords', 'semantic',
    'cramp-unclear' or 'none'."""
    plan: Plan | None = field(default=None, compare=False, repr=False)
    """The turn's whole effect as executed (speech cut, reminder dismissed, sentences)."""

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "intent": self.intent, "slots": dict(self.slots),
                "say": list(self.say), "reply_keys": list(self.reply_keys),
                "confidence": self.confidence, "layer": self.layer}


def clean_text(text: str) -> str:
    """Drop control characters and undecodable bytes, collapse spaces, cut to MAX_TEXT."""
    return " ".join(_JUNK.sub(" ", text[: MAX_TEXT * 4]).split())[:MAX_TEXT]
