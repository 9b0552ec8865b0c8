"""Red-flag data: the phrases, concepts and rules of intents/<lang>/red_flags.yaml, parsed."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from intents.language import LanguagePack, PackError

LEVELS = ("emergency", "urgent", "doctor")
"""Triage levels, most serious first (../shared/CONTENT.md "Triage levels")."""
RANK = {level: rank for rank, level in enumerate(LEVELS)}


@dataclass(frozen=True)
class Term:
    """One phrase: a word pattern per token ('a|b' alternatives, 'stem*' any ending, '#10+')."""

    words: tuple[tuple[str, ...], ...]

    @classmethod
    def parse(cls, text: str, lexicons: Mapping[str, tuple[str, ...]] | None = None) -> Term:
        """'@name' stands for every word of the lexicon `name` ("@red": red, scarlet, pinkish)."""
        return cls(tuple(_expand(w.split("|"), lexicons or {}) for w in str(text).split()))

    def needles(self, substring: bool) -> tuple[str, ...]:
        """Text a line must hold one of for the phrase to be in it (what each alternative of
        its first word spells out); () when a number may stand there: no such text."""
        first = self.words[0] if self.words else ()
        if not first or any(alt.startswith("#") for alt in first):
            return ()
        return tuple(alt.rstrip("*") if substring or alt.endswith("*") else alt for alt in first)

    def compile(self, substring: bool) -> re.Pattern[str]:
        """One regex finding where the phrase may start (overlapping starts too); each candidate
        is then checked word by word."""
        def word(alternatives: tuple[str, ...]) -> str:
            parts = []
            for alt in alternatives:
                if alt.startswith("#"):
                    parts.append(r"\d+")
                elif substring:
                    parts.append(rf"\S*{re.escape(alt.rstrip('*'))}\S*")
                elif alt.endswith("*"):
                    parts.append(rf"{re.escape(alt[:-1])}\S*")
                else:
                    parts.append(re.escape(alt))
            return "(?:" + "|".join(parts) + ")"

        return re.compile(r"(?<!\S)(?=" + " ".join(word(a) for a in self.words) + r"(?!\S))")


def _expand(alternatives: list[str], lexicons: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    out: list[str] = []
    for alt in alternatives:
        if alt.startswith("@"):
            if alt[1:] not in lexicons:
                raise PackError(f"red_flags: unknown lexicon {alt!r}")
            out.extend(lexicons[alt[1:]])
        else:
            out.append(alt)
    return tuple(dict.fromkeys(out))


def parse_lexicons(data: object) -> dict[str, tuple[str, ...]]:
    """Word classes shared by the concepts (`lexicons:`): one list of colour, size or temperature
    words, so a new word is heard by every concept that uses the class."""
    if not isinstance(data, Mapping):
        return {}
    return {str(k): tuple(str(w) for w in v or []) for k, v in data.items()}
@dataclass(frozen=True)
class Concept:
    name: str
    terms: tuple[Term, ...]
    """Any one of these phrases is the concept."""
    near: tuple[tuple[tuple[Term, ...], ...], ...]
    """Or: one phrase from every group, all within `window` words of each other."""
    window: int
    unless_next: frozenset[str]
    """A hit followed (within two words) by one of these is not the concept ('warm towel')."""
    next_stops: frozenset[str]
    """Words that end that look-ahead: 'swell after the cramp' is swelling, 'swelling cramp' not."""
    unless_before: frozenset[str]
    """A hit preceded (within two words) by one of these is not the concept ('in 20 minutes')."""
    hint: str
    """Level when only this concept was found and another layer says red flag; '' for none."""
    alone: bool = False
    """Heard only when every other word of the line is an `alone_words` word or a number: a
    frequency said as the whole answer ("five nights out of seven"), not of something else
    ("i run every night")."""


@dataclass(frozen=True)
class Rule:
    level: str
    all: tuple[str, ...]
    any: tuple[str, ...]
    none: tuple[str, ...]

    def fires(self, found: set[str]) -> bool:
        return (set(self.all) <= found and (not self.any or bool(found.intersection(self.any)))
                and found.isdisjoint(self.none))


def listed_words(data: Mapping[str, Any], key: str, where: str = "") -> frozenset[str]:
    """The words of one list of the `context:` section; a word YAML read as a boolean is one
    clear error."""
    values = data.get(key) or []
    if not isinstance(values, list) or not all(isinstance(w, str) for w in values):
        raise PackError(f"red_flags context {where}{key}: a list of quoted words is needed "
                        f"(YAML reads on/off/no as booleans): {values!r}")
    return frozenset(values)


def check_level(value: object, where: str) -> str:
    if value not in RANK:
        raise PackError(f"red_flags {where}: level {value!r} must be one of {', '.join(LEVELS)}")
    return str(value)


def all_terms(concept: Concept) -> list[Term]:
    return list(concept.terms) + [t for groups in concept.near for g in groups for t in g]


def parse_concept(name: str, body: Mapping[str, Any],
                  lexicons: Mapping[str, tuple[str, ...]] | None = None) -> Concept:
    hint = body.get("hint", "")
    return Concept(
        name=str(name),
        terms=tuple(Term.parse(t, lexicons) for t in body.get("terms") or []),
        near=tuple(tuple(tuple(Term.parse(t, lexicons) for t in group) for group in groups)
                   for groups in body.get("near") or []),
        window=int(body.get("window", 4)),
        unless_next=frozenset(str(w) for w in body.get("unless_next") or []),
        next_stops=frozenset(str(w) for w in body.get("next_stops") or []),
        unless_before=frozenset(str(w) for w in body.get("unless_before") or []),
        hint=check_level(hint, f"concept {name} hint") if hint else "",
        alone=bool(body.get("alone", False)),
    )


def parse_rule(body: Mapping[str, Any]) -> Rule:
    return Rule(
        level=check_level(body.get("level"), f"rule {dict(body)}"),
        all=tuple(str(c) for c in body.get("all") or []),
        any=tuple(str(c) for c in body.get("any") or []),
        none=tuple(str(c) for c in body.get("none") or []),
    )


@functools.cache
def wordpiece_words(min_length: int = 4) -> frozenset[str]:
    """Whole English words of the semantic encoder's WordPiece vocabulary ("spelling", "clothes",
    "gravy"): real words that spelling tolerance must never turn into a symptom. Empty when the
    tokenizer is not installed (then only the pack's own known words are protected). Read once
    per process: every matcher built (tests build many) asks for it."""
    import json

    from intents.semantic.encoder import locate

    try:
        vocab = json.loads(locate().tokenizer.read_text(encoding="utf-8"))["model"]["vocab"]
    except (OSError, ValueError, KeyError, TypeError):
        return frozenset()
    return frozenset(w for w in vocab if w.isalpha() and len(w) >= min_length)



def template_words_of(pack: LanguagePack) -> set[str]:
    """Words the pack's templates use: known words, never "corrected" into a symptom."""
    from hassil import Intents

    from intents.fuzzy import template_words

    return set(template_words(Intents.from_dict(pack.sentences)))
