"""IntentMatcher: exact templates, near-miss layers, then the semantic layer (policy below)."""

from __future__ import annotations

import difflib
from dataclasses import replace

from hassil import Intents, RecognizeResult

from cramp_common.paths import cache_dir
from intents.asides import command_clause
from intents.fuzzy import (
    NUMBER,
    FuzzyIndex,
    FuzzySettings,
    Sample,
    sample_templates,
    template_words,
)
from intents.keywords import KeywordLayer
from intents.language import LanguagePack
from intents.match import RED_FLAG, IntentMatch
from intents.normalize import Normalizer
from intents.policy import GENERAL_CRAMP, SemanticStep
from intents.red_flags import RedFlagDetector
from intents.semantic import LazyLayer
from intents.semantic.layer import SemanticLayer
from intents.semantic.mishearing import Mishearings
from intents.semantic.training import read_negatives
from intents.template_index import IndexCache, TemplateIndex

__all__ = ["GENERAL_CRAMP", "FuzzySettings", "IntentMatcher"]

_SAMPLES_PER_TEMPLATE = 120
_MAX_LEAVE_ONE_OUT_WORDS = 14
_MAX_LEAVE_ONE_OUT_WORDS_BESIDE_SEMANTIC = 8
"""Beside the semantic layer, leave-one-out (one hassil run per word: most of the slowest lines)
changed no intent on lines over 8 words in any unsealed English set; 3 lines of 6-7 need it."""


class IntentMatcher:
    """Classifies one utterance into a canonical intent with slots; stateless and thread-safe.

    The one matching policy (the `method` of the result says which layer decided):
      1. "red_flag": the red-flag concept detector (intents/red_flags.py), before anything else;
         a red flag found by a later layer gets the detector's level, and a line whose every
         danger sign is negated ("not swollen") gets no intent;
      2. "exact": a hassil template matches the normalised words; confidence 1.0 (every hassil
         run goes through intents/template_index.py: only templates that could match);
      3. "fuzzy": near-miss layers (a stray skip phrase, unknown or misspelt words, one clause
         of two), each a template match on slightly edited words; a near-miss cramp takes the
         kind the semantic layer accepts instead ("semantic"), as the edit may drop the point;
         beside the semantic layer, leave-one-out only for lines of up to 8 words;
      4. "semantic" (packs with a `semantic:` section, i.e. English): a softmax head over MiniLM
         sentence vectors; accepted only above its intent family's threshold, which was set on
         held-out paraphrases and everyday negatives so that negatives almost never pass;
         advice and routines only for the user's own legs (no animal or thing named), and a
         routine only for a line with a person in it ("i", "my": not "a cup of water");
      5. "cramp-unclear": clearly a cramp now but of no clear kind: the cramp labels together
         pass their own threshold, the head says cramp.unspecified, or the cramp-now concept
         (intents/cramp_now.py: a cramp word, or a leg part in a cramp state, not a question,
         not over, not elsewhere) holds. The kind the head is sure of, else the general
         leg-cramp flow (cramp.calf), rather than silence (intents/policy.py);
      6. "keywords" (packs with a `keyword_layer:` section, i.e. Korean): a cramp reported in
         fragments, as grammar-mode recognition returns it, before the semantic step;
      7. "none": no intent.
    """

    def __init__(self, pack: LanguagePack, semantic: bool = True,
                 wait_for_semantic: bool = True) -> None:
        self.pack = pack
        self.wait_for_semantic = wait_for_semantic
        """False for live use: until the layer has loaded, answer without it."""
        self.normalize = Normalizer.from_meta(pack.meta)
        self.settings = FuzzySettings.from_meta(pack.meta)
        self.intents = Intents.from_dict(pack.sentences)
        self.templates = TemplateIndex(self.intents, pack.language, IndexCache.for_templates(
            pack.sentences, pack.language, cache_dir() / "templates"))
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
        self.step = SemanticStep.for_pack(pack.meta, self._known_words(),
                                          frozenset(self.intents.intents), self.red_flags)
        self.mishearings = Mishearings.from_meta(pack.meta)  # "my car's cramping": calf
        self.semantic = (LazyLayer(pack.meta, self.intents, pack.directory / "training",
                                   self.normalize)
                         if semantic and "semantic" in pack.meta else None)
        self._leave_one_out_words = (_MAX_LEAVE_ONE_OUT_WORDS if self.semantic is None
                                     else _MAX_LEAVE_ONE_OUT_WORDS_BESIDE_SEMANTIC)

    # -- red flags: checked before every other layer (intents/red_flags.py) ----------------------

    def match(self, text: str) -> IntentMatch:
        """A danger sign first (safety.red_flag with its level), else the layers below; a red flag
        found by a later layer gets the detector's best level for it."""
        flag = self.red_flags.detect(text) if isinstance(text, str) else None
        if flag is not None:
            return IntentMatch(RED_FLAG, dict(flag.slots), text, 1.0, "red_flag")
        found = self._match_layers(text)
        if found.intent == RED_FLAG and self.red_flags.only_negated(text):
            return IntentMatch(None, text=text)  # "my calf is not swollen": no danger sign
        if found.intent == RED_FLAG and "level" not in found.slots:
            found = replace(found, slots={**found.slots, "level": self.red_flags.level_for(text)})
        return found

    def is_exact(self, text: str) -> bool:
        """Whether match() answers from its first layers (red flags, exact templates), without
        trying the near-miss layers: what the listening loop may commit to early."""
        if isinstance(text, str) and self.red_flags.detect(text) is not None:
            return True
        return self.is_template(text)

    def is_template(self, text: str) -> bool:
        """Whether `text` is a sentence of the pack's templates as it stands (no red-flag
        concepts, no near-miss layers; what match() reports as 'exact'): barge-in's bar for a
        danger sign over its own voice."""
        normalized = self.normalize(text) if isinstance(text, str) else ""
        return bool(normalized) and self._recognize(normalized) is not None

    def _match_layers(self, text: str) -> IntentMatch:
        """Exact template match, else a near-miss match, else intent None."""
        if not isinstance(text, str):
            return IntentMatch(None, text="")
        normalized = self.mishearings.repair(self.normalize(text))
        if not normalized:
            return IntentMatch(None, text=text)
        result = self._recognize(normalized)
        if result is not None:
            return self.step.exact(self._from_result(result, text, 1.0, "exact"), normalized)
        fuzzy = self._fuzzy(normalized.split(), text)
        if fuzzy.intent is not None:
            return self.step.refine(self._layer(), fuzzy, normalized)
        if self.keyword_layer is not None:
            heard = [w for w in text.split() if w not in self.normalize.fillers]
            intent = self.keyword_layer.answer(normalized.split(), heard)
            if intent is not None:
                return IntentMatch(intent, {}, text, 0.6, "keywords")
        return self.step.match(self._layer(), normalized, text)

    def _layer(self) -> SemanticLayer | None:
        """The semantic layer; None when off, or (live use) while it is still loading."""
        return self.semantic.get(self.wait_for_semantic) if self.semantic is not None else None

    def _fuzzy(self, words: list[str], text: str) -> IntentMatch:
        if self.settings.veto.intersection(words):
            return IntentMatch(None, text=text)
        if clause := command_clause(words, self.settings, self._recognize):
            return self._from_result(clause, text, 0.8, "fuzzy")  # "slow down, i'm tired"
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
        if len(words) < 3 or len(words) > self._leave_one_out_words:
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
        return self.templates.recognize(text)

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
        return [str(v.value_out) for v in getattr(slot_list, "values", [])]

    def _known_words(self) -> frozenset[str]:
        """Real words: the templates' and those of the everyday requests the layer learns to
        reject; none of them is a misspelling of a cramp word."""
        everyday = read_negatives([self.pack.directory / "training" / "negatives.txt"],
                                  self.normalize)
        return self.vocabulary | {w for e in everyday for w in e.text.split()}

    def _skip_vocabulary(self) -> frozenset[str]:
        return frozenset(w for phrase in self.intents.skip_words for w in str(phrase).split())


def _slot_text(value: object) -> str:
    """Slot values as text; range numbers as plain digits ("20", not "20.0")."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
