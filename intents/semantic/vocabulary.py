"""The words each command family's training sentences use: a line in them alone is a command."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from intents.semantic.classifier import Head, Matrix, family
from intents.semantic.training import Example

__all__ = ["Vocabulary"]


@dataclass(frozen=True)
class Vocabulary:
    """Per command family, every word of its training examples (templates and paraphrases of
    the training split only, so the held-out paraphrases meet it as new lines would).

    Why: the command families' thresholds sat at their ceiling, closed by held-out everyday
    lines that are commands to something else ("slow down the video", "reply i will call you
    later"); such a line carries a word no control or reminder sentence uses. A line with no
    such word ("please be quiet for a moment", "done it already") is judged against its own
    kind of negatives (layer.KNOWN)."""

    words: Mapping[str, frozenset[str]]

    @classmethod
    def of(cls, examples: Iterable[Example], families: Collection[str]) -> Vocabulary:
        found: dict[str, set[str]] = {f: set() for f in families}
        for e in examples:
            if family(e.label) in found:
                found[family(e.label)].update(e.text.split())
        return cls({f: frozenset(w) for f, w in found.items()})

    def covers(self, fam: str, words: list[str]) -> bool:
        """Every word (a number aside) is one of the family's own."""
        known = self.words.get(fam, frozenset())
        return bool(known) and all(w in known or w.isdigit() for w in words)

    def positives(self, head: Head, validation: Iterable[Example], by_text: Mapping[str, Matrix],
                  suffix: str) -> dict[str, list[float]]:
        """Per family key (family + `suffix`), the head's confidence in each held-out paraphrase
        of the family in its own words that it names rightly: what closing the key would cost."""
        scores: dict[str, list[float]] = {}
        for e in validation:
            fam = family(e.label)
            if fam in self.words and self.covers(fam, e.text.split()):
                prediction = head.predict(by_text[e.text])
                if prediction.best_in_family == e.label:
                    scores.setdefault(fam + suffix, []).append(
                        prediction.best_in_family_confidence)
        return scores

    def arrays(self) -> dict[str, npt.NDArray[np.str_]]:
        """For the cached head (np.savez): parallel arrays of family and word."""
        pairs = sorted((f, w) for f, words in self.words.items() for w in words)
        return {"vocabulary_families": np.array([f for f, _ in pairs], dtype=str),
                "vocabulary_words": np.array([w for _, w in pairs], dtype=str)}

    @classmethod
    def from_arrays(cls, families: npt.NDArray[np.str_],
                    words: npt.NDArray[np.str_]) -> Vocabulary:
        found: dict[str, set[str]] = {}
        for f, w in zip(families, words, strict=True):
            found.setdefault(str(f), set()).add(str(w))
        return cls({f: frozenset(w) for f, w in found.items()})
