"""A damaged semantic cache file (a power cut mid-write, a full disk, a stray overwrite) is set
aside and rebuilt: the layer is not lost for good, and a cramp in plain words is still answered."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from intents.semantic.encoder import Encoder
from intents.semantic.layer import ENV_CACHE
from intents.semantic.vector_cache import VectorCache

# said in no template's words: only the semantic layer turns it into a cramp
PLAIN_WORDS_CRAMP = "the muscle in the back of my lower leg has gone rock hard and wont let go"


def _run(cache: Path, home: Path, *args: str, stdin: str | None = None,
         ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, ENV_CACHE: str(cache), "CRAMP_COACH_HOME": str(home)}
    return subprocess.run([sys.executable, *args], input=stdin, env=env, capture_output=True,
                          text=True, timeout=840, check=False)


@pytest.mark.timeout(900)  # the head is trained again: minutes on a busy 2-core machine
def test_a_garbage_head_is_set_aside_and_retrained(semantic_cache: Path, tmp_path: Path) -> None:
    cache = tmp_path / "semantic"
    shutil.copytree(semantic_cache, cache)  # the sentence vectors too: only the head retrains
    heads = list(cache.glob("head-*.npz"))
    assert heads, "the session's cache holds a trained head"
    for head in heads:
        head.write_bytes(b"PK\x03\x04 half a file, the rest lost in a power cut")

    prepared = _run(cache, tmp_path, "-m", "intents.semantic.prepare")

    assert prepared.returncode == 0, prepared.stderr
    assert "damaged" in prepared.stderr and "rebuilding" in prepared.stderr
    assert list(cache.glob("head-*.npz.corrupt-*")), "the damaged file is kept for a look"
    answer = _run(cache, tmp_path, "-m", "skill", "ask", "--each", "--json", "--silent",
                  stdin=PLAIN_WORDS_CRAMP + "\n")
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout.splitlines()[0])["intent"].startswith("cramp.")


def test_a_cut_vector_cache_is_set_aside_and_encoded_again(semantic_cache: Path,
                                                           tmp_path: Path) -> None:
    cache = VectorCache(tmp_path, Encoder(cache=tmp_path))
    texts = ["my calf is cramping", "turn the kitchen lights on"]
    whole = cache.vectors(texts)
    cache.path.write_bytes(cache.path.read_bytes()[:100])  # cut short

    again = cache.vectors(texts)

    assert (whole == again).all()
    assert list(tmp_path.glob("vectors-*.npz.corrupt-*"))
