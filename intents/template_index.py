"""A word index over the hassil templates: hassil only sees the templates that could match."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from hassil import (
    Alternative,
    Expression,
    Intents,
    ListReference,
    Permutation,
    RangeSlotList,
    RecognizeResult,
    RuleReference,
    Sentence,
    Sequence,
    TextChunk,
    TextSlotList,
    recognize_best,
)
from hassil.intents import Intent
from hassil.numbers import get_rbnf_engine

from intents.template_index_cache import NUMBER as _NUMBER
from intents.template_index_cache import Clauses as _Clauses
from intents.template_index_cache import IndexCache, IndexData

__all__ = ["IndexCache", "TemplateIndex"]

_PLAIN = re.compile(r"[\w']+")
"""Words the index can judge; any other token (punctuation, dashes) sends every template."""
_MAX_NUMBERS = 5000


class _Unindexable(Exception):
    """A template the word test cannot judge soundly (a word glued from two parts, a wildcard)."""


@dataclass
class _Vocabulary:
    """The words each expression can produce, memoised per rule and slot list."""

    intents: Intents
    rules: Mapping[str, Sentence]
    language: str
    lists: dict[str, frozenset[str]]
    """Shared by every block of templates (rules may differ between blocks, lists do not)."""
    memo: dict[str, frozenset[str]] = field(default_factory=dict)
    needs_memo: dict[str, _Clauses] = field(default_factory=dict)

    def needs(self, expression: Expression) -> _Clauses:
        """Words every match must hold: each clause is a set of words one of which is heard.
        hassil's own prefilter asks the same of letters ("is" is in "this"); words rule out more."""
        if isinstance(expression, TextChunk):
            return frozenset(frozenset([w]) for w in expression.text.casefold().split())
        if isinstance(expression, Alternative):
            return _either(self.needs(item) for item in expression.items)
        if isinstance(expression, (Permutation, Sequence)):
            return frozenset().union(*(self.needs(item) for item in expression.items))
        if isinstance(expression, RuleReference):
            key = "<" + expression.rule_name + ">"
            if key not in self.needs_memo:
                self.needs_memo[key] = self.needs(self.rules[expression.rule_name].expression)
            return self.needs_memo[key]
        slot_list = self.intents.slot_lists.get(getattr(expression, "list_name", ""))
        if isinstance(slot_list, TextSlotList):
            return _either(self.needs(value.text_in) for value in slot_list.values)
        return frozenset()

    def of(self, expression: Expression) -> set[str]:
        if isinstance(expression, TextChunk):
            return set(expression.text.casefold().split())
        if isinstance(expression, Sequence) and not isinstance(expression, (Alternative,
                                                                             Permutation)):
            _check_word_boundaries(expression.items)
        if isinstance(expression, (Alternative, Permutation, Sequence)):
            return set().union(*(self.of(item) for item in expression.items))
        if isinstance(expression, RuleReference):
            return set(self._memo(expression.rule_name, lambda: self.of(
                self.rules[expression.rule_name].expression), self.memo))
        if isinstance(expression, ListReference):
            return set(self._list(expression))
        raise _Unindexable(type(expression).__name__)

    def _list(self, ref: ListReference) -> frozenset[str]:
        slot_list = self.intents.slot_lists.get(ref.list_name)
        if ref.prefix or ref.suffix or slot_list is None:
            raise _Unindexable(ref.list_name)
        if isinstance(slot_list, RangeSlotList):  # digits are let through separately
            return self._memo(ref.list_name, lambda: {
                _NUMBER, *_number_words(self.language, slot_list)}, self.lists)
        if isinstance(slot_list, TextSlotList):
            return self._memo(ref.list_name, lambda: set().union(
                *(self.of(value.text_in) for value in slot_list.values)), self.lists)
        raise _Unindexable(ref.list_name)  # wildcards take any word

    @staticmethod
    def _memo(key: str, build: Callable[[], set[str]],
              memo: dict[str, frozenset[str]]) -> frozenset[str]:
        if key not in memo:
            memo[key] = frozenset(build())
        return memo[key]


def _either(options: Iterable[_Clauses]) -> _Clauses:
    """What one of several alternatives needs: a word of the smallest clause of each."""
    words: set[str] = set()
    for clauses in options:
        if not clauses:
            return frozenset()  # an alternative that needs nothing (an optional part)
        smallest: frozenset[str] = min(clauses, key=len)
        words.update(smallest)
    return frozenset([frozenset(words)])


def _check_word_boundaries(items: list[Expression]) -> None:
    """Two parts with no space between them make one word ("calf[s]"): not indexable."""
    parts = [item for item in items if not (isinstance(item, TextChunk) and item.is_empty)]
    for left, right in zip(parts, parts[1:], strict=False):
        if not (_spaced(left, end=True) or _spaced(right, end=False)):
            raise _Unindexable("glued")


def _spaced(item: Expression, end: bool) -> bool:
    if not isinstance(item, TextChunk):
        return False
    return (item.text[-1] if end else item.text[0]).isspace()


def _number_words(language: str, numbers: RangeSlotList) -> set[str]:
    """Every word the range list may match as a spelt-out number (hassil reads them too)."""
    if (numbers.stop - numbers.start) // max(1, numbers.step) > _MAX_NUMBERS:
        raise _Unindexable("range too long to spell out")
    try:
        engine = get_rbnf_engine(language)
    except Exception as error:  # no number words for this language: judge nothing
        raise _Unindexable(language) from error
    words: set[str] = set()
    for number in numbers.get_numbers():
        for text in engine.format_number(number).text_by_ruleset.values():
            words.update(re.split(r"[\s\-_]+", text.casefold()))
    return {w for w in words if w}


class TemplateIndex:
    """hassil's recognize_best over only the templates whose words cover the input's words.

    hassil tries every template whose literal fragments occur in the text; on a line of 8-12
    words that is ~90 templates and 10-40 ms. A template can only match when every word of the
    text (skip words aside) is one it can produce, so a bitmask per word narrows the set first.
    The result is the same as hassil's over all templates (tests/test_template_index.py)."""

    def __init__(self, intents: Intents, language: str, cache: IndexCache | None = None) -> None:
        self.intents = intents
        self.language = language
        self._skip = frozenset(w for p in intents.skip_words for w in str(p).casefold().split())
        self._enabled = not intents.settings.ignore_whitespace
        found = cache.load() if cache is not None else None
        built = found or self._build()
        if cache is not None and found is None:
            cache.save(built)
        self._blocks = built.blocks
        self._masks = built.masks
        self._needs = built.needs
        self._always = built.always
        self._numbers = built.numbers
        self._all = (1 << len(self._blocks)) - 1
        self._subset = lru_cache(maxsize=512)(self._build_subset)
        self.recognize = lru_cache(maxsize=2048)(self._recognize)

    def _build(self) -> IndexData:
        """Walk every template's expression (~0.3-0.5 s for English: the cache saves it)."""
        data = IndexData([], {}, [], 0, 0)
        lists: dict[str, frozenset[str]] = {}
        for bit, (name, d, s, words, needs) in enumerate(self._templates(lists)):
            data.blocks.append((name, d, s))
            data.needs.append(needs)
            if words is None:
                data.always |= 1 << bit
                continue
            for word in words:
                data.masks[word] = data.masks.get(word, 0) | 1 << bit
            if _NUMBER in words:
                data.numbers |= 1 << bit
        return data

    def _templates(self, lists: dict[str, frozenset[str]]) -> Iterator[
            tuple[str, int, int, frozenset[str] | None, _Clauses]]:
        shared = _Vocabulary(self.intents, self.intents.expansion_rules, self.language, lists)
        for name, intent in self.intents.intents.items():
            for d, data in enumerate(intent.data):
                vocabulary = shared if not data.expansion_rules else _Vocabulary(
                    self.intents, {**self.intents.expansion_rules, **data.expansion_rules},
                    self.language, lists)
                for s, sentence in enumerate(data.sentences):
                    try:
                        if data.slot_lists:  # lists of its own: not worth indexing
                            raise _Unindexable(name)
                        words = frozenset(vocabulary.of(sentence.expression))
                    except _Unindexable:
                        yield name, d, s, None, frozenset()
                        continue
                    yield name, d, s, words, vocabulary.needs(sentence.expression)

    def candidates(self, text: str) -> int:
        """Bitmask of the templates that could match `text`."""
        words = text.casefold().split()
        if not self._enabled or not all(_PLAIN.fullmatch(w) for w in words):
            return self._all
        mask = self._all
        for word in words:
            if word in self._skip:
                continue
            mask &= self._masks.get(word, 0) | (self._numbers if word.isdigit() else 0)
        return self._with_needed_words(mask & ~self._always, set(words)) | self._always

    def _with_needed_words(self, mask: int, heard: set[str]) -> int:
        """The templates of `mask` whose every clause of needed words has one heard."""
        kept = 0
        while mask:
            low = mask & -mask
            mask ^= low
            if all(not clause.isdisjoint(heard) for clause in self._needs[low.bit_length() - 1]):
                kept |= low
        return kept

    def _recognize(self, text: str) -> RecognizeResult | None:
        mask = self.candidates(text)
        if not mask:
            return None
        return recognize_best(text, self._subset(mask), language=self.language)

    def _build_subset(self, mask: int) -> Intents:
        """The templates of `mask` as an Intents; hassil ranks them as it ranks them all."""
        if mask == self._all:
            return self.intents
        kept: dict[tuple[str, int], list[int]] = {}
        for bit, (name, d, s) in enumerate(self._blocks):
            if mask >> bit & 1:
                kept.setdefault((name, d), []).append(s)
        intents: dict[str, Intent] = {}
        for (name, d), positions in kept.items():
            data = copy.copy(self.intents.intents[name].data[d])
            sentences = self.intents.intents[name].data[d].sentences
            data.__dict__["sentences"] = [sentences[s] for s in positions]  # a cached_property
            intents.setdefault(name, Intent(name, [])).data.append(data)
        return Intents(self.intents.language, intents, self.intents.slot_lists,
                       self.intents.expansion_rules, self.intents.skip_words, self.intents.settings)
