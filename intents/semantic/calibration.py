"""Rejection thresholds: per family, a false-accept budget on held-out lines, a floor, a ceiling.

The rule. For every threshold key (a family, or one of the layer's cramp rules) the policy is run
over the held-out lines that must not be accepted there: the everyday negatives, and for
safety.red_flag also the held-out ordinary cramps. Rejecting all of them puts the threshold just
above (`margin`) the highest; the `outliers` highest are excused instead (the threshold goes just
above the next one, or stays) when that keeps at least `min_gain` of the key's held-out
paraphrases more; a key with no more negatives than `outliers` is weighed the same way.
No outlier is excused for the cramp family nor its catch-all rule (cramp.unclear: the cramp
labels together, no cramp word needed): a negative excused as a cramp no longer held the
catch-all rule up, which then let "he kicked the ball with his right foot" start foot first aid.
The threshold never goes below `floor` nor above `ceiling`. Raising one key can expose another
key's score for the same line, so this repeats until nothing moves; a red flag's fallback (the
head's best other family) is judged too, as the matcher may answer with it.

Why. "Just above the worst held-out negative" (the rule before) let one odd line decide a family:
"call the doctor's surgery" (0.97 as a red flag) closed safety (1.0007), "reply i will call you
later" (0.99 as snooze) closed the reminder family, and which family closed changed with the
training seed (reminder 0.99/1.01/1.02, safety 1.00/0.97/0.99 over seeds 0-2), as the maximum of a
few hundred scores does. The excuse is bought only with recall ("i am thirsty" at 0.72 as
hydration is not excused for one more held-out paraphrase), the ceiling keeps every family open
to the head's surest answers, and what is let through is measured on the everyday corpus
(tests/test_everyday_silence.py), not assumed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from intents.match import RED_FLAG
from intents.semantic.classifier import Head, Matrix, Prediction, family
from intents.semantic.training import NONE, Example

__all__ = ["STRICT", "Budget", "Decided", "calibrate"]

STRICT = frozenset({"cramp", "cramp.unclear"})
"""Keys that excuse no held-out negative: a wrong first-aid start costs the most."""


class Decided(Protocol):
    """What the layer's policy returns for one line (SemanticResult)."""

    @property
    def label(self) -> str: ...
    @property
    def confidence(self) -> float: ...
    @property
    def rule(self) -> str: ...
    @property
    def instead(self) -> Decided | None: ...


Decide = Callable[[Prediction, Mapping[str, float], str], Decided]


@dataclass(frozen=True)
class Budget:
    """The calibration settings (pack.yaml `semantic:`)."""

    floor: float
    """No threshold below this, however few held-out lines reach it."""
    margin: float
    """Added above the highest held-out score the threshold must reject."""
    ceiling: float = 0.95
    """No threshold above this: a family stays open to the head's surest answers."""
    outliers: int = 1
    """Held-out lines a key may still accept: one odd line cannot set a family's threshold."""
    min_gain: float = 0.1
    """...but only when accepting them keeps this share of the key's held-out paraphrases more
    than rejecting them all would ("i am thirsty" is not worth two hydration questions)."""

    def raised(self, scores: Sequence[float], positives: Sequence[float] = (),
               excuse: bool = True, current: float | None = None) -> float | None:
        """The threshold for a key whose held-out negatives `scores` are all accepted at its
        `current` threshold (default: the floor), or None when it stays. `positives`: the key's
        held-out paraphrases' scores, to weigh what rejecting the outliers too would cost;
        without `excuse`, no outlier is excused (the ceiling still holds). A lone negative is
        weighed too: excused for nothing, "i am thirsty" kept the hydration routine at the floor
        once the other negatives of the family were out of the way."""
        outliers = self.outliers if excuse else 0
        if not scores:
            return None
        now = self.floor if current is None else current
        ranked = sorted(scores, reverse=True)
        strict = ranked[0] + self.margin
        budgeted = ranked[outliers] + self.margin if len(ranked) > outliers else now
        kept = sum(p >= budgeted for p in positives) - sum(p >= strict for p in positives)
        chosen = budgeted if kept >= self.min_gain * max(1, len(positives)) else strict
        return None if chosen <= now else min(self.ceiling, chosen)


def calibrate(head: Head, validation: list[Example], by_text: Mapping[str, Matrix],
              keys: set[str], budget: Budget, decide: Decide,
              strict: frozenset[str] = frozenset(),
              more_positives: Mapping[str, Sequence[float]] | None = None) -> dict[str, float]:
    """One threshold per key, from the held-out lines of `validation` (see the module doc);
    the keys in `strict` excuse no outlier; `more_positives`: held-out paraphrase scores of
    keys the family and cramp rules do not cover (a command family's `.known` key)."""
    thresholds = dict.fromkeys(sorted(keys), budget.floor)
    # an ordinary cramp told as an emergency is a false accept too ("cramped in the dark")
    lines = [(e.text, head.predict(by_text[e.text]), family(e.label) == "cramp")
             for e in validation if e.label == NONE or family(e.label) == "cramp"]
    positives = _positive_scores(head, validation, by_text, keys)
    for key, scores in (more_positives or {}).items():
        positives[key].extend(scores)
    while True:
        accepted: dict[str, list[float]] = defaultdict(list)
        for text, prediction, is_cramp in lines:
            for found in _answers(decide(prediction, thresholds, text)):
                if found.label == RED_FLAG or (found.label != NONE and not is_cramp):
                    accepted[found.rule].append(found.confidence)
        moved = False
        for key, scores in accepted.items():
            raised = budget.raised(scores, positives.get(key, []), key not in strict,
                                   thresholds[key])
            if raised is not None and raised > thresholds[key]:
                thresholds[key] = raised
                moved = True
        if not moved:
            return thresholds


def _positive_scores(head: Head, validation: list[Example], by_text: Mapping[str, Matrix],
                     keys: set[str]) -> dict[str, list[float]]:
    """Per key, the scores of the held-out paraphrases it would answer rightly: the label's
    confidence for a family, the cramp family's summed confidence for the cramp rules."""
    scores: dict[str, list[float]] = defaultdict(list)
    for e in validation:
        if e.label == NONE:
            continue
        prediction = head.predict(by_text[e.text])
        if prediction.label == e.label:
            scores[family(e.label)].append(prediction.confidence)
        if family(e.label) == "cramp" and family(prediction.best_in_family) == "cramp":
            for key in keys - {"cramp"}:
                if key.startswith("cramp."):
                    scores[key].append(prediction.family_confidence)
    return scores


def _answers(found: Decided) -> Iterator[Decided]:
    """The answer, and for a red flag the fallback the matcher may give instead."""
    yield found
    if found.instead is not None:
        yield found.instead
