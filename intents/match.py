"""The result of classifying one utterance, shared by the matcher and everything that reads it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class IntentMatch:
    intent: str | None
    """Canonical dotted intent name, or None when nothing matched."""
    slots: dict[str, str] = field(default_factory=dict)
    """Slot values that matter, e.g. {'side': 'left'} or {'who': 'child'}."""
    text: str = ""
    """The text that was classified (as heard or typed)."""
    score: float = 0.0
    """1.0 for an exact template match; lower for a fuzzy one; 0.0 for no match."""
    method: str = "none"
    """'exact', 'fuzzy' or 'none'."""


class Matcher(Protocol):
    """Turns text into an intent with slots; stateless."""

    def match(self, text: str) -> IntentMatch: ...
