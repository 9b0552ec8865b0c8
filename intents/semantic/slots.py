"""Slots for a semantic match, read from the words: side, who, minutes (the templates' slots)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["SlotReader"]


@dataclass(frozen=True)
class SlotReader:
    sides: frozenset[str]
    partner: frozenset[str]
    """Words naming an adult other than the speaker ("wife", "dad")."""
    child: frozenset[str]
    """Words naming a child ("son", "toddler")."""
    not_a_side_before: frozenset[str] = frozenset()
    """A side word followed by one of these is no side ("right now", "right away")."""
    said_of_children: frozenset[str] = frozenset()
    """`partner` words said of a child as well ("he", "her"): they name no adult."""

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any]) -> SlotReader:
        section = (meta.get("semantic") or {}).get("slot_words") or {}
        return cls(frozenset(str(w) for w in section.get("side") or []),
                   frozenset(str(w) for w in section.get("partner") or []),
                   frozenset(str(w) for w in section.get("child") or []),
                   frozenset(str(w) for w in section.get("not_a_side_before") or []),
                   frozenset(str(w) for w in section.get("said_of_children") or []))

    def adult(self, words: list[str]) -> bool:
        """An adult other than the speaker is named ("my boyfriend's calf") and no child."""
        heard = {w.removesuffix("'s") for w in words} | set(words)
        return bool(heard & (self.partner - self.said_of_children)) and not heard & self.child

    def read(self, intent: str, words: list[str]) -> dict[str, str]:
        slots: dict[str, str] = {}
        if intent == "reminder.snooze":
            numbers = [w for w in words if w.isdigit()]
            if len(numbers) == 1:
                slots["minutes"] = numbers[0]
            return slots
        if not intent.startswith(("cramp.", "safety.")):
            return slots
        heard = set(words)
        if intent == "cramp.child" or heard & self.child:
            slots["who"] = "child"
        elif heard & self.partner:
            slots["who"] = "partner"
        sides = {w for w, after in zip(words, [*words[1:], ""], strict=True)
                 if w in self.sides and after not in self.not_a_side_before}
        if len(sides) == 1:
            slots["side"] = sides.pop()
        return slots
