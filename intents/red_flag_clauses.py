"""Distance between the phrases of a red-flag concept, read past list words and relative clauses."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Gap:
    """How far apart two phrases of a `near` concept are, in words that count."""

    light: frozenset[str]
    """Words that never count: list words and intensifiers ("full and heavy and hot")."""
    relatives: frozenset[str] = frozenset()
    """Words that open a relative clause ("the calf THAT cramped last night is warm")."""
    links: frozenset[str] = frozenset()
    """Verbs that end one: what follows says something of the noun before the clause."""
    places: frozenset[str] = frozenset()
    """Prepositions that open a phrase saying where: "the vein ON the back of my knee is hard"."""
    parts: frozenset[str] = frozenset()
    """Leg parts that end that phrase: where the noun is, no distance from its sign."""

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Gap:
        def words(key: str) -> frozenset[str]:
            return frozenset(str(w) for w in data.get(key) or [])

        return cls(words("light_words"), words("relative_words"), words("relative_ends"),
                   words("place_words"), words("place_parts"))

    def __call__(self, between: Sequence[str]) -> int:
        """Words between two phrases that count; a relative clause between a leg part and its
        sign ("the calf that cramped last night is warm") or a phrase of where ("on the back
        of my knee") is no distance: the sign is the calf's, however long the clause."""
        opens = next((i for i, w in enumerate(between) if w in self.relatives), None)
        if opens is not None:
            ends = [i for i, w in enumerate(between) if w in self.links and i > opens + 1]
            if ends:
                between = [*between[:opens], *between[ends[-1]:]]
        # "the vein on the back of my knee is hard": the phrase of where is the noun's own
        opens = next((i for i, w in enumerate(between) if w in self.places), None)
        if opens is not None:
            ends = [i for i, w in enumerate(between) if w in self.parts and i > opens]
            if ends:
                between = [*between[:opens], *between[ends[-1] + 1:]]
        return sum(w not in self.light for w in between)
