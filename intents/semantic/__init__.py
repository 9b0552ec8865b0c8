"""Sentence-embedding intent layer for English, loaded in the background; see IntentMatcher."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hassil import Intents

from intents.language import PACKS_DIR
from intents.semantic.encoder import EncoderError, locate, verify
from intents.semantic.layer import SemanticLayer

__all__ = ["HEAD_LINE", "EncoderError", "LazyLayer"]

log = logging.getLogger(__name__)

HEAD_LINE = "head: "
"""How `python -m intents.semantic.prepare` names the cached head on stdout."""
_POLL_SECONDS = 0.2
"""How often the loader looks whether the program is shutting down while a child trains."""


def shutting_down() -> bool:
    """The main thread has finished (the interpreter is joining the other threads to exit)."""
    return not threading.main_thread().is_alive()


class LazyLayer:
    """Checks the model files now (a bad install fails at start, in one line) and loads the
    model and head in a thread, so start-up does not wait for them; get() waits.

    A child process (`python -m intents.semantic.prepare`) reads the training data to find the
    cached head, and trains it on a first start; it is stopped when the program exits. So a
    first start can still be stopped at once, and neither the seconds of Python that reading the
    data takes (which would hold the GIL while the assistant starts) nor the training arrays
    are spent in the assistant itself; it only loads the model and the head."""

    def __init__(self, meta: dict[str, Any], intents: Intents, directory: Path,
                 normalize: Callable[[str], str]) -> None:
        files = locate()
        verify(files.model, files.model_sha256, "model")
        verify(files.tokenizer, files.tokenizer_sha256, "tokenizer")
        self._layer: SemanticLayer | None = None
        self._args = (meta, intents, directory, normalize)
        self._language = directory.parent.name
        self._packaged = directory == PACKS_DIR / self._language / "training"
        # not a daemon: the interpreter must not exit while onnxruntime is mid-load (it aborts);
        # the load itself is short, and the long part (training) stops when the program exits
        self._thread = threading.Thread(target=self._load, name="semantic-load", daemon=False)
        self._thread.start()

    def _load(self) -> None:
        try:
            if not self._packaged:  # a pack the child cannot load by name (tests' own packs)
                self._layer = SemanticLayer.build(*self._args)
                return
            path = self._head_from_child()
            if path is not None and not shutting_down():
                self._layer = SemanticLayer.from_cache(self._args[0], path)
        except Exception:  # the templates still work; say once why the layer does not
            log.exception("semantic layer failed to load; templates only")

    def _head_from_child(self) -> Path | None:
        """The cached head, found (or first trained) by a child process; None when the program
        exits meanwhile (the child is stopped) or the child failed (it said why on stderr)."""
        child = subprocess.Popen(
            [sys.executable, "-m", "intents.semantic.prepare", "--background",
             "--language", self._language, "--parent", str(os.getpid())],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
        while True:
            try:
                code = child.wait(_POLL_SECONDS)
                break
            except subprocess.TimeoutExpired:
                if shutting_down():
                    child.terminate()  # the cache files are written by rename: none half-done
                    child.communicate()
                    return None
        out = child.communicate()[0]
        heads = [line[len(HEAD_LINE):] for line in out.splitlines() if line.startswith(HEAD_LINE)]
        if code != 0 or not heads:
            log.error("semantic layer not loaded (preparing it exited with %s); templates only",
                      code)
            return None
        return Path(heads[-1])

    def get(self, wait: bool = True) -> SemanticLayer | None:
        """The layer; without `wait`, None while it is still loading (a live assistant answers
        from the templates meanwhile rather than keep a person in pain waiting)."""
        if wait:
            self._thread.join()
        return self._layer
