"""The semantic layer: embed, classify, reject below the family threshold; cached per content."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from hassil import Intents

from intents.match import RED_FLAG
from intents.semantic.calibration import STRICT, Budget, calibrate
from intents.semantic.classifier import Head, Matrix, Prediction, family
from intents.semantic.encoder import Encoder, locate
from intents.semantic.layer_settings import LayerSettings
from intents.semantic.training import NONE, Example, content_hash, load_examples, split
from intents.semantic.vector_cache import DAMAGED, VectorCache, set_aside
from intents.semantic.vocabulary import Vocabulary

__all__ = ["KNOWN", "LayerSettings", "SemanticLayer", "SemanticResult", "cache_root", "head_path",
           "load_intact"]

log = logging.getLogger(__name__)

ENV_CACHE = "CRAMP_COACH_MODEL_CACHE"
"""Where vectors and trained heads are cached; default: <data dir>/cache/semantic."""
_HEAD_VERSION = "head-14"
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
KNOWN = ".known"
"""Suffix of a command family's second threshold key ("control.known"): a line every word of
which the family's training sentences use (vocabulary.py); calibrated only on held-out
negatives of the same kind, so "slow down the video" cannot close the family to "please be
quiet for a moment"."""
PRONOUN = ".pronoun"
"""Suffix of an advice family's threshold key for a question with "it" for the cramp ("when
should i get it checked"): no topic word, so judged only against held-out everyday lines that
the same gate lets through ("should i get it serviced"), and never below `pronoun_floor`."""


def cache_root() -> Path:
    override = os.environ.get(ENV_CACHE)
    if override:
        return Path(override).expanduser()
    from cramp_common.paths import cache_dir

    return cache_dir() / "semantic"


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
    referred: bool = False
    """An advice answer put on topic by a pronoun or a label's own word ("is there a tablet for
    it"), not a cramp or leg word: the cramp-now question gate must not undo it."""


@dataclass
class _Trained:
    head: Head
    thresholds: dict[str, float]
    level_vectors: Matrix
    level_names: list[str]
    vocabulary: Vocabulary


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
        trained = load_intact(path) or _train(examples, encoder, settings, path)
        return cls(encoder, trained, settings)

    @classmethod
    def from_cache(cls, meta: Mapping[str, Any], path: Path) -> SemanticLayer:
        """The layer with the head at `path` (as build or prepare left it), without reading
        the training data (seconds of Python a live process should not spend)."""
        return cls(Encoder(cache=cache_root()), _load(path), LayerSettings.from_meta(meta))

    def classify(self, text: str) -> SemanticResult:
        vector = self.encoder.encode([text])[0]
        return _decide(self.head.predict(vector), self.thresholds, self.settings, text,
                       lambda: self._level(vector), self._trained.vocabulary)

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
            text: str, level: Callable[[], str] = str,
            vocabulary: Vocabulary | None = None) -> SemanticResult:
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
                              family(label), prediction.kind_share(), instead,
                              family(label) in settings.needs_topic
                              and settings.topic.isdisjoint(text.split()))
    known = (_known_command(prediction, thresholds, settings, text, vocabulary)
             or _referred(prediction, thresholds, settings, text))
    if known is not None:
        return known
    if (family(prediction.best_in_family) == "cramp" and not settings.elsewhere_cramp(text)
            and not settings.gone_to_sleep(text)):
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


def _known_command(prediction: Prediction, thresholds: Mapping[str, float],
                   settings: LayerSettings, text: str,
                   vocabulary: Vocabulary | None) -> SemanticResult | None:
    """A command in the family's own words passes the family's `.known` threshold: a line of
    no word foreign to its family's sentences ("please be quiet for a moment") is judged only
    against held-out everyday lines that are in those words too."""
    label = prediction.best_in_family
    fam = family(label)
    if (vocabulary is None or fam not in settings.commands
            or not vocabulary.covers(fam, text.split())
            or not _passes(label, prediction.best_in_family_confidence,
                           {fam: max(settings.known_floor, thresholds.get(fam + KNOWN, 1.0))},
                           settings, text)):
        return None
    return SemanticResult(label, prediction.best_in_family_confidence, label, rule=fam + KNOWN,
                          share=prediction.kind_share())


def _referred(prediction: Prediction, thresholds: Mapping[str, float],
              settings: LayerSettings, text: str) -> SemanticResult | None:
    """An advice question with a pronoun for the cramp passes the family's `.pronoun` key."""
    label, confidence = prediction.label, prediction.confidence
    key = family(label) + PRONOUN
    if (label == NONE or key not in thresholds or not settings.refers_back(label, text)
            or confidence < max(settings.pronoun_floor, thresholds[key],
                                thresholds.get(family(label), 1.0))):
        return None
    return SemanticResult(label, confidence, label, rule=key, share=prediction.kind_share(),
                          referred=True)


def _passes(label: str, confidence: float, thresholds: Mapping[str, float],
            settings: LayerSettings, text: str) -> bool:
    return (label != NONE and confidence >= thresholds.get(family(label), 1.0)
            and not settings.off_topic(label, text))


def load_intact(path: Path) -> _Trained | None:
    """The cached head, or None when there is none or it is damaged (then set aside)."""
    if not path.exists():
        return None
    try:
        return _load(path)
    except DAMAGED as error:
        set_aside(path, error)
        return None


def _load(path: Path) -> _Trained:
    # our own handle: np.load leaves the file it opened unclosed when the zip is damaged
    with path.open("rb") as handle, np.load(handle) as data:
        vocabulary = Vocabulary.from_arrays(data["vocabulary_families"],
                                            data["vocabulary_words"])
        head = Head([str(x) for x in data["labels"]], data["w1"], data["b1"], data["w2"],
                    data["b2"])
        thresholds = dict(zip((str(f) for f in data["families"]),
                              (float(t) for t in data["thresholds"]), strict=True))
        return _Trained(head, thresholds, data["level_vectors"],
                        [str(x) for x in data["level_names"]], vocabulary)


def _train(examples: list[Example], encoder: Encoder, settings: LayerSettings,
           path: Path) -> _Trained:
    log.info("semantic layer: training the head (first run with this data or model)")
    vectors = VectorCache(cache_root(), encoder).vectors([e.text for e in examples])
    by_text = dict(zip((e.text for e in examples), vectors, strict=True))
    train, validation = split(examples, settings.validation_share)
    head = Head.train(np.array([by_text[e.text] for e in train], np.float32),
                      [e.label for e in train])
    vocabulary = Vocabulary.of(train, settings.commands)
    keys = (({family(label) for label in head.labels} - {NONE}) | {UNCLEAR, SAID_CRAMP, LEG_PAIN}
            | {f + KNOWN for f in settings.commands} | {f + PRONOUN for f in settings.needs_topic})
    budget = Budget(settings.floor, settings.margin, settings.ceiling, settings.outliers,
                    settings.min_gain)
    thresholds = calibrate(head, validation, by_text, keys, budget,
                           lambda p, t, text: _decide(p, t, settings, text, str, vocabulary),
                           STRICT, vocabulary.positives(head, validation, by_text, KNOWN))
    flags = [e for e in examples if e.level]
    trained = _Trained(head, thresholds,
                       np.array([by_text[e.text] for e in flags], np.float32).reshape(-1, 384),
                       [e.level for e in flags], vocabulary)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp.npz")
    words: dict[str, Any] = vocabulary.arrays()  # np.savez's allow_pickle is no array
    np.savez(temporary, labels=np.array(head.labels), w1=head.w1, b1=head.b1, w2=head.w2,
             b2=head.b2, families=np.array(list(thresholds)),
             thresholds=np.array(list(thresholds.values())),
             level_vectors=trained.level_vectors, level_names=np.array(trained.level_names),
             **words)
    temporary.replace(path)
    for stale in path.parent.glob("head-*.npz"):  # heads of older data or code
        if stale != path:
            stale.unlink(missing_ok=True)
    return trained
