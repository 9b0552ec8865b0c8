"""Real English words, inflections included: never read as a slip of a symptom or cramp word."""

from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Callable, Iterable
from importlib import resources
from importlib.resources.abc import Traversable

from cramp_common.heap import release_freed_heap
from intents.language import PackError

__all__ = ["english_words", "is_real", "real_word_sources"]

_MIN_COUNT = 300
"""Rarer words ("foots", "blueish", "calve") are likelier a slip of a leg or sign word."""


_PACKAGE = "spellchecker"
_RESOURCE = ("resources", "en.json.gz")
_FIX = "reinstall with `pip install -e .` (pyspellchecker is a dependency of cramp-coach)"


def _missing(why: str) -> PackError:
    where = "/".join((_PACKAGE, *_RESOURCE))
    return PackError(f"real_words english: pyspellchecker's word list {where} {why}; {_FIX}")


def _english_resource() -> Traversable:
    """The packed word counts of pyspellchecker; PackError (one line) when it is not installed:
    without the list, real words ("cramming") would silently be read as slips of cramp words."""
    try:
        resource = resources.files(_PACKAGE).joinpath(*_RESOURCE)
    except ModuleNotFoundError:
        raise _missing("is missing (the package is not installed)") from None
    if not resource.is_file():
        raise _missing("is missing")
    return resource


@functools.cache
def english_words() -> frozenset[str]:
    """The common words of pyspellchecker's English frequency list (seen at least 300 times,
    with their inflections: "cramming", "sores", "fitting"), which the encoder's WordPiece
    vocabulary lacks. Common misspellings ("swolen", "crampin") are not in
    it, so spelling tolerance still reads those. Read once per process, and only when a word
    would be corrected (about 0.3 s). PackError (one line) when the list is missing or damaged."""
    try:
        counts = json.loads(gzip.decompress(_english_resource().read_bytes()))
    except (OSError, ValueError):
        raise _missing("cannot be read") from None
    if not isinstance(counts, dict):
        raise _missing("is not a word count table")
    words = frozenset(str(word) for word, count in counts.items() if count >= _MIN_COUNT)
    del counts
    release_freed_heap()  # the table just dropped: ~11 MB of RSS beside the semantic layer
    return words


def real_word_sources(value: object, where: str) -> tuple[Callable[[], frozenset[str]], ...]:
    """The word lists a pack's `real_words:` key names ("wordpiece", "english", or a list of
    them), each read only when first asked."""
    from intents.red_flag_data import wordpiece_words

    known: dict[str, Callable[[], frozenset[str]]] = {"wordpiece": wordpiece_words,
                                                      "english": english_words}
    names = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    unknown = [str(n) for n in names if n not in known]
    if unknown or not isinstance(value, str | list | None):
        raise PackError(f"{where} real_words: {value!r} is not one of {', '.join(known)}")
    if "english" in names:
        _english_resource()  # at load, not in the middle of a conversation
    return tuple(known[str(n)] for n in names)


def is_real(word: str, sources: Iterable[Callable[[], frozenset[str]]]) -> bool:
    """Whether one of the word lists (from real_word_sources) holds `word`."""
    return any(word in source() for source in sources)
