"""A recogniser's slip of a leg word ("my car is swollen", "my cafe is puffy"), heard as the leg."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from intents.pack_lists import is_listed as _is
from intents.red_flag_data import listed_words

__all__ = ["LegSlips"]


@dataclass(frozen=True)
class LegSlips:
    """The `leg_slips:` part of red_flags.yaml. A real word a recogniser writes for a leg part
    ("car", "cafe" for "calf") is read as that part only where nothing but a body could be meant:
    after an owner ("my", "his") and followed shortly by a sign only a body has ("swollen",
    "tender", "numb", "hurts to walk"). "my car is hot" or "the cafe is busy" stay things."""

    words: Mapping[str, str] | None = None
    """slip -> the leg word it stands for."""
    owners: frozenset[str] = frozenset()
    body_signs: frozenset[str] = frozenset()
    """Sign words (or stems, "swell*") only a body has, one of which must follow the slip."""
    window: int = 4
    unless_next: frozenset[str] = frozenset()
    """Words after the sign that make it a thing's ("our cafe is swollen WITH customers")."""

    @classmethod
    def from_data(cls, data: Mapping[str, Any] | None) -> LegSlips:
        data = data or {}
        words = {str(k): str(v) for k, v in (data.get("words") or {}).items()}
        return cls(words, listed_words(data, "owners", "leg_slips "),
                   listed_words(data, "body_signs", "leg_slips "), int(data.get("window", 4)),
                   listed_words(data, "unless_next", "leg_slips "))

    def line(self, words: Sequence[str]) -> list[str]:
        """`words` with each slip that stands for a leg part rewritten as that part."""
        out = list(words)
        for i, word in enumerate(words):
            leg = (self.words or {}).get(word)
            if leg and i > 0 and words[i - 1] in self.owners and self._body_sign(words, i + 1):
                out[i] = leg
        return out

    def _body_sign(self, words: Sequence[str], start: int) -> bool:
        """A body-only sign in the few words from `start`, not said of a thing after it."""
        for j in range(start, min(len(words), start + self.window)):
            if _is(words[j], self.body_signs):
                return not self.unless_next.intersection(words[j + 1:j + 2])
        return False
