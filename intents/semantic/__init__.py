"""Sentence-embedding intent layer for English, loaded in the background; see IntentMatcher."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hassil import Intents

from intents.semantic.encoder import EncoderError, locate, verify
from intents.semantic.layer import HeadNotCached, SemanticLayer

__all__ = ["EncoderError", "LazyLayer"]

log = logging.getLogger(__name__)

_POLL_SECONDS = 0.2
"""How often the loader looks whether the program is shutting down while a child trains."""


def shutting_down() -> bool:
    """The main thread has finished (the interpreter is joining the other threads to exit)."""
    return not threading.main_thread().is_alive()


class LazyLayer:
    """Checks the model files now (a bad install fails at start, in one line) and loads the
    model and head in a thread, so start-up does not wait for them; get() waits.

    A head that is not cached yet is trained in a child process (`python -m
    intents.semantic.prepare`), which is stopped when the program exits: a first start can then
    still be stopped at once, and the training data never sits in the assistant's memory."""

    def __init__(self, meta: dict[str, Any], intents: Intents, directory: Path,
                 normalize: Callable[[str], str]) -> None:
        files = locate()
        verify(files.model, files.model_sha256, "model")
        verify(files.tokenizer, files.tokenizer_sha256, "tokenizer")
        self._layer: SemanticLayer | None = None
        self._args = (meta, intents, directory, normalize)
        self._language = directory.parent.name
        # not a daemon: the interpreter must not exit while onnxruntime is mid-load (it aborts);
        # the load itself is short, and the long part (training) stops when the program exits
        self._thread = threading.Thread(target=self._load, name="semantic-load", daemon=False)
        self._thread.start()

    def _load(self) -> None:
        try:
            try:
                self._layer = SemanticLayer.build(*self._args, train=False)
            except HeadNotCached:
                if not self._train_in_child() or shutting_down():
                    return
                self._layer = self._build_after_child()
        except Exception:  # the templates still work; say once why the layer does not
            log.exception("semantic layer failed to load; templates only")

    def _build_after_child(self) -> SemanticLayer:
        try:
            return SemanticLayer.build(*self._args, train=False)
        except HeadNotCached:  # a pack the child does not know (tests' own packs): train here
            return SemanticLayer.build(*self._args)

    def _train_in_child(self) -> bool:
        """Whether the child trained the head; False when the program exits meanwhile (the
        child is stopped) or the child failed (it said why on stderr)."""
        log.info("semantic layer: training the head in the background (first run with this "
                 "data or model); templates answer meanwhile")
        child = subprocess.Popen(
            [sys.executable, "-m", "intents.semantic.prepare", "--background",
             "--language", self._language],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        while True:
            try:
                return child.wait(_POLL_SECONDS) == 0
            except subprocess.TimeoutExpired:
                if shutting_down():
                    child.terminate()  # the cache files are written by rename: none half-done
                    child.wait()
                    return False

    def get(self, wait: bool = True) -> SemanticLayer | None:
        """The layer; without `wait`, None while it is still loading (a live assistant answers
        from the templates meanwhile rather than keep a person in pain waiting)."""
        if wait:
            self._thread.join()
        return self._layer
