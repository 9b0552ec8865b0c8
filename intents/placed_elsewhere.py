"""A pain or cramp placed in another body part and no leg: no leg-cramp answer from the head."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from intents.pack_lists import section_words

__all__ = ["PlacedElsewhere"]


@dataclass(frozen=True)
class PlacedElsewhere:
    """The `placed_elsewhere:` section of pack.yaml.

    The semantic head reads "my son has got growing pains in his arms" as a child's leg cramp
    (0.99): the words of pain are there, the leg is not. A cramp answer that no template gave is
    dropped when the line names one of `parts` and none of `legs` (a leg word outweighs them:
    "cramp in my calf and my back aches")."""

    parts: frozenset[str]
    legs: frozenset[str]

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any]) -> PlacedElsewhere | None:
        section = meta.get("placed_elsewhere")
        if not section:
            return None
        return cls(section_words(section, "parts"), section_words(section, "legs"))

    def __call__(self, words: Sequence[str]) -> bool:
        heard = {w.removesuffix("'s") for w in words} | set(words)
        return bool(heard & self.parts) and not heard & self.legs
