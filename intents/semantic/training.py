"""Training examples for the semantic layer: template samples, paraphrases, negatives; the split."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from hassil import Intents

from intents.fuzzy import NUMBER, sample_templates
from intents.language import read_pack_yaml

__all__ = ["NONE", "Example", "load_examples", "split", "content_hash"]

NONE = "none"
"""Label of everyday requests that must start nothing."""
UNSPECIFIED = "cramp.unspecified"
"""A cramp now with nothing more specific; not canonical: answered with the general flow."""


@dataclass(frozen=True)
class Example:
    text: str
    """Normalised text, as the matcher sees it."""
    label: str
    """Canonical intent, 'cramp.unspecified', or NONE."""
    level: str = ""
    """Danger-sign level for safety.red_flag paraphrases ('emergency', 'urgent', 'doctor')."""
    source: str = "template"
    """'template', 'paraphrase' or 'negative'; templates never go to validation."""


def template_examples(intents: Intents, per_template: int, normalize: Callable[[str], str],
                      seed: int = 0) -> list[Example]:
    """Distinct seeded random sentences from every template, with real slot values."""
    rng = random.Random(seed)
    seen: set[tuple[str, str]] = set()
    out: list[Example] = []
    for sample in sample_templates(intents, per_template, {}, {}, seed):
        words = [str(rng.choice([5, 10, 20, 30])) if w == NUMBER else w for w in sample.words]
        text = normalize(" ".join(words))
        if text and (text, sample.intent) not in seen:
            seen.add((text, sample.intent))
            out.append(Example(text, sample.intent))
    return out


def read_paraphrases(path: Path, normalize: Callable[[str], str]) -> list[Example]:
    """intent (or safety.red_flag/<level>) -> list of utterances; a missing file gives none."""
    if not path.exists():
        return []
    data = read_pack_yaml(path)
    out = []
    for key, lines in data.items():
        label, _, level = str(key).partition("/")
        for line in lines or []:
            text = normalize(str(line))
            if text:
                out.append(Example(text, label, level, "paraphrase"))
    return out


def read_negatives(paths: Iterable[Path], normalize: Callable[[str], str]) -> list[Example]:
    """One everyday request per line, '#' starts a comment; missing files give none."""
    out = []
    for path in paths:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            text = normalize(line.split("#", 1)[0])
            if text:
                out.append(Example(text, NONE, "", "negative"))
    return out


def is_validation(example: Example, share: float) -> bool:
    """Deterministic: by a hash of the text, so a line stays on its side as files grow."""
    if example.source == "template":
        return False
    digest = hashlib.sha256(example.text.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < share


def split(examples: list[Example], share: float) -> tuple[list[Example], list[Example]]:
    train = [e for e in examples if not is_validation(e, share)]
    validation = [e for e in examples if is_validation(e, share)]
    return train, validation


def content_hash(examples: Iterable[Example], *parts: str) -> str:
    """Hash of every example and the extra parts (model sha, settings): the cache key."""
    digest = hashlib.sha256("\x1e".join(parts).encode("utf-8"))
    for e in examples:
        digest.update(f"{e.text}\x1f{e.label}\x1f{e.level}\x1f{e.source}\x1e".encode())
    return digest.hexdigest()[:24]


def load_examples(intents: Intents, directory: Path, normalize: Callable[[str], str],
                  per_template: int, extra_negatives: Iterable[Path] = ()) -> list[Example]:
    """Everything the layer learns from, in a stable order."""
    return (template_examples(intents, per_template, normalize)
            + read_paraphrases(directory / "paraphrases.yaml", normalize)
            + read_negatives([directory / "negatives.txt", *extra_negatives], normalize))
