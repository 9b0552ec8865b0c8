"""After the templates: the semantic layer, then 'a cramp now, unclear which' (IntentMatcher)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from intents.cramp_now import CrampNow
from intents.match import IntentMatch
from intents.semantic.layer import UNCLEAR, SemanticLayer, SemanticResult
from intents.semantic.slots import SlotReader
from intents.semantic.training import NONE, UNSPECIFIED

__all__ = ["GENERAL_CRAMP", "SemanticStep"]

GENERAL_CRAMP = "cramp.calf"
"""The general leg-cramp flow, for a cramp now of no clear kind."""
KIND_SHARE = 0.6
"""A cramp of unclear wording gets the head's kind (thigh, foot, child...) when that kind holds
this share of the cramp family's probability; below it, the general flow: a wrong stretch is
worse than the general one."""
CONCEPT_SCORE = 0.6
"""Confidence reported when the cramp-now rule, not a probability, decided."""


@dataclass(frozen=True)
class SemanticStep:
    """The semantic layer and the cramp-now rule, in the order of the matching policy."""

    slot_reader: SlotReader
    cramp_now: CrampNow | None
    intents: Collection[str]

    def refine(self, layer: SemanticLayer | None, found: IntentMatch,
               normalized: str) -> IntentMatch:
        """A near-miss cramp match takes the kind the semantic layer accepts over its family
        threshold: "cycling and my leg cramped up" is a near-miss of the calf template, but
        the cycling is the point (cramp.exercise)."""
        if layer is None or not (found.intent or "").startswith("cramp."):
            return found
        result = layer.classify(normalized)
        if (result.rule == "cramp" and result.label not in (found.intent, UNSPECIFIED)
                and result.label in self.intents):
            slots = {**found.slots, **self.slot_reader.read(result.label, normalized.split())}
            return IntentMatch(result.label, slots, found.text, round(result.confidence, 3),
                               "semantic")
        return found

    def match(self, layer: SemanticLayer | None, normalized: str, text: str) -> IntentMatch:
        """The semantic layer's accepted intent; else a cramp now of unclear kind; else none.
        Without the layer (switched off, or still loading) the cramp-now rule still holds."""
        result = layer.classify(normalized) if layer is not None else None
        words = normalized.split()
        if result is not None and result.label in (UNCLEAR, UNSPECIFIED):
            return self._unclear(result, words, text, round(result.confidence, 3))
        if result is not None and result.label != NONE and result.label in self.intents:
            slots = self.slot_reader.read(result.label, words)
            if result.level:
                slots["level"] = result.level
            return IntentMatch(result.label, slots, text, round(result.confidence, 3),
                               "semantic")
        if self.cramp_now is not None and self.cramp_now(words):
            return self._unclear(result, words, text, CONCEPT_SCORE)
        return IntentMatch(None, text=text, score=round(result.confidence, 3) if result else 0.0)

    def _unclear(self, result: SemanticResult | None, words: list[str], text: str,
                 score: float) -> IntentMatch:
        intent = GENERAL_CRAMP
        if (result is not None and result.best.startswith("cramp.") and result.best != UNSPECIFIED
                and result.share >= KIND_SHARE and result.best in self.intents):
            intent = result.best
        return IntentMatch(intent, self.slot_reader.read(intent, words), text, score,
                           "cramp-unclear")
