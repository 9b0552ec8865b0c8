"""After the templates: the semantic layer, then 'a cramp now, unclear which' (IntentMatcher)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from intents.cramp_now import CrampNow
from intents.match import RED_FLAG, IntentMatch
from intents.placed_elsewhere import PlacedElsewhere
from intents.red_flags import RedFlagDetector
from intents.reminder_done import DONE, ReminderDone
from intents.semantic.layer import LEG_PAIN, UNCLEAR, SemanticResult
from intents.semantic.slots import SlotReader
from intents.semantic.training import NONE, UNSPECIFIED
from intents.situation import Situations

__all__ = ["GENERAL_CRAMP", "Classifier", "SemanticStep", "Situations"]

GENERAL_CRAMP = "cramp.calf"
"""The general leg-cramp flow, for a cramp now of no clear kind."""
KIND_SHARE = 0.6
"""A cramp of unclear wording gets the head's kind (thigh, foot, child...) when that kind holds
this share of the cramp family's probability; below it, the general flow: a wrong stretch is
worse than the general one."""
CHILD = "cramp.child"
"""Not for a line naming an adult and no child (SlotReader.adult)."""
PERSISTENT = "cramp.persistent"
"""A cramp that ended and came back, told in other words (CrampNow.returned)."""
BETTER = "control.better"
"""'It has passed': "my calf has gone" is said so too, but told alone it is a cramp coming on."""
CONCEPT_SCORE = 0.6
"""Confidence reported when the cramp-now rule, not a probability, decided."""
UNTOLD_AT_LEAST = 0.93
"""A cramp answer of the head alone, to a line with no cramp word, state, pain or symptom in it
("my toddler cried for an hour before bed"), must be this sure: the cramp family's threshold
before "gone to sleep" was left out of its calibration (0.93). A persistent cramp told by its
cue ("it will not go away") or as one that ended and came back is told enough."""


class Classifier(Protocol):
    """What the step needs of the semantic layer (SemanticLayer)."""

    def classify(self, text: str) -> SemanticResult: ...


@dataclass(frozen=True)
class SemanticStep:
    """The semantic layer and the cramp-now rule, in the order of the matching policy."""

    slot_reader: SlotReader
    cramp_now: CrampNow | None
    intents: Collection[str]
    red_flags: RedFlagDetector | None = None
    """A semantic red flag escalates only when this detector hears a danger sign in the line."""
    reminder_done: ReminderDone | None = None
    """A near-miss or semantic reminder.done needs a reminded thing (intents/reminder_done.py)."""
    elsewhere: PlacedElsewhere | None = None
    """A cramp answer no template gave, to a pain placed in an arm or a back and no leg."""
    situations: Situations | None = None
    """A leg-part cramp answer said with a situation ("at the gym") takes the situation's kind."""

    @classmethod
    def for_pack(cls, meta: Mapping[str, Any], known: frozenset[str], intents: Collection[str],
                 red_flags: RedFlagDetector | None) -> SemanticStep:
        """The step as a language pack's `pack.yaml` configures it; `known`: real words."""
        return cls(SlotReader.from_meta(meta), CrampNow.from_meta(meta, known), intents,
                   red_flags, ReminderDone.from_meta(meta), PlacedElsewhere.from_meta(meta),
                   Situations.from_meta(meta))

    def _held(self, found: IntentMatch, words: Sequence[str]) -> IntentMatch:
        """A reminder.done no template gave, to a line naming nothing a reminder asks for ("i
        have done the washing up"): no intent now, held for the dialogue's reminder context."""
        if found.intent != DONE or self.reminder_done is None or (
                self.reminder_done.reminded(words)):
            return found
        return IntentMatch(None, text=found.text, score=found.score, held=DONE)

    def exact(self, found: IntentMatch, normalized: str) -> IntentMatch:
        """A template match, its kind put in its situation (`situations`)."""
        return self._situated(self._exact(found, normalized), normalized)

    def _situated(self, found: IntentMatch, normalized: str) -> IntentMatch:
        words = normalized.split()
        kind = self.situations.kind(found.intent, words) if self.situations else None
        if kind is None or kind not in self.intents:
            return found
        return replace(found, intent=kind, slots={**found.slots,
                                                   **self.slot_reader.read(kind, words)})

    def _exact(self, found: IntentMatch, normalized: str) -> IntentMatch:
        """A template's 'it has passed' to a leg part that gave way ("my calf has gone", "my
        leg's gone again") is a cramp now: "it has gone", "my calf has gone now" stay over."""
        words = normalized.split()
        if self._gave_way(found.intent, words):
            return self._unclear(None, words, found.text, CONCEPT_SCORE)
        return found

    def _advice_to_pain(self, intent: str, words: list[str]) -> bool:
        """Advice from the head to a line that tells a cramp now (not a question, nothing about
        advice, food or remedies in it: CrampNow.plain): the person is in pain, not asking."""
        return intent.startswith("info.") and self.cramp_now is not None and self.cramp_now(words)

    def _gave_way(self, intent: str | None, words: list[str]) -> bool:
        """'It has passed' said of a leg part that gave way: a cramp coming on, not one over."""
        return intent == BETTER and self.cramp_now is not None and (
            self.cramp_now.gave_way_now(words))

    def refine(self, layer: Classifier | None, found: IntentMatch,
               normalized: str) -> IntentMatch:
        """A near-miss match as the policy keeps it (_refined), reminder.done held back."""
        return self._held(self._refined(layer, found, normalized), normalized.split())

    def _refined(self, layer: Classifier | None, found: IntentMatch,
                 normalized: str) -> IntentMatch:
        """A near-miss cramp match takes the kind the semantic head is sure of: the edit that
        made the near-miss may have dropped the point ("cycling and my leg cramped up" is a
        near-miss of a calf template; cramp.exercise). That it is a cramp is settled by the
        template, so no family threshold applies here, only the kind's share."""
        result = None  # the head's view, asked for at most once (an encoder pass each)
        if self._off_topic(found, normalized.split()):
            result = layer.classify(normalized) if layer is not None else None
            if not self._referred(result, found):
                return IntentMatch(None, text=found.text, score=found.score)
        found = self._exact(found, normalized)
        if layer is None or not (found.intent or "").startswith("cramp."):
            return self._situated(found, normalized)
        result = result or layer.classify(normalized)
        if self._sure_kind(result, normalized.split()) not in (None, found.intent):
            slots = {**found.slots, **self.slot_reader.read(result.best, normalized.split())}
            found = IntentMatch(result.best, slots, found.text, round(result.confidence, 3),
                                "semantic")
        return self._situated(found, normalized)

    def match(self, layer: Classifier | None, normalized: str, text: str) -> IntentMatch:
        """The semantic layer's accepted intent; else a cramp now of unclear kind; else none.
        Without the layer (switched off, or still loading) the cramp-now rule still holds."""
        result = layer.classify(normalized) if layer is not None else None
        found = self._match(result, normalized, text)
        if self._off_topic(found, normalized.split(), self._referred(result, found)) or (
                self._sore(found, normalized.split())) or self._untold(found, normalized.split()):
            return IntentMatch(None, text=text, score=found.score)
        return self._held(self._situated(found, normalized), normalized.split())

    def _untold(self, found: IntentMatch, words: list[str]) -> bool:
        """A cramp from the head alone, below UNTOLD_AT_LEAST, to a line telling no cramp."""
        intent = found.intent or ""
        return (found.method == "semantic" and intent.startswith("cramp.")
                and found.score < UNTOLD_AT_LEAST and self.cramp_now is not None
                and not self.cramp_now.told(words) and not self.cramp_now.returned(words)
                and not (intent == PERSISTENT and self.situations is not None
                         and self.situations.says(PERSISTENT, words)))

    def _sore(self, found: IntentMatch, words: list[str]) -> bool:
        """A cramp no template gave, to a line telling only of soreness: muscles that ache
        after the gym are no cramp now (the cramp-now rule says so too); or of a pain placed in
        another body part and no leg (intents/placed_elsewhere.py)."""
        if (found.intent or "").startswith("cramp.") and self.elsewhere is not None and (
                self.elsewhere(words)):
            return True  # "growing pains in his arms": a pain, but not in a leg
        return ((found.intent or "").startswith("cramp.") and self.cramp_now is not None
                and self.cramp_now.aches_only(words))

    @staticmethod
    def _referred(result: SemanticResult | None, found: IntentMatch) -> bool:
        """The semantic layer puts this answer on topic by a pronoun or a remedy word ("does
        pickled juice work for it"), and the answer is the layer's own."""
        return result is not None and result.referred and result.label == found.intent

    def _off_topic(self, found: IntentMatch, words: list[str], referred: bool = False) -> bool:
        """A cramp or advice answer that no template gave, to a line about something else
        (intents/cramp_now.py, off_topic); a leg part named keeps an advice question, and so
        does a pronoun or remedy word the semantic layer judged (`referred`)."""
        family = (found.intent or "").split(".", 1)[0]
        return (family in ("cramp", "info") and self.cramp_now is not None
                and self.cramp_now.off_topic(words, family == "info", referred))

    def _match(self, result: SemanticResult | None, normalized: str, text: str) -> IntentMatch:
        if result is not None and result.label == RED_FLAG and not self._sign_heard(text):
            # the head's word alone is not enough to send someone to A&E ("call the doctor's
            # surgery"): its best other answer, when that passes its own threshold, else nothing
            result = result.instead or replace(result, label=NONE)
        words = normalized.split()
        if result is not None and result.label in (UNCLEAR, UNSPECIFIED) and (
                self.cramp_now is None or self.cramp_now.told(words) and (
                    result.rule != LEG_PAIN or self.cramp_now.plain(words))):
            # a cramp of unclear kind names a cramp, a pain or a symptom ("fix the bed leg" does
            # not); the leg-pain rule is weaker than a cramp word: not for a question or a past pain
            return self._unclear(result, words, text, round(result.confidence, 3))
        if result is not None and self._advice_to_pain(result.label, words):
            # "oh no the back of my leg's seizing" is a cramp now, whatever the head's advice
            return self._unclear(None, words, text, CONCEPT_SCORE)
        if result is not None and self._gave_way(result.label, words):
            return self._unclear(None, words, text, CONCEPT_SCORE)
        if result is not None and self._not_child(result.label, words):
            return self._unclear(None, words, text, round(result.confidence, 3))
        if result is not None and result.label != NONE and result.label in self.intents:
            slots = self.slot_reader.read(result.label, words)
            if result.level:
                slots["level"] = result.level
            return IntentMatch(result.label, slots, text, round(result.confidence, 3),
                               "semantic")
        if self.cramp_now is not None and self.cramp_now.returned(words) and (
                PERSISTENT in self.intents):
            return IntentMatch(PERSISTENT, self.slot_reader.read(PERSISTENT, words), text,
                               CONCEPT_SCORE, "cramp-unclear")
        if self.cramp_now is not None and self.cramp_now(words):
            return self._unclear(result, words, text, CONCEPT_SCORE)
        return IntentMatch(None, text=text, score=round(result.confidence, 3) if result else 0.0)

    def _sign_heard(self, text: str) -> bool:
        """The detector hears a danger sign (a concept with a level hint, not denied)."""
        if self.red_flags is None:
            return True
        signs = {c.name for c in self.red_flags.concepts if c.hint}
        return bool(self.red_flags.found_in(text) & signs)

    def _sure_kind(self, result: SemanticResult | None,
                   words: Sequence[str] = ()) -> str | None:
        """The kind of cramp the head is sure of, once it is settled that this is a cramp; a
        child's cramp never when an adult and no child is named (crying pulled the head there)."""
        if (result is None or not result.best.startswith("cramp.") or result.best == UNSPECIFIED
                or result.share < KIND_SHARE or result.best not in self.intents
                or self._not_child(result.best, words)):
            return None
        return result.best

    def _not_child(self, intent: str, words: Sequence[str]) -> bool:
        return intent == CHILD and self.slot_reader.adult(list(words))

    def _unclear(self, result: SemanticResult | None, words: list[str], text: str,
                 score: float) -> IntentMatch:
        named = (self.cramp_now.kind(words) if self.cramp_now is not None else None) or ""
        intent = self._sure_kind(result, words) or (
            named if named in self.intents else GENERAL_CRAMP)
        return IntentMatch(intent, self.slot_reader.read(intent, words), text, score,
                           "cramp-unclear")
