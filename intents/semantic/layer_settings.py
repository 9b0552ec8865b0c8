"""The semantic layer's settings: the `semantic:` section of pack.yaml, and its topic rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from intents.semantic.classifier import family
from intents.semantic.topics import label_words, placed_elsewhere, stem, word_pairs

__all__ = ["LayerSettings"]


@dataclass(frozen=True)
class LayerSettings:
    """The `semantic:` section of pack.yaml."""

    per_template: int
    validation_share: float
    floor: float
    """No family threshold is set below this, however few negatives reached it."""
    margin: float
    """Added above the held-out score a threshold must reject (intents/semantic/calibration.py)."""
    topic: frozenset[str]
    """Cramp and body words; a family in `needs_topic` is only accepted with one of them."""
    needs_topic: frozenset[str]
    families: frozenset[str]
    """Families the layer may answer; the others (short commands) are left to the templates."""
    cramp_words: frozenset[str] = frozenset()
    """Words that name a cramp ("cramp", "charley"): with the head leaning to a cramp, they
    make the cramp-word rule (SAID_CRAMP) apply."""
    elsewhere: frozenset[str] = frozenset()
    """Words placing a cramp off the legs or out of the body ("stomach", "period", "flat")."""
    pain_words: frozenset[str] = frozenset()
    """Words of pain ("hurts", "agony"): with a leg part, the leg-pain rule (LEG_PAIN)."""
    commands: frozenset[str] = frozenset()
    """Command families (control, reminder): answered only for lines of `command_words` or more;
    a shorter one ("yeah right") is too little for the head, and the templates know the
    short commands."""
    command_words: int = 3
    known_floor: float = 0.85
    """Lowest threshold for a command in its family's own words (layer.KNOWN): held-out
    everyday lines in those words are too few for the budget rule to set one."""
    ceiling: float = 0.95
    outliers: int = 1
    min_gain: float = 0.1
    """ceiling, outliers, min_gain: see calibration.Budget."""
    for_user: frozenset[str] = frozenset()
    """Families whose answer is for the user's own legs: never to a line naming an animal or
    a thing (`others`: "do horses get cramp", "how do i stretch pizza dough")."""
    others: frozenset[str] = frozenset()
    """Someone or something else's leg, or no leg at all (the cramp_now section's `others`)."""
    named: frozenset[str] = frozenset()
    """Words of a two-word cramp name ("charley horse"): no `others` word there."""
    needs_person: frozenset[str] = frozenset()
    """Families (routines) answered only to a line with one of `person` or a leg or cramp word:
    a routine is started for someone ("how much water should i drink") or for the legs ("a warm
    foot soak before bed"), not for a fact ("how much water is in a cup", "a footstool for the
    lounge")."""
    person: frozenset[str] = frozenset()
    idioms: frozenset[tuple[str, ...]] = frozenset()  # "came back": no body part (topics.py)
    label_topic: Mapping[str, frozenset[str]] = field(default_factory=dict)  # "pickle": remedies
    """Word classes per label, compared by stem ("pickled" is "pickle")."""
    pronouns: frozenset[str] = frozenset()
    """Words that stand for the cramp in a question ("when should i get it checked"): in place
    of a topic word, but only above the family's `.pronoun` threshold (layer.PRONOUN)."""
    pronoun_floor: float = 0.97
    asleep: tuple[str, ...] = ()
    """A limb gone to sleep ("my foot has gone to sleep"): no cramp unless a cramp word is said;
    left in calibration, this one kind of line held the cramp family near its ceiling."""

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any]) -> LayerSettings:
        section = meta.get("semantic") or {}
        cramp_now = meta.get("cramp_now") or {}
        return cls(int(section.get("per_template", 10)),
                   float(section.get("validation_share", 0.25)),
                   float(section.get("floor", 0.5)), float(section.get("margin", 0.03)),
                   frozenset(str(w) for w in section.get("topic") or []),
                   frozenset(str(f) for f in section.get("needs_topic") or []),
                   frozenset(str(f) for f in section.get("families") or []),
                   frozenset(str(w) for w in section.get("cramp_words") or []),
                   frozenset(str(w) for w in section.get("elsewhere") or []),
                   frozenset(str(w) for w in section.get("pain_words") or []),
                   frozenset(str(f) for f in section.get("commands") or []),
                   int(section.get("command_words", 3)),
                   float(section.get("known_floor", 0.85)), float(section.get("ceiling", 0.95)),
                   int(section.get("outliers", 1)), float(section.get("min_gain", 0.1)),
                   frozenset(str(f) for f in section.get("for_user") or []),
                   frozenset(str(w) for w in cramp_now.get("others") or []),
                   frozenset(str(w) for p in cramp_now.get("cramp_pairs") or []
                             for w in str(p).split()),
                   frozenset(str(f) for f in section.get("needs_person") or []),
                   frozenset(str(w) for w in section.get("person") or []),
                   word_pairs(section.get("idioms") or []), label_words(section.get("label_topic")),
                   frozenset(str(w) for w in section.get("pronouns") or []),
                   float(section.get("pronoun_floor", 0.97)),
                   tuple(f" {p} " for p in section.get("asleep") or []))

    def fingerprint(self) -> str:
        """Stable across runs (a frozenset's repr is not), for the cache key."""
        return repr((self.per_template, self.validation_share, self.floor, self.margin,
                     sorted(self.topic), sorted(self.needs_topic), sorted(self.families),
                     sorted(self.cramp_words), sorted(self.elsewhere), sorted(self.pain_words),
                     sorted(self.commands), self.command_words, self.known_floor, self.ceiling,
                     self.outliers, self.min_gain, sorted(self.for_user), sorted(self.others),
                     sorted(self.named), sorted(self.needs_person), sorted(self.person),
                     sorted(self.idioms),
                     sorted((k, sorted(v)) for k, v in self.label_topic.items()),
                     sorted(self.pronouns), self.pronoun_floor, sorted(self.asleep)))

    def says_cramp(self, text: str) -> bool:
        """Names a cramp, and not one elsewhere."""
        return bool(self.cramp_words.intersection(text.split())) and not self.elsewhere_cramp(text)

    def gone_to_sleep(self, text: str) -> bool:
        """A limb gone to sleep, and no cramp word: pins and needles, not a cramp."""
        return (any(p in f" {text} " for p in self.asleep)
                and self.cramp_words.isdisjoint(text.split()))

    def says_leg_pain(self, text: str) -> bool:
        """A leg part and a pain word, and no cramp elsewhere."""
        words = set(text.split())
        legs = self.topic - self.cramp_words
        return (bool(words & legs) and bool(words & self.pain_words)
                and not self.elsewhere_cramp(text))

    def elsewhere_cramp(self, text: str) -> bool:
        """"cramp in my back", "period cramps": yes; "in the back of my calf": no (a leg word
        outweighs an elsewhere word). Such a line never starts the general leg-cramp flow."""
        words = set(text.split())
        legs = self.topic - self.cramp_words - {"muscle", "muscles", "knot", "knots"}
        return placed_elsewhere(text.split(), self.elsewhere, self.idioms) and not words & legs

    def refers_back(self, label: str, text: str) -> bool:
        """Off topic only for want of a topic word, with a pronoun in its place ("what should i
        eat for it"): the family's `.pronoun` threshold judges it."""
        return (bool(self.pronouns.intersection(text.split())) and self.off_topic(label, text)
                and not self.off_topic(label, text, self.pronouns))

    def off_topic(self, label: str, text: str, stand_ins: frozenset[str] = frozenset()) -> bool:
        words = text.split()
        if family(label) not in self.families:
            return True
        if (family(label) in self.commands and self.cramp_words.intersection(words)
                and self.elsewhere_cramp(text)):
            # "my writer's cramp is back" is no command; a cramp family answer is judged on
            # its own ("on the bathroom floor with a cramp": a place, and a person in pain)
            return True
        if family(label) in self.commands and len(words) < self.command_words:
            return True
        if (family(label) in self.needs_person and self.person.isdisjoint(words)
                and self.topic.isdisjoint(words)):
            return True
        if family(label) == "cramp" and self.gone_to_sleep(text):
            return True
        if family(label) in self.for_user and self._names_other(words):
            return True
        # advice about a cramp elsewhere ("writer's cramp in my hand") is not about the legs
        stems = self.label_topic.get(label, frozenset())
        on_topic = (not (self.topic | stand_ins).isdisjoint(words)
                    or any(stem(w) in stems for w in words))
        return family(label) in self.needs_topic and (not on_topic or self.elsewhere_cramp(text))

    def _names_other(self, words: list[str]) -> bool:
        """An animal's or a thing's leg ("the dog's leg", "do horses get cramp"); "horse" in
        "charley horse" is the cramp's name."""
        heard = {w.removesuffix("'s") for w in words}
        if heard & self.named - self.others:
            heard -= self.named
        return bool(heard & self.others)
