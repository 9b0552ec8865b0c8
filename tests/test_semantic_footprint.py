"""The semantic layer's footprint: the lean model answers as the shipped one, and is checked."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from intents.semantic.encoder import LEAN_SHA256, Encoder, lean_model, locate, sha256_of

DATA = Path(__file__).resolve().parent / "data"


def sentences(count: int) -> list[str]:
    """Real lines of the labelled sets (never the sealed ones), long and short alike."""
    lines = [line.split("\t", 1)[0]
             for path in sorted(DATA.glob("en_*.tsv")) if "sealed" not in path.name
             for line in path.read_text(encoding="utf-8").splitlines()[1:]
             if line.strip() and not line.startswith("#")]
    return lines[:: max(1, len(lines) // count)][:count]


@pytest.fixture(scope="module")
def shipped() -> Encoder:
    return Encoder()


def test_lean_model_gives_the_same_vectors_as_the_shipped_one(
        shipped: Encoder, tmp_path_factory: pytest.TempPathFactory) -> None:
    lean = Encoder(cache=tmp_path_factory.mktemp("lean"))
    assert lean.model != shipped.model and sha256_of(lean.model) == LEAN_SHA256
    texts = sentences(200)
    assert len(texts) == 200
    cosines = np.sum(shipped.encode(texts) * lean.encode(texts), axis=1)
    assert cosines.min() >= 0.9999, texts[int(np.argmin(cosines))]


def test_damaged_lean_model_is_rebuilt_from_the_shipped_file(tmp_path: Path) -> None:
    path = lean_model(locate(), tmp_path)
    path.write_bytes(path.read_bytes()[:-10] + b"0123456789")  # same size, other bytes
    assert lean_model(locate(), tmp_path) == path
    assert sha256_of(path) == LEAN_SHA256


def test_unwritable_cache_falls_back_to_the_shipped_model(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache directory should be", encoding="utf-8")
    assert lean_model(locate(), blocked / "cache") == locate().model
