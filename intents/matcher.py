"""IntentMatcher: exact hassil template match first, then a cautious fuzzy layer for near-misses."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from hassil import Intents, RecognizeResult, recognize_best

from intents.fuzzy import NUMBER, FuzzyIndex, Sample, sample_templates, template_words
from intents.keywords import KeywordLayer
from intents.language import LanguagePack
from intents.match import IntentMatch
from intents.normalize import Normalizer
from intents.red_flags import RedFlagDetector

__all__ = ["FuzzySettings", "IntentMatcher"]

_RED_FLAG = "safety.red_flag"

_SAMPLES_PER_TEMPLATE = 120
_MAX_LEAVE_ONE_OUT_WORDS = 14


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
        )


class IntentMatcher:
    """Classifies one utterance into a canonical intent with slots; stateless and thread-safe."""

    def __init__(self, pack: LanguagePack) -> None:
        self.pack = pack
        self.normalize = Normalizer.from_meta(pack.meta)
        self.settings = FuzzySettings.from_meta(pack.meta)
        self.intents = Intents.from_dict(pack.sentences)
        self.slot_names: dict[str, str] = {
            str(k): str(v) for k, v in (pack.meta.get("slot_lists") or {}).items()
        }
        side_values = self._simple_list_values("side")
        self._placeholder_of = {value: "{side}" for value in side_values}
        samples = list(sample_templates(
            self.intents, _SAMPLES_PER_TEMPLATE, {"side": "{side}"}, self.slot_names
        ))
        self.vocabulary = template_words(self.intents) | self._skip_vocabulary()
        self._skip_phrases = sorted({tuple(str(p).split()) for p in self.intents.skip_words},
                                    key=len, reverse=True)
        self.fuzzy = FuzzyIndex.build(samples, self.settings.keywords, self.settings.threshold)
        self.keyword_layer = KeywordLayer.from_meta(pack.meta)
        self.red_flags = RedFlagDetector.from_pack(pack, self.vocabulary)

    # -- red flags: checked before every other layer (intents/red_flags.py) ----------------------

    def match(self, text: str) -> IntentMatch:
        """A danger sign first (safety.red_flag with its level), else the layers below; a red flag
        found by a later layer gets the detector's best level for it."""
        flag = self.red_flags.detect(text) if isinstance(text, str) else None
        if flag is not None:
            return IntentMatch(_RED_FLAG, dict(flag.slots), text, 1.0, "red_flag")
        found = self._match_layers(text)
        if found.intent == _RED_FLAG and self.red_flags.only_negated(text):
            return IntentMatch(None, text=text)  # "my calf is not swollen": no danger sign
        if found.intent == _RED_FLAG and "level" not in found.slots:
            found = replace(found, slots={**found.slots, "level": self.red_flags.level_for(text)})
        return found

    def is_exact(self, text: str) -> bool:
        """Whether match() answers from its first layers (red flags, exact templates), without
        trying the near-miss layers: what the listening loop may commit to early."""
        if isinstance(text, str) and self.red_flags.detect(text) is not None:
            return True
        return self._is_exact_template(text)

    # -- end of red flags --------------------------------------------------------------------------

    def _match_layers(self, text: str) -> IntentMatch:
        """Exact template match, else a near-miss match, else intent None."""
        if not isinstance(text, str):
            return IntentMatch(None, text="")
        normalized = self.normalize(text)
        if not normalized:
            return IntentMatch(None, text=text)
        result = self._recognize(normalized)
        if result is not None:
            return self._from_result(result, text, 1.0, "exact")
        fuzzy = self._fuzzy(normalized.split(), text)
        if fuzzy.intent is None and self.keyword_layer is not None:
            intent = self.keyword_layer.match(normalized.split())
            if intent is not None:
                return IntentMatch(intent, {}, text, 0.6, "keywords")
        return fuzzy

    def _is_exact_template(self, text: str) -> bool:
        """Whether `text` matches a template exactly (what match() reports as 'exact'), without
        trying the near-miss layers."""
        normalized = self.normalize(text) if isinstance(text, str) else ""
        return bool(normalized) and self._recognize(normalized) is not None

    def _fuzzy(self, words: list[str], text: str) -> IntentMatch:
        if self.settings.veto.intersection(words):
            return IntentMatch(None, text=text)
        corrected = [self._correct(w) for w in words]
        kept = [w for w in corrected if w is not None]
        if len(kept) == len(words):
            result = self._without_one_skip_phrase(kept)
            if result is not None:
                return self._from_result(result, text, 0.9, "fuzzy")
        if not self.settings.keywords.intersection(kept):
            return IntentMatch(None, text=text)
        dropped_share = 1 - len(kept) / len(words)
        if (kept != words and dropped_share <= self.settings.max_dropped_share
                and len(kept) >= self.settings.min_kept_words):
            result = self._recognize(" ".join(kept))
            if result is not None:
                return self._from_result(result, text, 0.9 - dropped_share / 2, "fuzzy")
        if len(kept) == len(words):  # one edit at most: an unknown word already counts as one
            result = self._leave_one_out(kept)
            if result is not None:
                return self._from_result(result, text, 0.85, "fuzzy")
        result = self._one_clause(words, corrected)
        if result is not None:
            return self._from_result(result, text, 0.8, "fuzzy")
        if len(kept) < len(words):
            return IntentMatch(None, text=text)  # words no template knows: too far to compare
        hit = self.fuzzy.best([self._placeholder(w) for w in kept])
        if hit is None:
            return IntentMatch(None, text=text)
        slots = self._sample_slots(hit.sample, kept)
        return IntentMatch(hit.sample.intent, slots, text, round(hit.score * 0.9, 3), "fuzzy")

    def _leave_one_out(self, words: list[str]) -> RecognizeResult | None:
        """Retry without each single non-keyword word, for a stray word the templates lack."""
        if len(words) < 3 or len(words) > _MAX_LEAVE_ONE_OUT_WORDS:
            return None
        found: dict[str, RecognizeResult] = {}
        for i, word in enumerate(words):
            if word in self.settings.keywords:
                continue
            result = self._recognize(" ".join(words[:i] + words[i + 1:]))
            if result is not None:
                found.setdefault(result.intent.name, result)
        return next(iter(found.values())) if len(found) == 1 else None

    def _one_clause(self, words: list[str], corrected: list[str | None]) -> RecognizeResult | None:
        """One clause of a two-clause line about a cramp, when exactly one intent matches:
        "my husband has got cramp in his leg and he is yelling", "i cannot get up my leg is
        cramped". The other clause may hold words no template knows."""
        if not self.settings.topic.intersection(w for w in corrected if w is not None):
            return None
        if len(words) > _MAX_LEAVE_ONE_OUT_WORDS or words[0] in self.settings.questions:
            return None
        needed = self.settings.keywords - self.settings.body
        fixed = [c if c is not None else w for w, c in zip(words, corrected, strict=True)]
        spans: set[tuple[str, ...]] = set()
        for j in range(1, len(fixed)):
            if fixed[j] in self.settings.clause_joiners:
                spans.update({tuple(fixed[:j]), tuple(fixed[j + 1:])})
            elif fixed[j] in self.settings.clause_starters:
                spans.update({tuple(fixed[:j]), tuple(fixed[j:])})
        found: dict[str, RecognizeResult] = {}
        for span in spans:
            if len(span) < 2 or not needed.intersection(span):
                continue
            result = self._recognize(" ".join(span))
            if result is not None:
                found.setdefault(result.intent.name, result)
        return next(iter(found.values())) if len(found) == 1 else None

    def _without_one_skip_phrase(self, words: list[str]) -> RecognizeResult | None:
        """Retry without each single skip phrase: hassil drops all of them or none, so "can you
        say that again please" fails both ways although "can you say that again" is a template."""
        found: dict[str, RecognizeResult] = {}
        tried: set[str] = set()
        for i in range(len(words)):
            for phrase in self._skip_phrases:
                if tuple(words[i:i + len(phrase)]) != phrase:
                    continue
                rest = " ".join(words[:i] + words[i + len(phrase):])
                if rest and rest not in tried:
                    tried.add(rest)
                    result = self._recognize(rest)
                    if result is not None:
                        found.setdefault(result.intent.name, result)
        return next(iter(found.values())) if len(found) == 1 else None

    def _recognize(self, text: str) -> RecognizeResult | None:
        return recognize_best(text, self.intents, language=self.pack.language)

    def _correct(self, word: str) -> str | None:
        """The word if known, a close keyword spelling ("crampin"), or None to drop it."""
        if word in self.vocabulary or word.isdigit():
            return word
        if len(word) < 5:
            return None
        # only domain words are worth rescuing; a near-spelling of anything else is a guess
        close = difflib.get_close_matches(word, self.settings.keywords, n=1,
                                          cutoff=self.settings.spelling_cutoff)
        return close[0] if close else None

    def _placeholder(self, word: str) -> str:
        return NUMBER if word.isdigit() else self._placeholder_of.get(word, word)

    def _from_result(self, result: RecognizeResult, text: str, score: float,
                     method: str) -> IntentMatch:
        allowed = set(self.slot_names.values())
        slots: dict[str, str] = {}
        for name, entity in result.entities.items():
            if name in allowed and entity.value is not None:
                slots[name] = _slot_text(entity.value)
        return IntentMatch(result.intent.name, slots, text, round(score, 3), method)

    def _sample_slots(self, sample: Sample, words: list[str]) -> dict[str, str]:
        """Slots for a sampled match: fixed ones from the sample, side and numbers as heard."""
        slots = {k: v for k, v in sample.slots if v != NUMBER}
        numbers = [w for w in words if w.isdigit()]
        if any(v == NUMBER for _, v in sample.slots) and len(numbers) == 1:
            slots.update((k, numbers[0]) for k, v in sample.slots if v == NUMBER)
        sides = {w for w in words if w in self._placeholder_of}
        if "{side}" in sample.words and len(sides) == 1:
            slots["side"] = sides.pop()
        return slots

    def _simple_list_values(self, list_name: str) -> list[str]:
        slot_list = self.intents.slot_lists.get(list_name)
        values = getattr(slot_list, "values", [])
        return [str(v.value_out) for v in values]

    def _skip_vocabulary(self) -> frozenset[str]:
        return frozenset(w for phrase in self.intents.skip_words for w in str(phrase).split())


def _slot_text(value: object) -> str:
    """Slot values as text; range numbers as plain digits ("20", not "20.0")."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
