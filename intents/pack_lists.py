"""Word lists of a language pack's YAML sections: read, and matched with stems, one way."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["is_listed", "section_pairs", "section_words"]


def section_words(section: Mapping[str, Any], key: str) -> frozenset[str]:
    """The words listed under `key` (none when the key is missing or empty)."""
    return frozenset(str(w) for w in section.get(key) or [])


def section_pairs(section: Mapping[str, Any], key: str) -> frozenset[tuple[str, str]]:
    """The two-word phrases listed under `key` ("foot bath"); other lengths are skipped."""
    split = (str(p).split() for p in section.get(key) or [])
    return frozenset((p[0], p[1]) for p in split if len(p) == 2)


def is_listed(word: str, listed: frozenset[str]) -> bool:
    """A listed word, or a listed stem ("nettle*") it starts with."""
    return word in listed or any(w.endswith("*") and word.startswith(w[:-1]) for w in listed)
