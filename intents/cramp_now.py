"""The 'a cramp now' concept: a leg cramp happening as the person speaks, whatever the wording."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from intents.pack_lists import section_pairs as _pairs
from intents.pack_lists import section_words as _words
from intents.real_words import is_real, real_word_sources

__all__ = ["CrampNow"]


def _phrases(section: Mapping[str, Any], key: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(str(p).split()) for p in section.get(key) or [])


@dataclass(frozen=True)
class CrampNow:
    """The `cramp_now:` section of pack.yaml, as a detector over normalised words.

    A line is a cramp now when it names a cramp ("cramping", "charley horse", "spasm"), or a leg
    part together with a cramp state ("my calf is rock hard", "my toes are clawed"), and it is
    not a question, not negated or over, not habitual or past, and not a cramp elsewhere
    ("period cramps", "a cramped flat"). Deliberately narrow: it decides only when every other
    layer found nothing, and a person in pain must not be met with silence."""

    cramps: frozenset[str]
    """Words that name a cramp now on their own ("cramping", "spasm")."""
    cramp_pairs: frozenset[tuple[str, str]]
    """Two words that do ("charley horse"; "charlie" alone is a name)."""
    legs: frozenset[str]
    """Leg parts; a cramp state needs one, and one outweighs an `elsewhere` word."""
    states: frozenset[str]
    """What a cramping muscle does ("seized", "knotted", "cramps"); only with a leg part."""
    state_pairs: frozenset[tuple[str, str]]
    """Two-word states ("rock hard", "locked up"), also only with a leg part."""
    pains: frozenset[str]
    """Pain as a cramp is told ("exploded", "agony"), also only with a leg part."""
    elsewhere: frozenset[str]
    """A cramp off the legs or not a muscle at all ("stomach", "period", "style")."""
    near_elsewhere: frozenset[str]
    """The same within three words of the cramp ("cramp in my side"), as these words have
    other senses ("the side of the road", "it is back")."""
    things: frozenset[str]
    """What else can be tight or stuck on a leg ("shoes", "jeans"): a state then says nothing."""
    others: frozenset[str]
    """An animal's or a thing's leg, or no leg at all ("the cat", "the table", "my schedule")."""
    questions: frozenset[str]
    """First words of a question: a question about cramps is not a cramp now."""
    over: frozenset[str]
    """Ended or not now ("stopped", "yesterday", "usually")."""
    becoming: frozenset[str] = frozenset()
    """`over` words that, a word or two before a state, say the muscle became it ("gone solid",
    "gone completely rigid"): not over then."""
    negators: frozenset[str] = frozenset()
    """Deny a cramp word or state shortly after them ("not cramping", "no more spasms")."""
    spelling_cutoff: float = 0.84
    """Character similarity for reading a misspelt or misheard word as a cramp or leg word."""
    known: frozenset[str] = frozenset()
    """Real words (of the templates and the everyday negatives): never read as a misspelling
    ("camping" is not "cramping")."""
    symptoms: frozenset[str] = frozenset()
    """Other words of a symptom ("sore", "aching", "swollen"): a question with none of them, no
    cramp word, state or pain asks about something else ("can i take this when pregnant")."""
    news: frozenset[str] = frozenset()
    """Words of a match report or the news ("who won", "the score"): with no word of the user's
    own (`owners`), a cramp then is a player's, not the user's."""
    owners: frozenset[str] = frozenset()
    """Words of the user's own or their family's ("my", "i", "we")."""
    machines: frozenset[str] = frozenset()
    """Machines and devices, which lock up and seize: with no leg part and no cramp word, the
    state is theirs ("the server locked up again")."""
    gave_way: frozenset[str] = frozenset()
    """A leg part giving way ("my calf's gone", "my leg just went"): a state, placed as below."""
    gave_way_links: frozenset[str] = frozenset()
    """Words between the leg part and `gave_way` ("has", "just")."""
    gave_way_tails: tuple[tuple[str, ...], ...] = ()
    """What may follow `gave_way` ("again", "on me"); else only the end of the line ("gone to
    sleep", "went last week" are no cramp)."""
    returning: tuple[tuple[str, ...], ...] = ()
    """A cramp back after it ended ("came back", "is back"), after an `ended` word."""
    ended: frozenset[str] = frozenset()
    """A cramp ending ("went", "eased"), said of an `ended_subjects` word or a leg part."""
    ended_subjects: frozenset[str] = frozenset()
    """What ends as a cramp does ("it", "the pain"): not "the wifi went"."""
    aches: frozenset[str] = frozenset()
    """Soreness ("sore", "aching", "stiff"): told alone, muscles that ache, not a cramp now."""
    idioms: tuple[tuple[str, ...], ...] = ()
    """Sayings with a leg in them ("pulling my leg"): with no cramp word, no cramp at all."""
    kinds: Mapping[str, str] = field(default_factory=dict, compare=False)
    """Leg part -> cramp kind ("hamstring": cramp.thigh): the kind when only one is named and
    the semantic head is not sure of one."""
    real_words: tuple[Callable[[], frozenset[str]], ...] = ()
    """Word lists read only when a word would be corrected: a real English word is never a
    slip of a cramp or leg word ("cramming" is not "cramping")."""
    _spellings: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    """_spelt's answers: each check below spells the same words of a line again."""

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any],
                  known: frozenset[str] = frozenset()) -> CrampNow | None:
        """None for a pack without a `cramp_now:` section (the detector is off there)."""
        section = meta.get("cramp_now")
        if not section:
            return None
        return cls(_words(section, "cramps"), _pairs(section, "cramp_pairs"),
                   _words(section, "legs"), _words(section, "states"),
                   _pairs(section, "state_pairs"), _words(section, "pains"),
                   _words(section, "elsewhere"),
                   _words(section, "near_elsewhere"),
                   _words(section, "things"), _words(section, "others"),
                   _words(section, "questions"), _words(section, "over"),
                   negators=_words(section, "negators"), becoming=_words(section, "becoming"),
                   symptoms=_words(section, "symptoms"),
                   spelling_cutoff=float(section.get("spelling_cutoff", 0.84)), known=known,
                   news=_words(section, "news"), owners=_words(section, "owners"),
                   machines=_words(section, "machines"),
                   gave_way=_words(section, "gave_way"),
                   gave_way_links=_words(section, "gave_way_links"),
                   gave_way_tails=_phrases(section, "gave_way_tails"),
                   returning=_phrases(section, "returning"), ended=_words(section, "ended"),
                   ended_subjects=_words(section, "ended_subjects"),
                   aches=_words(section, "aches"), idioms=_phrases(section, "idioms"),
                   kinds={str(part): str(kind) for kind, parts in
                          (section.get("kinds") or {}).items() for part in parts},
                   real_words=real_word_sources(section.get("real_words"), "cramp_now"))

    def __call__(self, words: list[str]) -> bool:
        """Whether these normalised words tell of a leg cramp happening now."""
        if not self.plain(words):
            return False
        fixed = [self._spelt(w) for w in words]
        heard = set(fixed)
        pairs = set(zip(fixed, fixed[1:], strict=False))
        named = {w for pair in pairs & self.cramp_pairs for w in pair}  # "charley horse"
        if {w.removesuffix("'s") for w in heard - named} & self.others:
            return False
        leg = bool(heard & self.legs)
        if (heard & self.elsewhere or self._near_elsewhere(fixed)) and not leg:
            return False
        if heard & self.cramps or named:
            return True
        stated = bool(heard & (self.states | self.pains) or pairs & self.state_pairs
                      or self._gave_way(fixed))
        return leg and stated and not {w.removesuffix("'s") for w in heard} & self.things

    def off_topic(self, words: list[str], leg_counts: bool, referred: bool = False) -> bool:
        """Not about a leg cramp, for an answer no template gave: a cramp said of somewhere else
        with no leg part ("writer's cramp", "period cramps"), a player's cramp in a match report,
        a machine's state, or a question with no cramp, pain
        or symptom in it (and, unless `leg_counts`, none however a leg is named: "what is the
        bone in the thigh called"); `referred`: a question the semantic layer placed on topic by
        a pronoun or a remedy word ("when should i get it checked") is not asked of something
        else."""
        fixed = [self._spelt(w) for w in words]
        heard = {w.removesuffix("'s") for w in fixed} | set(fixed)
        leg = bool(heard & self.legs)
        cramp = bool(heard & (self.cramps | {"cramps", "cramped"}))
        if cramp and not leg and heard & self.elsewhere:
            return True
        if not cramp and any(tuple(fixed[i:i + len(p)]) == p
                             for p in self.idioms for i in range(len(fixed))):
            return True  # "he's pulling my leg"
        if heard & self.news and not heard & self.owners:
            return True  # "he went down with cramp, what was the result"
        if not cramp and (heard & self.things or not leg and heard & self.machines):
            return True  # "my knee brace is too tight", "the server locked up again"
        # "will not go away", "do not know why": a statement, not a question
        asked = fixed[0] in self.questions and fixed[1:2] != ["not"] if fixed else False
        return asked and not self._told(fixed) and not (leg and leg_counts) and not referred

    def told(self, words: list[str]) -> bool:
        """Names a cramp, a cramp state, a pain or another symptom ("fix the bed leg" does not)."""
        return self._told([self._spelt(w) for w in words])

    def _told(self, fixed: list[str]) -> bool:
        heard = {w.removesuffix("'s") for w in fixed} | set(fixed)
        pairs = set(zip(fixed, fixed[1:], strict=False))
        return bool(heard & (self.cramps | self.states | self.pains | self.symptoms)
                    or pairs & (self.state_pairs | self.cramp_pairs) or self._gave_way(fixed))

    def aches_only(self, words: list[str]) -> bool:
        """Soreness is all that is told: no cramp word, state or other pain ("i am sore all
        over after the gym", "my legs ache after the run")."""
        fixed = [self._spelt(w) for w in words]
        heard = {w.removesuffix("'s") for w in fixed} | set(fixed)
        return bool(heard & self.aches) and not self._told(
            [w for w in fixed if w not in self.aches])

    def gave_way_now(self, words: list[str]) -> bool:
        """A cramp now told as a leg part giving way ("my calf has just gone")."""
        return self(words) and bool(self._gave_way([self._spelt(w) for w in words]))

    def kind(self, words: list[str]) -> str | None:
        """The one cramp kind the leg parts named point to ("my toes have gone": cramp.foot)."""
        named = {self.kinds[w] for w in map(self._spelt, words) if w in self.kinds}
        return named.pop() if len(named) == 1 else None

    def returned(self, words: list[str]) -> bool:
        """A cramp that ended and is back ("it went and now it is back again", "my calf eased
        off then it came back"): not a question, a denial, or something else's coming back."""
        if not words or words[0] in self.questions:
            return False
        fixed = [self._spelt(w) for w in words]
        heard = {w.removesuffix("'s") for w in fixed} | set(fixed)
        if heard & (self.others | self.machines | self.things | self.elsewhere | self.news):
            return False
        subjects = self.ended_subjects | self.legs | self.cramps
        ends = [i for i, w in enumerate(fixed)
                if w in self.ended and subjects.intersection(fixed[max(0, i - 2):i])]
        return any(tuple(fixed[j:j + len(p)]) == p and ends[0] < j
                   and not self.negators.intersection(fixed[max(0, j - 2):j])
                   for p in self.returning for j in range(len(fixed))) if ends else False

    def plain(self, words: list[str]) -> bool:
        """Told as happening now: not a question, not denied, over, habitual or past."""
        if not words or words[0] in self.questions:
            return False
        fixed = [self._spelt(w) for w in words]
        states = self.states | self.pains
        gave_way = self._gave_way(fixed)
        over = {w for i, w in enumerate(fixed) if w in self.over and i not in gave_way
                and not (w in self.becoming and states.intersection(fixed[i + 1:i + 3]))}
        return not (over or self._negated(fixed))

    def _gave_way(self, fixed: list[str]) -> set[int]:
        """Where a leg part gives way: "my calf has just gone", "my leg just went on me"."""
        found = set()
        for i, word in enumerate(fixed):
            if word not in self.gave_way:
                continue
            j = i - 1
            while j >= 0 and i - j <= 3 and fixed[j] in self.gave_way_links:
                j -= 1
            rest = tuple(fixed[i + 1:])
            if j >= 0 and fixed[j] in self.legs and (not rest or any(
                    rest[:len(tail)] == tail for tail in self.gave_way_tails)):
                found.add(i)
        return found

    def _near_elsewhere(self, words: list[str]) -> bool:
        told = self.cramps | self.states
        return any(w in told and self.near_elsewhere.intersection(words[max(0, i - 3):i + 4])
                   for i, w in enumerate(words))

    def _negated(self, words: list[str]) -> bool:
        """"not cramping", "i do not have a cramp", "no more spasms"; a "no" that opens the
        line ("oh no, my calf") denies nothing."""
        told = self.cramps | self.states
        return any(w in self.negators and (i > 0 or w != "no") and told.intersection(
            words[i + 1:i + 4]) for i, w in enumerate(words))

    def _spelt(self, word: str) -> str:
        """A close spelling of a cramp or leg word ("crampin", "hamstrng"), else the word
        itself. Short words and real words are left alone, and so are states: "uncurled" is
        not "curled"."""
        if word not in self._spellings:
            self._spellings[word] = self._closest(word)
        return self._spellings[word]

    def _closest(self, word: str) -> str:
        ours = self.cramps | self.legs | {"cramps", "cramped"}
        if len(word) < 5 or word in ours or word in self.known:
            return word
        close = difflib.get_close_matches(word, ours, n=1, cutoff=self.spelling_cutoff)
        if not close or is_real(word, self.real_words):
            return word
        return close[0]
