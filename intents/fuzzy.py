"""Near-miss matching: heard words compared with sentences sampled from the hassil templates."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

import numpy as np
from hassil import (
    Alternative,
    Expression,
    Intents,
    ListReference,
    Permutation,
    RangeSlotList,
    RuleReference,
    Sentence,
    Sequence,
    TextChunk,
    TextSlotList,
)

__all__ = ["FuzzyHit", "FuzzyIndex", "FuzzySettings", "Sample", "sample_templates",
           "template_words"]

NUMBER = "{n}"
"""Placeholder standing for any number, in samples and in heard text alike."""


@dataclass(frozen=True)
class FuzzySettings:
    """The `fuzzy:` section of pack.yaml."""

    threshold: float
    """Word-sequence similarity a near-miss needs against a sampled template sentence."""
    max_dropped_share: float
    """Share of the words that may be unknown (and dropped) before the templates are retried."""
    min_kept_words: int
    """Fewest words that must remain after dropping unknown ones."""
    spelling_cutoff: float
    """Character similarity for correcting an unknown word to a known one (ASR noise)."""
    keywords: frozenset[str]
    """A near-miss must contain one of these."""
    veto: frozenset[str]
    """Out-of-domain words: when heard, only an exact template match may fire."""
    topic: frozenset[str]
    """Cramp and body words; only a line with one of these may be split into clauses."""
    body: frozenset[str]
    """Body-part words: a clause needs a keyword besides these ("his left foot" says nothing)."""
    questions: frozenset[str]
    """A line opening with one of these is a question and is never split."""
    clause_joiners: frozenset[str]
    """Words that join two clauses ("and", "because"); a split drops them."""
    clause_starters: frozenset[str]
    """Words that can open a new clause without a joiner ("my", "i", "it")."""
    aside_starters: frozenset[str] = frozenset()
    """Words that open an aside beside a session command ("slow down, i am half asleep")."""

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any]) -> FuzzySettings:
        section = meta.get("fuzzy") or {}
        return cls(
            threshold=float(section.get("threshold", 0.8)),
            max_dropped_share=float(section.get("max_dropped_share", 0.34)),
            min_kept_words=int(section.get("min_kept_words", 4)),
            spelling_cutoff=float(section.get("spelling_cutoff", 0.84)),
            keywords=frozenset(str(w) for w in section.get("keywords") or []),
            veto=frozenset(str(w) for w in section.get("veto") or []),
            topic=frozenset(str(w) for w in section.get("topic") or []),
            body=frozenset(str(w) for w in section.get("body") or []),
            questions=frozenset(str(w) for w in section.get("questions") or []),
            clause_joiners=frozenset(str(w) for w in section.get("clause_joiners") or []),
            clause_starters=frozenset(str(w) for w in section.get("clause_starters") or []),
            aside_starters=frozenset(str(w) for w in section.get("aside_starters") or []),
        )


@dataclass(frozen=True)
class Sample:
    intent: str
    """Intent the sampled sentence belongs to."""
    words: tuple[str, ...]
    """The sentence's words; simple slot lists appear as "{list}" placeholders."""
    slots: tuple[tuple[str, str], ...] = ()
    """Slot values fixed by the sample itself (e.g. who=partner from "my wife")."""


@dataclass(frozen=True)
class FuzzyHit:
    sample: Sample
    score: float
    """Word-sequence similarity, 0..1."""


class _Walker:
    """Random walks over hassil's parsed expression tree (hassil does the parsing)."""

    def __init__(self, intents: Intents, placeholders: Mapping[str, str],
                 slot_names: Mapping[str, str], rng: random.Random) -> None:
        self.intents = intents
        self.placeholders = placeholders
        self.slot_names = slot_names
        self.rng = rng

    def walk(self, expression: Expression, rules: Mapping[str, Sentence],
             slots: dict[str, str]) -> Iterator[str]:
        if isinstance(expression, TextChunk):
            yield expression.original_text
        elif isinstance(expression, Alternative):
            items = expression.items
            if expression.is_optional and self.rng.random() < 0.5:
                return
            yield from self.walk(self.rng.choice(items), rules, slots)
        elif isinstance(expression, Permutation):
            items = list(expression.items)
            self.rng.shuffle(items)
            for item in items:
                yield " "
                yield from self.walk(item, rules, slots)
        elif isinstance(expression, Sequence):
            for item in expression.items:
                yield from self.walk(item, rules, slots)
        elif isinstance(expression, RuleReference):
            yield from self.walk(rules[expression.rule_name].expression, rules, slots)
        elif isinstance(expression, ListReference):
            yield from self._walk_list(expression, rules, slots)

    def _walk_list(self, ref: ListReference, rules: Mapping[str, Sentence],
                   slots: dict[str, str]) -> Iterator[str]:
        if ref.list_name in self.placeholders:
            yield f" {self.placeholders[ref.list_name]} "
            return
        slot_list = self.intents.slot_lists.get(ref.list_name)
        if isinstance(slot_list, RangeSlotList):
            if ref.slot_name in self.slot_names.values():
                slots[ref.slot_name] = NUMBER
            yield f" {NUMBER} "
        elif isinstance(slot_list, TextSlotList) and slot_list.values:
            value = self.rng.choice(slot_list.values)
            if ref.list_name in self.slot_names and value.value_out is not None:
                slots[self.slot_names[ref.list_name]] = str(value.value_out)
            yield from self.walk(value.text_in, rules, slots)


def template_words(intents: Intents) -> frozenset[str]:
    """Every word any template, rule or list value can produce."""
    words: set[str] = set()
    stack: list[Expression] = [s.expression for s in intents.expansion_rules.values()]
    for intent in intents.intents.values():
        for data in intent.data:
            stack.extend(s.expression for s in data.sentences)
            stack.extend(s.expression for s in data.expansion_rules.values())
    for slot_list in intents.slot_lists.values():
        if isinstance(slot_list, TextSlotList):
            stack.extend(v.text_in for v in slot_list.values)
    while stack:
        expression = stack.pop()
        if isinstance(expression, TextChunk):
            words.update(expression.original_text.split())
        elif isinstance(expression, (Alternative, Permutation, Sequence)):
            stack.extend(expression.items)
    return frozenset(words)


def sample_templates(intents: Intents, per_template: int, placeholders: Mapping[str, str],
                     slot_names: Mapping[str, str], seed: int = 0) -> Iterator[Sample]:
    """`per_template` random sentences from every template, seeded so the index is stable.

    hassil's own sample_intents enumerates every combination, which for these templates runs
    to millions; a seeded random walk over the same parsed tree gives a bounded, even spread.
    """
    walker = _Walker(intents, placeholders, slot_names, random.Random(seed))
    for name, intent in intents.intents.items():
        for data in intent.data:
            rules = {**intents.expansion_rules, **data.expansion_rules}
            fixed = {str(k): str(v) for k, v in (data.slots or {}).items()}
            for sentence in data.sentences:
                for _ in range(per_template):
                    slots = dict(fixed)
                    words = "".join(walker.walk(sentence.expression, rules, slots)).split()
                    if words:
                        yield Sample(name, tuple(words), tuple(sorted(slots.items())))


@dataclass
class FuzzyIndex:
    """Finds the sampled sentence most like the heard words, among those sharing a keyword."""

    keywords: frozenset[str]
    threshold: float
    margin: float = 0.04
    """A rival intent scoring within this of the best makes the answer too unsure to give."""
    _samples: list[Sample] = field(default_factory=list)
    _by_word: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    """Per word: the samples holding it and how often; gives every sample's shared word count
    (difflib's quick_ratio) at once, so SequenceMatcher runs only where it can pass."""
    _lengths: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))

    @classmethod
    def build(cls, samples: Iterable[Sample], keywords: frozenset[str], threshold: float,
              margin: float = 0.04) -> FuzzyIndex:
        index = cls(keywords=keywords, threshold=threshold, margin=margin)
        owners: dict[tuple[str, ...], set[str]] = defaultdict(set)
        unique: dict[tuple[str, ...], Sample] = {}
        for sample in samples:
            owners[sample.words].add(sample.intent)
            unique.setdefault(sample.words, sample)
        for words, sample in unique.items():
            if len(owners[words]) > 1:
                continue  # the same words under two intents say nothing about either
            index._samples.append(sample)
        index._index_words()
        return index

    def _index_words(self) -> None:
        postings: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
        for i, sample in enumerate(self._samples):
            for word in set(sample.words):
                ids, counts = postings[word]
                ids.append(i)
                counts.append(sample.words.count(word))
        self._by_word = {w: (np.array(ids, np.int32), np.array(counts, np.int32))
                         for w, (ids, counts) in postings.items()}
        self._lengths = np.array([len(s.words) for s in self._samples], np.int32)

    def _passing_quick_ratio(self, words: list[str]) -> np.ndarray:
        """Samples sharing a keyword whose quick_ratio with `words` reaches the threshold."""
        size = len(self._samples)
        sharing = np.zeros(size, bool)
        shared = np.zeros(size, np.int64)
        for word in set(words):
            posting = self._by_word.get(word)
            if posting is not None:
                shared[posting[0]] += np.minimum(posting[1], words.count(word))
                if word in self.keywords:
                    sharing[posting[0]] = True
        ratio = 2.0 * shared / (self._lengths + len(words))
        return np.flatnonzero(sharing & (ratio >= self.threshold))

    def __len__(self) -> int:
        return len(self._samples)

    def best(self, words: list[str]) -> FuzzyHit | None:
        """The closest sample at or above the threshold, or None when none or unsure."""
        matcher = SequenceMatcher(autojunk=False)
        matcher.set_seq2(words)
        best_by_intent: dict[str, FuzzyHit] = {}
        for i in self._passing_quick_ratio(words):
            sample = self._samples[i]
            matcher.set_seq1(sample.words)
            score = matcher.ratio()
            current = best_by_intent.get(sample.intent)
            if score >= self.threshold and (current is None or score > current.score):
                best_by_intent[sample.intent] = FuzzyHit(sample, score)
        ranked = sorted(best_by_intent.values(), key=lambda hit: -hit.score)
        if not ranked:
            return None
        if len(ranked) > 1 and ranked[0].score - ranked[1].score < self.margin:
            return None
        return ranked[0]
