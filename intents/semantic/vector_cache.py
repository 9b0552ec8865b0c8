"""Sentence vectors of the training data, cached per model; damaged cache files are set aside."""

from __future__ import annotations

import logging
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np

from intents.semantic.classifier import Matrix
from intents.semantic.encoder import Encoder

__all__ = ["DAMAGED", "VectorCache", "set_aside"]

log = logging.getLogger(__name__)

DAMAGED = (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile)
"""What np.load and the field reads raise on a cache file cut short or overwritten."""


def set_aside(path: Path, error: Exception) -> None:
    """A damaged cache file is renamed (kept for a look) so it is rebuilt, not failed on at
    every start: a power cut or a full disk must not cost the layer for good."""
    moved = path.with_name(f"{path.name}.corrupt-{datetime.now():%Y%m%d-%H%M%S}")
    log.warning("semantic layer: cache file %s is damaged (%s); set aside as %s, rebuilding",
                path, error, moved.name)
    path.replace(moved)


class VectorCache:
    """text -> vector, kept per model; only texts not seen before are encoded."""

    def __init__(self, root: Path, encoder: Encoder) -> None:
        self.path = root / f"vectors-{encoder.files.model_sha256[:16]}.npz"
        self.encoder = encoder

    def vectors(self, texts: list[str]) -> Matrix:
        known: dict[str, Matrix] = {}
        if self.path.exists():
            try:
                with self.path.open("rb") as handle, np.load(handle) as data:
                    known = dict(zip((str(t) for t in data["texts"]), data["vectors"],
                                     strict=True))
            except DAMAGED as error:
                set_aside(self.path, error)
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
