"""The semantic layer: embed, classify, reject below the family threshold; cached per content."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from hassil import Intents

from intents.match import RED_FLAG
from intents.semantic.calibration import STRICT, Budget, calibrate
from intents.semantic.classifier import Head, Matrix, Prediction, family
from intents.semantic.encoder import Encoder, locate
from intents.semantic.topics import label_words, placed_elsewhere, word_pairs
from intents.semantic.training import NONE, Example, content_hash, load_examples, split

__all__ = ["SemanticLayer", "SemanticResult", "cache_root", "head_path"]

log = logging.getLogger(__name__)

ENV_CACHE = "CRAMP_COACH_MODEL_CACHE"
"""Where vectors and trained heads are cached; default: <data dir>/cache/semantic."""
_HEAD_VERSION = "head-10"
"""Bump when training or calibration changes, so old cached heads are not reused."""
UNCLEAR = "cramp.unclear"
"""A cramp now, of no clear kind: the cramp labels together pass their own threshold."""
SAID_CRAMP = "cramp.said"
"""Threshold key of the cramp-word rule: the line says "cramp" (or a synonym) of no other body
part, and the head's best guess is a cramp; calibrated only on negatives that say so too."""
LEG_PAIN = "cramp.leg_pain"
"""Threshold key of the leg-pain rule: a leg part and a pain word ("my calf just exploded with
pain"), the head leaning to a cramp; calibrated only on negatives that say so too ("i hurt my
leg at football"), so an animal calf elsewhere cannot close it."""


def cache_root() -> Path:
    override = os.environ.get(ENV_CACHE)
    if override:
        return Path(override).expanduser()
    from cramp_common.paths import cache_dir

    return cache_dir() / "semantic"


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
    """Families (routines) answered only to a line with one of `person`: a routine is started
    for someone ("how much water should i drink"), not for a fact ("how much water is in a
    cup", "a footstool for the lounge")."""
    person: frozenset[str] = frozenset()
    idioms: frozenset[tuple[str, str]] = frozenset()  # "came back": no body part (topics.py)
    label_topic: Mapping[str, frozenset[str]] = field(default_factory=dict)  # "pickle": remedies

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
                   int(section.get("command_words", 3)), float(section.get("ceiling", 0.95)),
                   int(section.get("outliers", 1)), float(section.get("min_gain", 0.1)),
                   frozenset(str(f) for f in section.get("for_user") or []),
                   frozenset(str(w) for w in cramp_now.get("others") or []),
                   frozenset(str(w) for p in cramp_now.get("cramp_pairs") or []
                             for w in str(p).split()),
                   frozenset(str(f) for f in section.get("needs_person") or []),
                   frozenset(str(w) for w in section.get("person") or []),
                   word_pairs(section.get("idioms") or []), label_words(section.get("label_topic")))

    def fingerprint(self) -> str:
        """Stable across runs (a frozenset's repr is not), for the cache key."""
        return repr((self.per_template, self.validation_share, self.floor, self.margin,
                     sorted(self.topic), sorted(self.needs_topic), sorted(self.families),
                     sorted(self.cramp_words), sorted(self.elsewhere), sorted(self.pain_words),
                     sorted(self.commands), self.command_words, self.ceiling, self.outliers,
                     self.min_gain, sorted(self.for_user), sorted(self.others),
                     sorted(self.named), sorted(self.needs_person), sorted(self.person),
                     sorted(self.idioms),
                     sorted((k, sorted(v)) for k, v in self.label_topic.items())))

    def says_cramp(self, text: str) -> bool:
        """Names a cramp, and not one elsewhere."""
        return bool(self.cramp_words.intersection(text.split())) and not self.elsewhere_cramp(text)

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

    def off_topic(self, label: str, text: str) -> bool:
        words = text.split()
        if family(label) not in self.families:
            return True
        if family(label) in self.commands and len(words) < self.command_words:
            return True
        if family(label) in self.needs_person and self.person.isdisjoint(words):
            return True
        if family(label) in self.for_user and self._names_other(words):
            return True
        # advice about a cramp elsewhere ("writer's cramp in my hand") is not about the legs
        topic = self.topic | self.label_topic.get(label, frozenset())
        return family(label) in self.needs_topic and (topic.isdisjoint(words)
                                                      or self.elsewhere_cramp(text))

    def _names_other(self, words: list[str]) -> bool:
        """An animal's or a thing's leg ("the dog's leg", "do horses get cramp"); "horse" in
        "charley horse" is the cramp's name."""
        heard = {w.removesuffix("'s") for w in words}
        if heard & self.named - self.others:
            heard -= self.named
        return bool(heard & self.others)


@dataclass(frozen=True)
class SemanticResult:
    label: str
    """Best label over its threshold, UNCLEAR for a cramp of no clear kind, or NONE."""
    confidence: float
    best: str
    """Best in-domain label whatever its confidence (for logs and the benchmark)."""
    level: str = ""
    """Danger-sign level of the nearest red-flag paraphrase, for safety.red_flag."""
    rule: str = ""
    """Threshold key that let this through (a family, UNCLEAR or SAID_CRAMP); '' for none."""
    share: float = 0.0
    """How much of its family's probability `best` holds: the head's certainty of the kind."""
    instead: SemanticResult | None = None
    """For safety.red_flag: the head's best label of another family when that passes its own
    threshold; the matcher answers with it (or nothing) when no danger sign backs the flag."""


@dataclass
class _Trained:
    head: Head
    thresholds: dict[str, float]
    level_vectors: Matrix
    level_names: list[str]


class SemanticLayer:
    """Neural head over MiniLM vectors with one rejection threshold per intent family."""

    def __init__(self, encoder: Encoder, trained: _Trained, settings: LayerSettings) -> None:
        self.encoder = encoder
        self.head = trained.head
        self.thresholds = trained.thresholds
        self._trained = trained
        self.settings = settings

    @classmethod
    def build(cls, meta: Mapping[str, Any], intents: Intents, directory: Path,
              normalize: Any, encoder: Encoder | None = None) -> SemanticLayer:
        settings = LayerSettings.from_meta(meta)
        examples = load_examples(intents, directory, normalize, settings.per_template)
        path = head_path(examples, settings, encoder)
        encoder = encoder or Encoder(cache=cache_root())
        trained = _load(path) if path.exists() else _train(examples, encoder, settings, path)
        return cls(encoder, trained, settings)

    @classmethod
    def from_cache(cls, meta: Mapping[str, Any], path: Path) -> SemanticLayer:
        """The layer with the head at `path` (as build or prepare left it), without reading
        the training data (seconds of Python a live process should not spend)."""
        return cls(Encoder(cache=cache_root()), _load(path), LayerSettings.from_meta(meta))

    def classify(self, text: str) -> SemanticResult:
        vector = self.encoder.encode([text])[0]
        return _decide(self.head.predict(vector), self.thresholds, self.settings, text,
                       lambda: self._level(vector))

    def _level(self, vector: Matrix) -> str:
        names = self._trained.level_names
        return names[int(np.argmax(self._trained.level_vectors @ vector))] if names else ""


def head_path(examples: list[Example], settings: LayerSettings,
              encoder: Encoder | None = None) -> Path:
    """Where the head trained on `examples` is cached (keyed by data, model and settings)."""
    key = content_hash(examples, (encoder.files if encoder else locate()).model_sha256,
                       _HEAD_VERSION, settings.fingerprint())
    return cache_root() / f"head-{key}.npz"


def _decide(prediction: Prediction, thresholds: Mapping[str, float], settings: LayerSettings,
            text: str, level: Callable[[], str] = str) -> SemanticResult:
    """The policy, shared by matching and by calibration so both judge alike."""
    label, confidence = prediction.label, prediction.confidence
    if label != NONE and family(label) not in settings.families:
        # a family left to other layers (safety: the detector's) gives way to the next family
        label, confidence = prediction.other, prediction.other_confidence
    if _passes(label, confidence, thresholds, settings, text):
        other, score = prediction.other, prediction.other_confidence
        instead = (SemanticResult(other, score, other, rule=family(other))
                   if label == RED_FLAG and _passes(other, score, thresholds, settings, text)
                   else None)
        return SemanticResult(label, confidence, label, level() if label == RED_FLAG else "",
                              family(label), prediction.kind_share(), instead)
    if family(prediction.best_in_family) == "cramp" and not settings.elsewhere_cramp(text):
        # a person in pain must not meet silence: a line that names a cramp is judged only
        # against held-out negatives that name one too (period, writer's, "cramped flat"), so
        # one odd negative elsewhere ("our calf has scours") cannot close the family to it
        said = {UNCLEAR: True, SAID_CRAMP: settings.says_cramp(text),
                LEG_PAIN: settings.says_leg_pain(text)}
        for key in (UNCLEAR, SAID_CRAMP, LEG_PAIN):
            if (said[key]
                    and prediction.family_confidence >= thresholds.get(key, 1.0)):
                return SemanticResult(UNCLEAR, prediction.family_confidence,
                                      prediction.best_in_family, rule=key,
                                      share=prediction.kind_share())
    return SemanticResult(NONE, confidence, prediction.best_in_family,
                          share=prediction.kind_share())


def _passes(label: str, confidence: float, thresholds: Mapping[str, float],
            settings: LayerSettings, text: str) -> bool:
    return (label != NONE and confidence >= thresholds.get(family(label), 1.0)
            and not settings.off_topic(label, text))


def _load(path: Path) -> _Trained:
    data = np.load(path)
    head = Head([str(x) for x in data["labels"]], data["w1"], data["b1"], data["w2"], data["b2"])
    thresholds = dict(zip((str(f) for f in data["families"]),
                          (float(t) for t in data["thresholds"]), strict=True))
    return _Trained(head, thresholds, data["level_vectors"],
                    [str(x) for x in data["level_names"]])


def _train(examples: list[Example], encoder: Encoder, settings: LayerSettings,
           path: Path) -> _Trained:
    log.info("semantic layer: training the head (first run with this data or model)")
    vectors = _VectorCache(cache_root(), encoder).vectors([e.text for e in examples])
    by_text = dict(zip((e.text for e in examples), vectors, strict=True))
    train, validation = split(examples, settings.validation_share)
    head = Head.train(np.array([by_text[e.text] for e in train], np.float32),
                      [e.label for e in train])
    keys = ({family(label) for label in head.labels} - {NONE}) | {UNCLEAR, SAID_CRAMP, LEG_PAIN}
    budget = Budget(settings.floor, settings.margin, settings.ceiling, settings.outliers,
                    settings.min_gain)
    thresholds = calibrate(head, validation, by_text, keys, budget,
                           lambda p, t, text: _decide(p, t, settings, text), STRICT)
    flags = [e for e in examples if e.level]
    trained = _Trained(head, thresholds,
                       np.array([by_text[e.text] for e in flags], np.float32).reshape(-1, 384),
                       [e.level for e in flags])
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp.npz")
    np.savez(temporary, labels=np.array(head.labels), w1=head.w1, b1=head.b1, w2=head.w2,
             b2=head.b2, families=np.array(list(thresholds)),
             thresholds=np.array(list(thresholds.values())),
             level_vectors=trained.level_vectors, level_names=np.array(trained.level_names))
    temporary.replace(path)
    for stale in path.parent.glob("head-*.npz"):  # heads of older data or code
        if stale != path:
            stale.unlink(missing_ok=True)
    return trained


class _VectorCache:
    """text -> vector, kept per model; only texts not seen before are encoded."""

    def __init__(self, root: Path, encoder: Encoder) -> None:
        self.path = root / f"vectors-{encoder.files.model_sha256[:16]}.npz"
        self.encoder = encoder

    def vectors(self, texts: list[str]) -> Matrix:
        known: dict[str, Matrix] = {}
        if self.path.exists():
            data = np.load(self.path)
            known = dict(zip((str(t) for t in data["texts"]), data["vectors"], strict=True))
        missing = sorted({t for t in texts if t not in known})
        if missing:
            log.info("semantic layer: encoding %d new training sentences", len(missing))
            known.update(zip(missing, self.encoder.encode(missing, batch=32), strict=True))
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(".tmp.npz")
            np.savez(temporary, texts=np.array(list(known)),
                     vectors=np.array(list(known.values()), np.float32))
            temporary.replace(self.path)
        return np.array([known[t] for t in texts], np.float32)
