"""Sentence-embedding intent layer for English, loaded in the background; see IntentMatcher."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hassil import Intents

from intents.semantic.encoder import EncoderError, locate, verify
from intents.semantic.layer import SemanticLayer

__all__ = ["EncoderError", "LazyLayer"]

log = logging.getLogger(__name__)


class LazyLayer:
    """Checks the model files now (a bad install fails at start, in one line) and loads the
    model and head in a thread, so start-up does not wait for them; get() waits."""

    def __init__(self, meta: dict[str, Any], intents: Intents, directory: Path,
                 normalize: Callable[[str], str]) -> None:
        files = locate()
        verify(files.model, files.model_sha256, "model")
        verify(files.tokenizer, files.tokenizer_sha256, "tokenizer")
        self._layer: SemanticLayer | None = None
        self._args = (meta, intents, directory, normalize)
        # not a daemon: the interpreter must not exit while onnxruntime is mid-load (it aborts)
        self._thread = threading.Thread(target=self._load, name="semantic-load", daemon=False)
        self._thread.start()

    def _load(self) -> None:
        try:
            self._layer = SemanticLayer.build(*self._args)
        except Exception:  # the templates still work; say once why the layer does not
            log.exception("semantic layer failed to load; templates only")

    def get(self, wait: bool = True) -> SemanticLayer | None:
        """The layer; without `wait`, None while it is still loading (a live assistant answers
        from the templates meanwhile rather than keep a person in pain waiting)."""
        if wait:
            self._thread.join()
        return self._layer
