"""Topic words of the semantic layer's settings: idioms that place nothing, per-label topics."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["label_words", "placed_elsewhere", "stem", "word_pairs"]

_SUFFIXES = ("ing", "ed", "es", "s")
"""Endings a word class ignores ("pickled", "tablets", "potatoes")."""


def word_pairs(items: Iterable[Any]) -> frozenset[tuple[str, ...]]:
    """"came back" -> ("came", "back"), "on my back" -> ("on", "my", "back"); a single word
    is ignored."""
    split = (tuple(str(item).split()) for item in items)
    return frozenset(p for p in split if len(p) >= 2)


def stem(word: str) -> str:
    """A crude stem, enough to match a word class: "pickled", "pickles", "pickle" -> "pickl"."""
    word = word.removesuffix("'s")
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[:-len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


def label_words(section: Mapping[str, Any] | None) -> dict[str, frozenset[str]]:
    """label -> stems of the words that put a line on topic for that label only."""
    return {str(k): frozenset(stem(str(w)) for w in v or []) for k, v in (section or {}).items()}


def placed_elsewhere(words: list[str], elsewhere: frozenset[str],
                     idioms: frozenset[tuple[str, ...]]) -> bool:
    """An `elsewhere` word that places something ("a cramp in my back"), not one that only
    ends an idiom ("it came back": it returned; "floating on my back": a posture)."""
    ending = {i + len(idiom) - 1 for idiom in idioms for i in range(len(words))
              if tuple(words[i:i + len(idiom)]) == idiom}
    return any(w in elsewhere and i not in ending for i, w in enumerate(words))
