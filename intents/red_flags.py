"""Red-flag detector: danger-sign concepts found anywhere in a line, combined into a level."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any

from intents.language import LanguagePack, PackError, read_pack_yaml
from intents.normalize import Normalizer
from intents.real_words import is_real, real_word_sources
from intents.red_flag_clauses import Gap
from intents.red_flag_context import Referents
from intents.red_flag_data import (
    LEVELS,
    RANK,
    Concept,
    Term,
    all_terms,
    check_level,
    parse_concept,
    parse_lexicons,
    parse_rule,
    template_words_of,
)
from intents.red_flag_meta import detector_meta
from intents.red_flag_slips import LegSlips
from intents.red_flag_spelling import ShortSlips, Speller

__all__ = ["LEVELS", "RedFlag", "RedFlagDetector"]


@dataclass(frozen=True)
class RedFlag:
    level: str
    """'emergency', 'urgent' or 'doctor'."""
    concepts: tuple[str, ...]
    """The concepts of the rule that decided the level, e.g. ('chest',) or ('swelling',)."""
    slots: Mapping[str, str]
    """Slots for safety.red_flag: level, and side / who when heard."""


class RedFlagDetector:
    """Finds danger-sign concepts in any word order, with negation and spelling tolerance."""

    def __init__(self, data: Mapping[str, Any], normalize: Normalizer,
                 known_words: Iterable[str] = (), spelling_cutoff: float = 0.84) -> None:
        self.normalize = normalize
        self.substring = data.get("match") == "substring"
        self.default_level = check_level(data.get("default_level", "emergency"), "default_level")
        self.negators = frozenset(str(w) for w in data.get("negators") or [])
        self.negators_after = tuple(str(w) for w in data.get("negators_after") or [])
        self.negation_after_window = int(data.get("negation_after_window", 2))
        self.not_negating = tuple(Term.parse(t) for t in data.get("not_negating") or [])
        self.breaks = frozenset(str(w) for w in data.get("negation_breaks") or [])
        self.negation_window = int(data.get("negation_window", 3))
        self.phrase_opens = frozenset(str(w) for w in data.get("negation_phrase_opens") or [])
        self.gap = Gap.from_data(data)
        self.clause_starts = frozenset(str(w) for w in data.get("clause_starts") or [])
        self.answers = tuple(Term.parse(t) for t in data.get("answers") or [])
        self.denials = frozenset(str(c) for c in data.get("denials") or [])
        self.alone_words = frozenset(str(w) for w in data.get("alone_words") or [])
        self.leg_slips = LegSlips.from_data(data.get("leg_slips"))
        lexicons = parse_lexicons(data.get("lexicons"))
        self.concepts = tuple(parse_concept(n, b, lexicons)
                              for n, b in (data.get("concepts") or {}).items())
        self.rules = tuple(parse_rule(r) for r in data.get("rules") or [])
        # a rule's level is not used here: any of these firing means the line reports no sign
        self.not_reports = tuple(parse_rule({"level": LEVELS[-1], **r})
                                 for r in data.get("not_reports") or [])
        self.side = {str(k): str(v) for k, v in (data.get("side") or {}).items()}
        self.side_body = frozenset(str(w) for w in data.get("side_body") or [])
        self.who = {str(w): str(who) for who, words in (data.get("who") or {}).items()
                    for w in words}
        alternatives = {w for c in self.concepts for t in all_terms(c) for alts in t.words
                        for w in alts}
        lexicon = {w for w in alternatives if not w.endswith("*") and not w.startswith("#")}
        stems = tuple(sorted(w[:-1] for w in alternatives if w.endswith("*") and w != "*"))
        self.not_signs = tuple(Term.parse(t) for t in data.get("not_signs") or [])
        # a word of a thing's name is a real word, whatever the word lists say: never a slip
        # ("my wifi keeps collapsing" is no "wife"; three letters are ShortSlips', by place)
        named = {w for t in self.not_signs for alts in t.words for w in alts
                 if w.isalpha() and len(w) > 3}
        known = frozenset(known_words) | frozenset(data.get("known_words") or []) | named
        # read only when a word would be corrected: each list takes ~0.3 s to load
        real_words = real_word_sources(data.get("real_words"), "red_flags")
        self.correct = Speller(lexicon, stems, known, real_words, spelling_cutoff,
                               [str(w) for w in data.get("derived_from") or []],
                               ShortSlips.parse(data.get("short_slips"), self.side_body),
                               normalize.contractions)
        every = [t for c in self.concepts for t in all_terms(c)]
        self._patterns = {t: (t.compile(self.substring), t.needles(self.substring))
                          for t in every + [*self.not_negating, *self.answers, *self.not_signs]}
        # a sign word said alone ("hard", "weird") describes a noun: it names no thing itself
        signs = {w for c in self.concepts if c.hint for t in all_terms(c) if len(t.words) == 1
                 for w in t.words[0]}
        self.context = Referents.from_data(data.get("context"), signs,
                                           lambda word: is_real(word, real_words))
        names = {c.name for c in self.concepts}
        for where, used in [*((f"rule {r}", {*r.all, *r.any, *r.none})
                              for r in self.rules + self.not_reports),
                            ("context", self.context.concepts()), ("denials", self.denials)]:
            if used - names:
                raise PackError(f"red_flags {where}: unknown concepts {sorted(used - names)}")

    @classmethod
    def from_pack(cls, pack: LanguagePack, known_words: Iterable[str] = ()) -> RedFlagDetector:
        """The detector of intents/<lang>/red_flags.yaml; an empty one when the pack has none."""
        path = pack.directory / "red_flags.yaml"
        data: Mapping[str, Any] = {}
        if path.exists():
            data = read_pack_yaml(path)
        cutoff = float((pack.meta.get("fuzzy") or {}).get("spelling_cutoff", 0.84))
        known = set(known_words) or template_words_of(pack)
        return cls(data, Normalizer.from_meta(detector_meta(pack.meta, data)), known, cutoff)

    def detect(self, text: str) -> RedFlag | None:
        """The most serious level any rule gives for `text`, or None when no rule fires."""
        words = self._words(text)
        found = self.concepts_in(words)
        fired = [r for r in self.rules if r.fires(found)]
        if not fired or self._not_a_report(found):
            return None
        best = min(fired, key=lambda r: RANK[r.level])
        concepts = tuple(sorted(set(best.all) | (found & set(best.any))))
        return RedFlag(best.level, concepts, self._slots(best.level, words))

    def level_for(self, text: str) -> str:
        """A level for a line another layer already judged a red flag: the rules' level, else the
        most serious hint of the concepts heard, else default_level (unsure: the higher one)."""
        flag = self.detect(text)
        if flag is not None:
            return flag.level
        found = self.found_in(text)
        hints = [c.hint for c in self.concepts if c.hint and c.name in found]
        return min(hints, key=RANK.__getitem__) if hints else self.default_level

    def slots_for(self, text: str, level: str) -> dict[str, str]:
        """Slots for safety.red_flag at `level`: level, plus side / who when heard."""
        return dict(self._slots(level, self._words(text)))

    def found_in(self, text: str) -> set[str]:
        """Names of the concepts heard in `text` (for tests and for combining with other layers)."""
        return self.concepts_in(self._words(text))

    def only_negated(self, text: str) -> bool:
        """Danger signs heard only as denied ("my calf is not swollen", "no chest pain") or ruled
        out ("my chest is fine"): another layer's red flag for this line is a false alarm."""
        words = self._words(text)
        found = self.concepts_in(words)
        denied = self.concepts_in(words, negation=False) - found
        signs = {c.name for c in self.concepts if c.hint}
        if self._not_a_report(found):
            return True
        return bool(denied & signs or found & self.denials) and not found & signs

    def _not_a_report(self, found: set[str]) -> bool:
        """Asked about a sign in general ("when should i worry about swelling")."""
        return any(r.fires(found) for r in self.not_reports)

    def concepts_in(self, words: Sequence[str], negation: bool = True) -> set[str]:
        return {c.name for c in self.concepts if self._has(c, words, negation)}

    # -- matching

    def _words(self, text: str) -> list[str]:
        words = self._unsign(self.leg_slips.line(
            self.normalize(text).split() if isinstance(text, str) else []))
        # a thing's name is found as said, before any of its words is read as a slip
        return words if self.substring else self._unsign(self.correct.line(words))

    def _unsign(self, words: list[str]) -> list[str]:
        """The words of a phrase naming a thing, a title or a feeling ("a light fitting") become
        "_", which no concept has ("*" alone, any word, is no stem): the rest is still heard."""
        for term in self.not_signs:
            for start, end in self._hits(term, words):
                words[start:end] = ["_"] * (end - start)
        return words

    def _has(self, concept: Concept, words: Sequence[str], negation: bool = True) -> bool:
        for term in concept.terms:
            for start, end in self._hits(term, words):
                if self._usable(concept, words, start, end, (), negation):
                    return True
        for groups in concept.near:
            hits = [[h for t in group for h in self._hits(t, words)] for group in groups]
            for combo in product(*hits):
                start = min(s for s, _ in combo)
                end = max(e for _, e in combo)
                inside = {i for s, e in combo for i in range(s, e)}
                # at most window - 1 words between the phrases, however long the phrases are;
                # list words do not count: "full and heavy and hot" is as near as "heavy hot"
                between = words[min(e for _, e in combo):max(s for s, _ in combo)]
                gap = self.gap(between)
                # each phrase has its own next words: "a hot day and my calf" is no warmth
                followed = any(self._followed(concept, words, e) for _, e in combo)
                if gap < concept.window and not followed and self._usable(
                        concept, words, start, end, inside, negation):
                    return True
        return False

    def _hits(self, term: Term, words: Sequence[str]) -> list[tuple[int, int]]:
        """(first word, after last word) of every place `term` occurs; a regex over the joined
        words finds candidates (overlapping ones too), each then checked word by word."""
        pattern, needles = self._patterns[term]
        text = " ".join(words)
        if needles and not any(needle in text for needle in needles):
            return []  # its first word cannot be here: no regex run (most terms, most lines)
        size = len(term.words)
        hits = []
        for found in pattern.finditer(text):
            i = text.count(" ", 0, found.start())
            if all(self._word_matches(alts, w)
                   for alts, w in zip(term.words, words[i:i + size], strict=True)):
                hits.append((i, i + size))
        return hits

    def _word_matches(self, alternatives: tuple[str, ...], word: str) -> bool:
        for alt in alternatives:
            if alt.startswith("#") and alt.endswith("+"):
                if word.isdigit() and int(word) >= int(alt[1:-1]):
                    return True
            elif self.substring:
                if alt.rstrip("*") in word:
                    return True
            elif alt.endswith("*"):
                if word.startswith(alt[:-1]):
                    return True
            elif word == alt:
                return True
        return False

    @staticmethod
    def _followed(concept: Concept, words: Sequence[str], end: int) -> bool:
        """A word of unless_next in the two words after a hit, before any of its next_stops."""
        ahead = list(words[end:end + 2])
        stops = [i for i, w in enumerate(ahead) if w in concept.next_stops]
        return bool(concept.unless_next.intersection(ahead[:stops[0]] if stops else ahead))

    def _usable(self, concept: Concept, words: Sequence[str], start: int, end: int,
                inside: Iterable[int], negation: bool) -> bool:
        if self._followed(concept, words, end):
            return False
        if concept.alone and not all(w in self.alone_words or w.isdigit()
                                     for w in [*words[:start], *words[end:]]):
            return False  # a frequency of something else: "i go running five nights out of seven"
        if self.context.voids(concept.name, words, start, end):
            return False  # said of a thing, an animal, another part (intents/red_flag_context.py)
        if concept.unless_before.intersection(words[max(0, start - 2):start]):
            return False
        inside = set(inside) or set(range(start, end))
        return not negation or not self._negated(words, start, end, inside)

    def _negated(self, words: Sequence[str], start: int, end: int, inside: set[int]) -> bool:
        """A negator shortly before the hit (no clause break between) or between its words:
        "no chest pain", "not swollen or red", "my chest does not hurt"."""
        # a hit that opens a clause ("since the cramp") or a sign word in a noun phrase ("will
        # not fit on THE swollen foot", not "not the swollen one") is past a negator before it
        past = words[start] in self.breaks or start > 1 and words[start - 1] in self.phrase_opens \
            and words[start] in self.context.adjectives and words[start - 2] not in self.negators
        for i in range(-1 if past else start - 1, max(-1, start - 1 - self.negation_window), -1):
            if words[i] in self.breaks:
                break
            if self._is_negator(words, i):
                return True
        if any(self._is_negator(words, i) for i in range(start, end) if i not in inside):
            return True
        after = " ".join(words[end:end + self.negation_after_window])
        return any(n in after for n in self.negators_after)

    def _is_negator(self, words: Sequence[str], i: int) -> bool:
        if words[i] not in self.negators:
            return False
        # an answer to a question before a new clause: "no, it is swollen", "not really, my chest"
        for answer in self.answers:
            size = len(answer.words)
            if (self._hits(answer, words[i:i + size])
                    and self.clause_starts.intersection(words[i + size:i + size + 1])):
                return False
        return not any(self._hits(t, words[i:i + len(t.words)]) for t in self.not_negating)

    def _slots(self, level: str, words: Sequence[str]) -> dict[str, str]:
        slots = {"level": level}
        sides = {self.side[w] for i, w in enumerate(words)
                 if w in self.side and self.side_body.intersection(words[i + 1:i + 3])}
        if len(sides) == 1:
            slots["side"] = sides.pop()
        whos = {self.who[w] for w in words if w in self.who}
        if len(whos) == 1:
            slots["who"] = whos.pop()
        return slots

