"""Grammar mode: the recogniser's phrase list, sampled from the active pack's hassil templates."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from hassil.intents import Intents
from hassil.sample import sample_intents

from intents.language import LanguagePack

log = logging.getLogger(__name__)

MAX_SENTENCES_PER_INTENT = 1000
"""Caps template expansion; the grammar stays small enough to compile in well under a second."""
UNKNOWN = "[unk]"
MAX_UNITS_PER_WORD = 4


@dataclass(frozen=True)
class Grammar:
    phrases: tuple[str, ...]
    """Phrases in the model's own word units, as handed to KaldiRecognizer."""
    missing: tuple[str, ...]
    """Template words the model cannot spell with its vocabulary (their sentences are left out)."""
    words: frozenset[str] = frozenset()
    """Template words, to put recognised model units back together into them."""
    has_unknown: bool = False
    """The model has '[unk]' (so out-of-grammar speech can come out as unknown)."""

    def detokenize(self, text: str) -> str:
        """'종아리 에 쥐 가 났어요' -> '종아리에 쥐가 났어요': rejoin units into template words."""
        tokens = [t for t in text.split() if t != UNKNOWN]
        out: list[str] = []
        i = 0
        while i < len(tokens):
            for size in range(min(MAX_UNITS_PER_WORD, len(tokens) - i), 1, -1):
                word = "".join(tokens[i : i + size])
                if word in self.words:
                    out.append(word)
                    i += size
                    break
            else:
                out.append(tokens[i])
                i += 1
        return " ".join(out)


def sample_sentences(pack: LanguagePack, limit: int = MAX_SENTENCES_PER_INTENT,
                     only: frozenset[str] | None = None) -> list[str]:
    """Every sentence the pack's templates can produce (up to `limit` per intent), deduplicated;
    `only`: just these intents' (barge-in's control grammar)."""
    intents = Intents.from_dict(pack.sentences)
    for each in intents.intents.values():
        # a data block with `metadata: {typed_only: true}` is understood when typed (and in what
        # is heard), but its words never join the grammar, where each one is something other
        # speech may be heard as
        each.data[:] = [d for d in each.data if not (d.metadata or {}).get("typed_only")]
    left_out = tuple(str(p) for p in pack.meta.get("grammar_leaves_out") or [])
    seen: dict[str, None] = {}
    for intent, text in sample_intents(intents, max_sentences_per_intent=limit):
        if (left_out and str(intent).startswith(left_out)) or (only and intent not in only):
            continue
        cleaned = " ".join(text.lower().split())
        if cleaned:
            seen[cleaned] = None
    return list(seen)


def _rank(pieces: list[str]) -> tuple[int, list[int]]:
    return len(pieces), [-len(p) for p in pieces]


def segment(word: str, has_word: Callable[[str], bool]) -> list[str] | None:
    """Split `word` into the fewest model vocabulary units (longest first unit on ties)."""
    if has_word(word):
        return [word]
    best: list[list[str] | None] = [None] * (len(word) + 1)
    best[0] = []
    for i in range(len(word)):
        prefix = best[i]
        if prefix is None:
            continue
        for j in range(len(word), i, -1):
            if has_word(word[i:j]):
                candidate = [*prefix, word[i:j]]
                current = best[j]
                if current is None or _rank(candidate) < _rank(current):
                    best[j] = candidate
    return best[len(word)]


def build_grammar(sentences: Iterable[str], has_word: Callable[[str], bool]) -> Grammar:
    """Turn sentences into model-unit phrases; report words the model cannot spell at all."""
    lookup = cache(has_word)
    phrases: dict[str, None] = {}
    missing: dict[str, None] = {}
    words: dict[str, None] = {}
    for sentence in sentences:
        units: list[str] = []
        spellable = True
        for word in sentence.split():
            pieces = segment(word, lookup)
            if pieces is None:
                missing[word] = None
                spellable = False
                continue
            words[word] = None
            units.extend(pieces)
        # A sentence with a word the model cannot say stays typed-only rather than mangled.
        if spellable and units:
            phrases[" ".join(units)] = None
    has_unknown = lookup(UNKNOWN)
    if has_unknown:
        phrases[UNKNOWN] = None
    if missing:
        log.warning("grammar: the speech model lacks %d template word(s): %s",
                    len(missing), ", ".join(missing))
    return Grammar(tuple(phrases), tuple(missing), frozenset(words), has_unknown)


def grammar_for_pack(pack: LanguagePack, has_word: Callable[[str], bool]) -> Grammar:
    return build_grammar(sample_sentences(pack), has_word)
