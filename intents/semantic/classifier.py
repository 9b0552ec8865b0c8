"""A softmax head over sentence embeddings, trained with numpy, with per-family rejection."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Head", "Prediction", "family"]

Matrix = npt.NDArray[np.float32]


def family(label: str) -> str:
    """'cramp', 'safety', 'info', 'routine', 'control', 'reminder' or 'none'."""
    return label.split(".", 1)[0]


@dataclass(frozen=True)
class Prediction:
    label: str
    """Best label (may be 'none')."""
    confidence: float
    """Softmax probability of `label`, 0..1."""
    family_confidence: float
    """Summed probability of every label in `label`'s family ("a cramp, unclear which")."""
    best_in_family: str
    """Best non-'none' label, which may differ from `label` when 'none' wins."""


@dataclass
class Head:
    labels: list[str]
    weights: Matrix
    """(dimensions, labels)"""
    bias: Matrix

    @classmethod
    def train(cls, x: Matrix, y: list[str], epochs: int = 100, rate: float = 1.0,
              l2: float = 1e-4, scale: float = 20.0, none_share: float = 0.5) -> Head:
        """Full-batch gradient descent on cross-entropy. 'none' gets `none_share` of the total
        weight and the intents share the rest equally, so rejection is learnt as hard as intents."""
        labels = sorted(set(y))
        index = {label: i for i, label in enumerate(labels)}
        targets = np.array([index[label] for label in y])
        counts = np.bincount(targets, minlength=len(labels)).astype(np.float32)
        mass = np.full(len(labels), (1 - none_share) / max(1, len(labels) - 1), np.float32)
        if "none" in index:
            mass[index["none"]] = none_share
        sample_weight = (len(y) * mass / counts)[targets]
        onehot = np.eye(len(labels), dtype=np.float32)[targets]
        weights = np.zeros((x.shape[1], len(labels)), np.float32)
        bias = np.zeros(len(labels), np.float32)
        scaled = x * scale
        for _ in range(epochs):
            probs = _softmax(scaled @ weights + bias)
            error = (probs - onehot) * sample_weight[:, None] / len(y)
            weights -= rate * (scaled.T @ error + l2 * weights)
            bias -= rate * error.sum(axis=0)
        return cls(labels, weights * scale, bias)

    def probabilities(self, x: Matrix) -> Matrix:
        return _softmax(x @ self.weights + self.bias)

    def predict(self, vector: Matrix) -> Prediction:
        probs = self.probabilities(vector[None, :])[0]
        order = np.argsort(-probs)
        best = self.labels[int(order[0])]
        in_domain = next(self.labels[int(i)] for i in order if self.labels[int(i)] != "none")
        fam = family(in_domain)
        family_confidence = float(sum(p for label, p in zip(self.labels, probs, strict=True)
                                      if family(label) == fam))
        return Prediction(best, float(probs[order[0]]), family_confidence, in_domain)


def _softmax(logits: Matrix) -> Matrix:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return (shifted / shifted.sum(axis=1, keepdims=True)).astype(np.float32)
