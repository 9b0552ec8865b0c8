"""The semantic layer: embed, classify, reject below the family threshold; cached per content."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from hassil import Intents

from intents.semantic.classifier import Head, Matrix, family
from intents.semantic.encoder import Encoder
from intents.semantic.training import NONE, Example, content_hash, load_examples, split

__all__ = ["SemanticLayer", "SemanticResult", "cache_root"]

log = logging.getLogger(__name__)

ENV_CACHE = "CRAMP_COACH_MODEL_CACHE"
"""Where vectors and trained heads are cached; default: <data dir>/cache/semantic."""
_HEAD_VERSION = "head-1"
"""Bump when training or calibration changes, so old cached heads are not reused."""
UNCLEAR = "cramp.unclear"
"""A cramp now, of no clear kind: the cramp labels together pass their own threshold."""


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
    """Added to the highest confidence a validation negative reached in a family."""
    default_level: str

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any]) -> LayerSettings:
        section = meta.get("semantic") or {}
        return cls(int(section.get("per_template", 10)),
                   float(section.get("validation_share", 0.25)),
                   float(section.get("floor", 0.5)), float(section.get("margin", 0.03)),
                   str(section.get("default_level", "urgent")))


@dataclass(frozen=True)
class SemanticResult:
    label: str
    """Best label over the threshold, 'cramp.unclear' for a cramp of no clear kind, or NONE."""
    confidence: float
    best: str
    """Best in-domain label whatever its confidence (for logs and the benchmark)."""
    level: str = ""
    """Danger-sign level of the nearest red-flag paraphrase, for safety.red_flag."""


class SemanticLayer:
    """Softmax head over MiniLM vectors with one rejection threshold per intent family."""

    def __init__(self, encoder: Encoder, head: Head, thresholds: dict[str, float],
                 levels: tuple[Matrix, list[str]], default_level: str) -> None:
        self.encoder = encoder
        self.head = head
        self.thresholds = thresholds
        self._level_vectors, self._level_names = levels
        self.default_level = default_level

    @classmethod
    def build(cls, meta: Mapping[str, Any], intents: Intents, directory: Path,
              normalize: Any, encoder: Encoder | None = None) -> SemanticLayer:
        settings = LayerSettings.from_meta(meta)
        encoder = encoder or Encoder()
        examples = load_examples(intents, directory, normalize, settings.per_template)
        train, validation = split(examples, settings.validation_share)
        key = content_hash(examples, encoder.files.model_sha256, _HEAD_VERSION,
                           repr(settings))
        vectors = _VectorCache(cache_root(), encoder).vectors([e.text for e in examples])
        by_text = dict(zip((e.text for e in examples), vectors, strict=True))
        head, thresholds = _trained(cache_root() / f"head-{key}.npz", train, validation,
                                    by_text, settings)
        flags = [e for e in examples if e.level]
        levels = (np.array([by_text[e.text] for e in flags], np.float32).reshape(-1, 384),
                  [e.level for e in flags])
        return cls(encoder, head, thresholds, levels, settings.default_level)

    def classify(self, text: str) -> SemanticResult:
        vector = self.encoder.encode([text])[0]
        prediction = self.head.predict(vector)
        label, confidence = prediction.label, prediction.confidence
        if label != NONE and confidence >= self.thresholds.get(family(label), 1.0):
            return SemanticResult(label, confidence, label, self._level(vector, label))
        cramp_share = prediction.family_confidence
        if (family(prediction.best_in_family) == "cramp"
                and cramp_share >= self.thresholds.get(UNCLEAR, 1.0)):
            return SemanticResult(UNCLEAR, cramp_share, prediction.best_in_family)
        return SemanticResult(NONE, confidence, prediction.best_in_family)

    def _level(self, vector: Matrix, label: str) -> str:
        if label != "safety.red_flag" or not self._level_names:
            return ""
        return self._level_names[int(np.argmax(self._level_vectors @ vector))]


def _trained(path: Path, train: list[Example], validation: list[Example],
             by_text: Mapping[str, Matrix], settings: LayerSettings
             ) -> tuple[Head, dict[str, float]]:
    if path.exists():
        data = np.load(path)
        head = Head([str(x) for x in data["labels"]], data["weights"], data["bias"])
        return head, dict(zip((str(f) for f in data["families"]),
                              (float(t) for t in data["thresholds"]), strict=True))
    head = Head.train(np.array([by_text[e.text] for e in train], np.float32),
                      [e.label for e in train])
    thresholds = calibrate(head, validation, by_text, settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp.npz")
    np.savez(temporary, labels=np.array(head.labels), weights=head.weights, bias=head.bias,
             families=np.array(list(thresholds)), thresholds=np.array(list(thresholds.values())))
    temporary.replace(path)
    return head, thresholds


def calibrate(head: Head, validation: list[Example], by_text: Mapping[str, Matrix],
              settings: LayerSettings) -> dict[str, float]:
    """Per family: just above the most confident validation negative it accepted, never below
    the floor. 'cramp.unclear' (all cramp labels together) is calibrated the same way."""
    keys = ({family(label) for label in head.labels} - {NONE}) | {UNCLEAR}
    thresholds = dict.fromkeys(sorted(keys), settings.floor)

    def raise_to(key: str, confidence: float) -> None:
        thresholds[key] = max(thresholds[key], min(1.0, confidence + settings.margin))

    for e in validation:
        if e.label != NONE:
            continue
        prediction = head.predict(by_text[e.text])
        if prediction.label != NONE:
            raise_to(family(prediction.label), prediction.confidence)
        if family(prediction.best_in_family) == "cramp":
            raise_to(UNCLEAR, prediction.family_confidence)
    return thresholds


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
