"""Spelling tolerance of the red-flag detector: a mistyped word back to a danger-sign word."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from intents.real_words import is_real

_MIN_CORRECTED_LENGTH = 5
"""Shorter words have too few letters for the similarity cutoff to mean anything."""
_MIN_EDITED_LENGTH = 4
"""One changed letter in a three-letter word is a different word too often ("leg", "log")."""
# Endings a stem of the lexicon ("swell*") takes, so "sweeling" and "swolled" have a word to be
# corrected to; an ending that makes no real word only costs a lookup.
_ENDINGS = ("", "s", "es", "d", "ed", "ing", "en", "y", "ly", "ness", "er")
# Derivations back to the word a sign comes from: "puffiness" -> "puffy", "reddening" -> "red",
# "purpley" -> "purple", "warmness" -> "warm"
_DERIVED = (("iness", "y"), ("ness", ""), ("ening", ""), ("ened", ""), ("ey", "e"), ("ey", ""),
            ("ish", ""), ("y", ""))
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _neighbours() -> dict[str, set[str]]:
    """Keys beside each other on a QWERTY keyboard: the likeliest wrong letter ("foor", "clad")."""
    near: dict[str, set[str]] = {c: set() for c in _LETTERS}
    for n, row in enumerate(_ROWS):
        for i, c in enumerate(row):
            near[c].update(row[max(0, i - 1):i] + row[i + 1:i + 2])
            for other in _ROWS[max(0, n - 1):n] + _ROWS[n + 1:n + 2]:
                near[c].update(other[max(0, i - 1):i + 2])
    return near


_NEAR_KEYS = _neighbours()


@dataclass(frozen=True)
class ShortSlips:
    """Where a three-letter word that is no real word is read as a slip ("num", "blu", "fot"):
    three letters alone are too few to tell a slip from an abbreviation ("my mum's num")."""

    targets: frozenset[str] = frozenset()
    """Short sign words, read after a word of `after` or before one of `before`."""
    after: frozenset[str] = frozenset()
    before: frozenset[str] = frozenset()
    body_targets: frozenset[str] = frozenset()
    """Body parts, read after an owner ("my fot is cold")."""
    body_after: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, data: Mapping[str, object] | None, before: Iterable[str]) -> ShortSlips:
        def words(key: str) -> frozenset[str]:
            value = (data or {}).get(key)
            return frozenset(str(w) for w in value) if isinstance(value, list) else frozenset()

        return cls(words("targets"), words("after"), frozenset(before), words("body_targets"),
                   words("body_after"))

    def targets_at(self, words: Sequence[str], i: int) -> frozenset[str]:
        """The short words the word at `i` may be a slip of, by the words beside it."""
        before = words[i - 1] if i > 0 else ""
        if before in self.body_after:
            return self.body_targets
        if before in self.after or words[i + 1:i + 2] and words[i + 1] in self.before:
            return self.targets
        return frozenset()


class Speller:
    """Corrects an unknown word to a lexicon word one typing slip away (a swapped, wrong, missing or
    extra letter; the first letter stays) or, for longer words, a close spelling; a real English
    word is never corrected ("spelling" is no "swelling", "hear" no "heat")."""

    def __init__(self, lexicon: Iterable[str], stems: Iterable[str], known: Iterable[str],
                 real_words: Sequence[Callable[[], frozenset[str]]], cutoff: float,
                 derived_from: Iterable[str] = (), short: ShortSlips | None = None,
                 expansions: Mapping[str, str] | None = None) -> None:
        self.lexicon = frozenset(lexicon)
        self.short_slips = short or ShortSlips()
        self.short_targets = self.short_slips.targets
        # contractions written without the apostrophe ("cant" -> "cannot"): a slip of one of
        # them ("cnat", "wnot") is the negation it spells, not an unknown word
        self.expansions = {k: v for k, v in (expansions or {}).items()
                           if k.isalpha() and len(k) >= _MIN_EDITED_LENGTH}
        self.derived_from = frozenset(derived_from)
        self.stems = tuple(stems)
        self.known = frozenset(known)
        self.real_words = real_words
        self.cutoff = cutoff
        self._cache: dict[str, str] = {}
        self._targets: frozenset[str] | None = None

    def targets(self) -> frozenset[str]:
        """The lexicon and the real words its stems make ("swell*": "swelling", not "swelld"),
        built at the first word to correct: the real-word list takes ~0.3 s to read."""
        if self._targets is None:
            forms = {s + e for s in self.stems if len(s) >= _MIN_EDITED_LENGTH for e in _ENDINGS}
            if self.real_words:
                forms = {f for f in forms if self._in_word_list(f)}
            self._targets = frozenset(w for w in self.lexicon | forms | set(self.expansions)
                                      if w.isalpha())
        return self._targets

    def __call__(self, word: str) -> str:
        if word in self.known or word in self.lexicon or word.isdigit():
            return word
        if word.startswith(self.stems):
            return word
        if word not in self._cache:
            found = self._one_slip(word) or self._close(word) or word
            if found != word and self._is_real(word, found):
                found = word
            found = self._base(word) or found
            self._cache[word] = self.expansions.get(found, found) if found != word else word
        return self._cache[word]

    def line(self, words: Sequence[str]) -> list[str]:
        """Every word corrected; a three-letter one only where ShortSlips reads it ("my foot is
        num"); a contraction's slip becomes its words ("cnat" -> "cannot")."""
        out = []
        for i, word in enumerate(words):
            found = self(word)
            if len(found) == 3:
                found = self.short(found, self.short_slips.targets_at(words, i))
            out.extend(found.split())
        return out

    def short(self, word: str, targets: frozenset[str]) -> str:
        """The word of `targets` one slip away from a three-letter word that is no real word."""
        if (not targets or len(word) != 3 or word in self.known
                or not (word.isascii() and word.isalpha()) or self._in_word_list(word)):
            return word
        found = [(cost, target) for target, cost in _slips(word).items() if target in targets]
        return min(found)[1] if found else word

    def _is_real(self, word: str, found: str) -> bool:
        """A real word, or one with an ending the word list leaves out ("weaned", "puffer"): not a
        slip, unless it is the lexicon word's own plural or past ("calfs")."""
        stems = {word[:-len(e)] for e in _ENDINGS if e and word.endswith(e)}
        if word.endswith("'s"):  # a real word's possessive ("steak's", "hoover's") is no slip
            stems.add(word[:-2])
        return self._in_word_list(word) or any(
            s != found and self._in_word_list(s) for s in stems)

    def _in_word_list(self, word: str) -> bool:
        return is_real(word, self.real_words)

    def _base(self, word: str) -> str | None:
        """The sign word `word` is derived from, real word or not ("hotness" is one)."""
        for ending, replacement in _DERIVED:
            if word.endswith(ending) and len(word) > len(ending) + 2:
                base = word[:-len(ending)] + replacement
                for candidate in (base, base[:-1]):  # "redd-ening": a doubled last letter
                    if candidate in self.derived_from:
                        return candidate
        return None

    def _one_slip(self, word: str) -> str | None:
        """The lexicon word one slip away, the likeliest slip first (a swapped pair or a key beside
        the right one, then a missing or extra letter, then any wrong letter)."""
        if len(word) < _MIN_EDITED_LENGTH or not (word.isascii() and word.isalpha()):
            return None
        targets = self.targets()
        # between equally likely slips, a short sign word ("waek": "weak", not "wake"): when
        # unsure, the reading that escalates
        found = [(cost, target not in self.short_targets, target)
                 for target, cost in _slips(word).items() if target in targets]
        return min(found)[2] if found else None

    def _close(self, word: str) -> str | None:
        if len(word) < _MIN_CORRECTED_LENGTH:
            return None
        close = difflib.get_close_matches(word, sorted(self.targets()), n=1, cutoff=self.cutoff)
        return close[0] if close and close[0][0] == word[0] else None


def _slips(word: str) -> dict[str, int]:
    """Every spelling one slip from `word` (first letter kept), with how unlikely the slip is."""
    out: dict[str, int] = {}

    def add(spelling: str, cost: int) -> None:
        out[spelling] = min(cost, out.get(spelling, cost))

    for i in range(1, len(word)):
        add(word[:i] + word[i + 1:], 1)  # an extra letter: "numbb", "swolllen"
        if i < len(word) - 1:
            add(word[:i] + word[i + 1] + word[i] + word[i + 2:], 0)  # swapped: "claf"
        for c in _LETTERS:
            if c != word[i]:
                add(word[:i] + c + word[i + 1:], 0 if c in _NEAR_KEYS[word[i]] else 2)
    for i in range(1, len(word) + 1):
        for c in _LETTERS:
            add(word[:i] + c + word[i:], 1)  # a missing letter: "swolen", "numbnes"
    return out
