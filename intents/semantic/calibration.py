"""Rejection thresholds: per family, a false-accept budget on held-out lines, a floor, a ceiling.

The rule. For every threshold key (a family, or one of the cramp rules of the layer) the policy is
run over the held-out lines that must not be accepted there: the everyday negatives, and for
safety.red_flag also the held-out ordinary cramps. The key's threshold is then the lowest value
that leaves at most `outliers` of them accepted, plus `margin`; it never goes below `floor` nor
above `ceiling`. Raising one key can expose another key's score for the same line, so this repeats
until nothing moves; a red flag's fallback (the head's best other family) is judged too, as the
matcher may answer with it.

Why not "just above the worst held-out negative" (the rule before): one odd negative ("call the
doctor's surgery" at 0.97 in safety) then decides the whole family: it closed safety entirely, a
batch of new paraphrases closed the reminder family through calibration, and thresholds moved by
up to 0.3 between training seeds, as the maximum of a few hundred scores does. The k-th largest
score is far steadier than the largest, the ceiling keeps a family answerable however many
negatives score high in it (the head's most confident answers stay), and what the budget lets
through is measured on the everyday corpus (tests/test_everyday_silence.py) rather than assumed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Protocol

from intents.semantic.classifier import Head, Matrix, Prediction, family
from intents.semantic.training import NONE, Example

__all__ = ["Budget", "Decided", "calibrate"]

RED_FLAG = "safety.red_flag"


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

    def raised(self, scores: list[float]) -> float | None:
        """The threshold that leaves at most `outliers` of `scores` (all accepted now) accepted,
        or None when they are within the budget already."""
        if len(scores) <= self.outliers:
            return None
        return min(self.ceiling, sorted(scores, reverse=True)[self.outliers] + self.margin)


def calibrate(head: Head, validation: list[Example], by_text: Mapping[str, Matrix],
              keys: set[str], budget: Budget, decide: Decide) -> dict[str, float]:
    """One threshold per key, from the held-out lines of `validation` (see the module doc)."""
    thresholds = dict.fromkeys(sorted(keys), budget.floor)
    # an ordinary cramp told as an emergency is a false accept too ("cramped in the dark")
    lines = [(e.text, head.predict(by_text[e.text]), family(e.label) == "cramp")
             for e in validation if e.label == NONE or family(e.label) == "cramp"]
    while True:
        accepted: dict[str, list[float]] = defaultdict(list)
        for text, prediction, is_cramp in lines:
            for found in _answers(decide(prediction, thresholds, text)):
                if found.label == RED_FLAG or (found.label != NONE and not is_cramp):
                    accepted[found.rule].append(found.confidence)
        moved = False
        for key, scores in accepted.items():
            raised = budget.raised(scores)
            if raised is not None and raised > thresholds[key]:
                thresholds[key] = raised
                moved = True
        if not moved:
            return thresholds


def _answers(found: Decided) -> Iterator[Decided]:
    """The answer, and for a red flag the fallback the matcher may give instead."""
    yield found
    if found.instead is not None:
        yield found.instead
