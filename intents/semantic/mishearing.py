"""Recogniser mishearings of key words ("car" for calf, "camp" for cramp), repaired in context."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Mishearings"]

_NEAR = 4
"""How many words after a misheard cramp word its leg part may come ("camp in my left leg")."""


@dataclass(frozen=True)
class Mishearings:
    """The `mishearings:` of pack.yaml's `semantic:` section: heard word -> meant word.

    The heard words are real words ("car", "camp"), so no spelling check reads them as slips;
    each is repaired only where the line already says the other half of a cramp: a misheard
    leg part after an owner ("my car's cramping") in a line with a cramp word, a misheard cramp
    word placed in a leg part ("camp in my leg"; not "crab legs"). "stop the car", "the camp
    site" stay as said."""

    legs: Mapping[str, str]
    """Heard -> leg part ("car" -> "calf")."""
    cramps: Mapping[str, str]
    """Heard -> cramp word ("camp" -> "cramp")."""
    cramp_words: frozenset[str]
    """Words that name a cramp for certain (not "cramped": "my car is cramped" is space)."""
    leg_words: frozenset[str]
    owners: frozenset[str]
    """Words before a leg part ("my", "the", "left")."""
    links: frozenset[str]
    """Words between a cramp word and its leg part ("in", "on", "my")."""

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any]) -> Mishearings:
        section = (meta.get("semantic") or {}).get("mishearings") or {}
        leg_words = frozenset(str(w) for w in section.get("leg_words") or [])
        cramp_words = frozenset(str(w) for w in section.get("cramp_words") or [])
        heard: dict[str, dict[str, str]] = {"legs": {}, "cramps": {}}
        for meant, words in (section.get("heard") or {}).items():
            kind = "legs" if str(meant) in leg_words else "cramps"
            for word in words or []:
                heard[kind][str(word)] = str(meant)
                heard[kind][f"{word}'s"] = f"{meant}'s"
        return cls(heard["legs"], heard["cramps"], cramp_words, leg_words,
                   frozenset(str(w) for w in section.get("owners") or []),
                   frozenset(str(w) for w in section.get("links") or []))

    def repair(self, text: str) -> str:
        """The line with its misheard key words put back; unchanged when none fits."""
        words = text.split()
        fixed = list(words)
        said_cramp = any(w in self.cramp_words for w in words)
        for i, word in enumerate(words):
            if said_cramp and word in self.legs and i > 0 and words[i - 1] in self.owners:
                fixed[i] = self.legs[word]
            elif word in self.cramps and self._leg_near(fixed, i):
                fixed[i] = self.cramps[word]
        return " ".join(fixed) if fixed != words else text

    def _leg_near(self, words: list[str], i: int) -> bool:
        """A leg part after the word with only links, at least one, between ("camp in my leg");
        right after it the pair may be a thing of its own ("crab legs" are food)."""
        if words[i + 1:i + 2] and words[i + 1] not in self.links:
            return False
        for word in words[i + 1:i + 1 + _NEAR]:
            if word.removesuffix("'s") in self.leg_words:
                return True
            if word not in self.links:
                return False
        return False
