"""Whose sign is it: a danger word said of a thing, an animal or another part is no leg sign."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from intents.language import PackError
from intents.red_flag_causes import Causes
from intents.red_flag_data import listed_words as _listed

__all__ = ["Referents"]

LEG = "leg"
"""The kind of a part of the leg: a sign said of it, or beside it, is never voided."""
BODY = "body"
"""The kind of a word that may stand for the leg or its sign ("it", "the skin", "the swelling"):
as a subject it keeps the sign; inside a sign's own words it names no referent."""
THING = "thing"
ANIMAL = "animal"
OTHER_BODY = "other_body"
PERSON = "person"
"""The kind of a noun no list names: by its place (after "the", "my", "a") it is a noun, and a
noun that is no body part, person or animal is a thing ("the charger", "my password")."""
_SIDES = frozenset({"back", "front", "hind", "left", "right", "lower", "upper"})
"""Words between an owner and its leg part: "the dog's BACK legs" are still the dog's."""
_PARTS = frozenset({"of", "on"})
"""Prepositions after a leg word that make it a part of a thing: "the knee OF my jeans", "the
heel ON my shoe snapped" (a garment's heel or knee, not the speaker's)."""
_MAX_NOUN_PHRASE = 4
"""Words of a noun phrase before its verb ("my mum's old phone"); longer is no phrase."""


@dataclass(frozen=True)
class Referents:
    """The `context:` section of red_flags.yaml: what a sign word is said of, found by position.

    The subject of the sign's clause is the noun phrase before its verb ("the tin IS swollen",
    "my laptop froze and WILL NOT respond"); failing that, the phrase the sign word governs
    ("a lump OF ginger", "tore MY JEANS", "the PUFFY jacket", "not responding TO MY EMAILS").
    The phrase's head word has a kind (leg, person, animal, other body part; any other noun is a
    thing), and each concept names the kinds that void it."""

    kinds: Mapping[str, str]
    determiners: frozenset[str]
    definite: frozenset[str]
    """Determiners that open a subject before a verb-like sign word ("the cable snapped")."""
    verbs: frozenset[str]
    """Linking verbs, auxiliaries and adverbs between a subject and its sign word."""
    stops: frozenset[str]
    """Words that end a noun phrase (prepositions, conjunctions, pronouns, verbs)."""
    joins: frozenset[str]
    """Words that join two verbs of one subject ("froze and will not respond")."""
    governs: frozenset[str]
    """Prepositions after a sign word whose object is what the sign is of ("a lump of ...")."""
    places: frozenset[str]
    """Prepositions of place, read only when the line names no subject ("a dark patch on ...")."""
    placed: frozenset[str]
    """Concepts a place word locates ("a red patch on the carpet"; not "passed out in the bath")."""
    subject_only: frozenset[str]
    """Concepts whose object is where, not what ("fell off the ladder" is a fall)."""
    voided: Mapping[str, frozenset[str]]
    """concept -> the kinds of referent that make it no sign."""
    media: frozenset[str] = frozenset()
    """First words of a request to play something: its signs are a title ("play numb by ...")."""
    first_person: frozenset[str] = frozenset()
    """Words of a report of one's own ("my", "i"): a request to play that has them is read."""
    history: tuple[tuple[str, ...], ...] = ()
    """Phrases of a time long past ("last year"): an event then (a fall, a seizure) is history."""
    events: frozenset[str] = frozenset()
    """Concepts that are events, voided by a history phrase in the line."""
    adjectives: frozenset[str] = frozenset()
    """Sign words: before a sign word they describe it ("a hard cord"), they are no subject."""
    real: Callable[[str], bool] = lambda word: True
    """Whether a word is a real English word: a slip ("my clf") is no thing, it may be a leg."""
    causes: Causes = Causes()
    """Harmless causes, feelings and forecasts that explain a sign word (red_flag_causes.py)."""
    news: frozenset[str] = frozenset()
    """Words of the news ("in the news"): with no first-person word, a sign is someone else's in
    a report ("the player collapsed on the pitch in the news")."""
    owners: frozenset[str] = frozenset({ANIMAL})
    """Kinds whose word just before a leg part makes the leg theirs, possessive or not ("the
    cow's leg", "the turkey leg", "the footballer's ankle"): the leg is no leg of the speaker's."""
    media_phrases: tuple[tuple[str, ...], ...] = ()
    """Phrases of a request to play or a listing anywhere in the line ("... play it", "is blue
    planet on tonight"): with no "my" or "i", its signs are a title, as after a media word."""

    @classmethod
    def from_data(cls, data: Mapping[str, Any] | None, adjectives: Iterable[str] = (),
                  real: Callable[[str], bool] = lambda word: True) -> Referents:
        data = data or {}
        kinds = {word: str(kind) for kind in (data.get("kinds") or {})
                 for word in _listed(data["kinds"], kind, "kinds ")}
        voided: dict[str, set[str]] = {}
        for kind in data.get("voids") or {}:
            if kind != THING and kind not in set(kinds.values()):
                raise PackError(f"red_flags context voids: unknown kind {kind!r}")
            for concept in _listed(data["voids"], kind, "voids "):
                voided.setdefault(concept, set()).add(str(kind))
        return cls(kinds, _listed(data, "determiners"), _listed(data, "definite"),
                   _listed(data, "verbs"), _listed(data, "stops"), _listed(data, "joins"),
                   _listed(data, "governs"), _listed(data, "places"), _listed(data, "placed"),
                   _listed(data, "subject_only"), {c: frozenset(k) for c, k in voided.items()},
                   _listed(data, "media"), _listed(data, "first_person"),
                   tuple(tuple(p.split()) for p in _listed(data, "history")),
                   _listed(data, "events"), frozenset(adjectives), real,
                   Causes.from_data(data.get("causes")), _listed(data, "news"),
                   _listed(data, "owners") or frozenset({ANIMAL}),
                   tuple(tuple(p.split()) for p in _listed(data, "media_phrases")))

    def concepts(self) -> set[str]:
        return (set(self.voided) | self.placed | self.subject_only | self.events
                | self.causes.concepts())

    def voids(self, concept: str, words: Sequence[str], start: int, end: int) -> bool:
        """Whether the sign of `concept` at words[start:end] is said of a referent that voids it:
        a thing, an animal, another body part, a whole person (per concept)."""
        legs = [w for w in words if self._kind(w) == LEG]
        body_named = bool(legs) or any(self._kind(w) == OTHER_BODY for w in words)
        if (self.causes.explains(concept, words, end)
                or self.causes.a_complexion(concept, words, legs)
                or self.causes.the_weather(concept, words, body_named)):
            return True  # "my legs are red from the sun", "swelling seas tomorrow"
        kinds = self.voided.get(concept)
        if not kinds:
            return False
        # "play drown by bring me the horizon": a "me" after "by" is the artist's
        asked = words[:words.index("by")] if "by" in words else words
        if (words[0] in self.media or self.news.intersection(words)
                or self._said(words, self.media_phrases)) and not (
                self.first_person.intersection(asked)):
            return True
        if concept in self.events and self._said(words, self.history):
            return True
        named = [k for k in map(self._kind, words[start:end]) if k and k != BODY]
        if any(self._owner(words[max(0, i - 2):i + 1]) in kinds for i in range(start, end)
               if self._kind(words[i]) == LEG):
            return True  # "the golfer's knee gave out", "the turkey leg is still pink"
        first = self._kind(words[start])
        subject = first if first not in (None, BODY) else self._subject(words, start)
        if subject == PERSON and self.causes.a_feeling(concept, body_named):
            return True  # "i'm numb with boredom", "my mum went purple with rage"
        if subject == PERSON and self._governed(words, start, end, True) == LEG:
            return False  # "i can feel heat in my calf"
        if subject in kinds and subject != LEG:
            return True  # "the sand is hot on my feet": the feet are where, not what
        if LEG in named:
            return False
        if subject not in (None, PERSON) or concept in self.subject_only:
            return False
        places = subject is None and concept in self.placed
        # or a person's sign on another named part ("a lump on his head"; not "in my groin")
        other = subject == PERSON and concept in self.placed and OTHER_BODY in kinds
        return self._governed(words, start, end, places) in kinds or (
            other and self._governed(words, start, end, True) == OTHER_BODY)

    @staticmethod
    def _said(words: Sequence[str], phrases: Sequence[tuple[str, ...]]) -> bool:
        return any(tuple(words[i:i + len(p)]) == p for p in phrases for i in range(len(words)))

    def _owner(self, phrase: Sequence[str]) -> str | None:
        """The one place the owner of a leg part is found: the owner kind a noun phrase names
        as its owner's possessive ("the cow's leg", "my dog's back legs", "the striker's calf"),
        or just before its leg part, possessive or not, past one side word ("the turkey leg")."""
        for i, word in enumerate(phrase):
            kind = self._kind(word)
            if kind in self.owners and word.endswith("'s"):
                return kind
            if kind == LEG:
                before = [w for w in phrase[max(0, i - 2):i] if w not in _SIDES][-1:]
                owner = self._kind(before[0]) if before else None
                if owner in self.owners:
                    return owner
        return None

    def _kind(self, word: str) -> str | None:
        for form in (word, word[:-2] if word.endswith("'s") else "",
                     word[:-1] if word.endswith("s") and len(word) > 3 else ""):
            if form in self.kinds:
                return self.kinds[form]
        return None

    def _skip_verbs(self, words: Sequence[str], i: int) -> int:
        while i >= 0:
            if words[i] == "to" and i > 0 and words[i - 1] in self.adjectives:
                i -= 2  # the sign said again: "my sourdough is swollen to twice the size"
            elif words[i] in self.verbs or words[i:i + 2] in (["a", "bit"], ["a", "little"]):
                i -= 1  # "the tin is a bit swollen"
            else:
                break
        return i

    def _subject(self, words: Sequence[str], start: int) -> str | None:
        """The kind of the subject of the clause the sign word stands in, when there is one."""
        i = self._skip_verbs(words, start - 1)
        skipped = i < start - 1 or words[start] in self.verbs  # "is black", "went cold"
        if i >= 0 and words[i] in self.determiners and i - 1 >= 0 and words[i - 1] in self.verbs:
            i = self._skip_verbs(words, i - 1)  # the object of a verb: "my kid had a seizure"
            skipped = True
        if i < 0 or words[i] in self.determiners:
            return None  # "a lump", "the swelling": the sign word is the noun
        if words[i] in self.joins:
            return self._clause_subject(words, i)
        kind = self._kind(words[i])
        owner = self._noun_before(words, i, self.determiners) if kind == LEG else None
        if owner in self.owners:
            return owner  # "the cow's leg is swollen", "the footballer's ankle was swollen"
        if kind or skipped:
            return kind or self._noun_before(words, i, self.determiners)
        # a sign word that is a verb: "the cable snapped", "the crowd swelled" (but "a hard
        # cord": after "a" the sign word is the noun)
        return self._noun_before(words, i, self.definite)

    def _clause_subject(self, words: Sequence[str], join: int) -> str | None:
        """One subject for two verbs ("i slipped on the stairs and cannot put weight on it"):
        the person, part or noun phrase that opens the clause before the join word."""
        first = join - 1
        while first > 0 and words[first - 1] not in self.joins:
            first -= 1
        if first < join and self._kind(words[first]):
            return self._kind(words[first])
        if first + 1 < join and words[first] in self.determiners:
            return self._phrase(words[first + 1:first + 2])
        return None  # a clause that opens with its verb has no subject said

    def _noun_before(self, words: Sequence[str], i: int,
                     openers: frozenset[str]) -> str | None:
        """The kind of the noun phrase ending at words[i], when a determiner opens it; a phrase
        that follows a preposition ("the kid in THE POOL is") belongs to the noun before it."""
        k = i
        while k >= 0 and i - k < _MAX_NOUN_PHRASE:
            if words[k] in openers or k < i and self._possessive(words[k]):
                if k >= 2 and words[k - 1] in self.places | self.governs:
                    outer = self._kind(words[k - 2]) or self._noun_before(words, k - 2, openers)
                    inner = self._phrase(words[k + 1:i + 1])
                    if inner == LEG or outer == LEG and inner == THING and words[k - 1] in _PARTS:
                        return inner  # "the back of my leg"; "the knee of my jeans" is cloth
                    if outer:
                        return outer
                return self._phrase(words[k + 1:i + 1])
            if words[k] in self.stops or words[k] in self.verbs:
                return None
            k -= 1
        return None

    def _possessive(self, word: str) -> bool:
        """A name's possessive opens a noun phrase as a determiner does ("england's middle order
        collapsed"); a pronoun's contraction ("it's", "he's") does not."""
        return (word.endswith("'s") and word[:-2] not in self.stops
                and self._kind(word[:-2]) is None)

    def _governed(self, words: Sequence[str], start: int, end: int, places: bool) -> str | None:
        """The kind of the noun phrase the sign word governs: its object ("tore my jeans"), the
        noun it describes ("the puffy jacket") or a preposition's object ("a lump of ginger")."""
        j = end
        if j < len(words) and (words[j] in self.governs or places and words[j] in self.places):
            j += 1
        elif not (j < len(words) and words[j] in self.determiners
                  or words[end - 1] in self.determiners
                  or end - start == 1 and start > 0 and words[start - 1] in self.definite):
            return None
        while j < len(words) and words[j] in self.determiners:
            j += 1
        phrase: list[str] = []
        while j < len(words) and len(phrase) < _MAX_NOUN_PHRASE:
            if phrase and words[j] == "of":  # "the back of my leg": the leg, not the back
                j += 1
                while j < len(words) and words[j] in self.determiners:
                    j += 1
                continue
            if words[j] in self.stops or words[j] in self.verbs:
                break
            phrase.append(words[j])
            j += 1
        return self._phrase(phrase) if phrase else None

    def _phrase(self, phrase: Sequence[str]) -> str | None:
        """A noun phrase naming a leg part anywhere is the leg ("the back of my calf"); else the
        kind of its last word, a thing when no list names it."""
        if not phrase:
            return None
        owner = self._owner(phrase)
        if owner:
            return owner  # "the cow's leg", "my dog's back legs", "the striker's calf"
        kinds = [self._kind(w) for w in phrase]
        if LEG in kinds:
            return LEG
        # the head is the last noun ("my mum's phone", "the neighbours music"); only sign words
        # ("a weird dark colour") name nothing, and a slip ("my clf") may be the leg
        nouns = [w for w in phrase if w not in self.adjectives]
        if not nouns:
            return None
        return self._kind(nouns[-1]) or (None if self._slip(nouns[-1]) else THING)

    def _slip(self, word: str) -> bool:
        """An unknown word close to a leg word ("clf", "thight"): maybe the leg, mistyped."""
        legs = [w for w, k in self.kinds.items() if k == LEG]
        return not self.real(word) and bool(difflib.get_close_matches(word, legs, 1, 0.7))
