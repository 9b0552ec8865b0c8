"""Keyword layer: a cramp told in fragments, as grammar-mode recognition sometimes returns it.

The Korean model often hears "쥐가 났어요" as "에 쥐 났어" or only "났어요": the body part or even
the word for cramp is lost, a particle stands alone. Templates cannot list those fragments, so a
language pack may declare (under `keyword_layer:` in pack.yaml) the units that report a cramp, the
words that mean something else happened, and which words pick a more specific cramp intent. The
layer only ever returns a cramp intent; questions and controls stay with the templates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from intents.pack_lists import section_words as _words

__all__ = ["KeywordLayer", "KeywordRule"]


@dataclass(frozen=True)
class KeywordRule:
    intent: str
    """The cramp intent this rule picks."""
    words: tuple[str, ...]
    """Word starts that pick it ("수영" matches "수영하다가")."""


@dataclass(frozen=True)
class KeywordLayer:
    triggers: frozenset[str]
    """Whole units that report a cramp happening ("났어요", "쥐났어")."""
    veto: tuple[str, ...]
    """Word starts that say something else happened ("화가 났어요": angry); they mute the layer."""
    questions: tuple[str, ...]
    """Word starts of a question ("왜"): a question about cramps is not a cramp now."""
    rules: tuple[KeywordRule, ...]
    """Tried in order; the first whose word is heard wins."""
    default: str
    """The general leg-cramp intent when no rule picks a more specific one."""
    body: tuple[str, ...] = ()
    """Word starts of a leg part ("종아리"): with a cramp word in the same line, a cramp report."""
    cramp_words: frozenset[str] = frozenset()
    """Whole units naming the cramp itself ("쥐", "쥐가"), whatever the verb became."""
    leg_particles: tuple[str, ...] = ()
    """Particles that make a leg part the place or the subject of something ("종아리에")."""
    lost_word_endings: frozenset[str] = frozenset()
    """Lone endings left where recognition lost the words before them ("어요"): after a leg part
    with a particle they report a cramp whose 쥐 was lost ("종아리에 어요")."""
    lead_words: Mapping[str, str] = field(default_factory=dict)
    """A line opening with one of these words is its intent ("다시": control.repeat) when the
    rest names nothing the layer knows (see lead())."""
    lead_word_blockers: tuple[str, ...] = ()
    """Word starts that make a lead-word line something else ("다시 아파요": it hurts again)."""
    misheard_cramp: frozenset[str] = frozenset()
    """Units the small model hears for the cramp word ("아이가" for 쥐가): in a fragment, before
    a lone ending, they report a cramp (see _misheard)."""
    misheard_leg: Mapping[str, str] = field(default_factory=dict)
    """Unit pairs the small model hears for a leg part with its particle ("더 가" for 허벅지가),
    put back when they open a fragment that ends in lone endings."""
    sides: frozenset[str] = frozenset()
    """Side words that may stand in a fragment ("왼", "오른")."""
    cannot_stand: tuple[str, ...] = ()
    """Word starts of "cannot stand / get up": after a leg part with a particle ("오른 종아리가
    서겠어요") the cramp is told by what it does."""
    veto_first: frozenset[str] = frozenset()
    """Units that never open a Korean sentence and stand for other speech there ("후")."""

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any]) -> KeywordLayer | None:
        """The pack's `keyword_layer:` section, or None when the pack has none."""
        section = meta.get("keyword_layer")
        if not section:
            return None
        rules = tuple(KeywordRule(str(r["intent"]), tuple(str(w) for w in r["words"]))
                      for r in section.get("rules") or [])
        return cls(triggers=frozenset(str(w) for w in section.get("triggers") or []),
                   veto=tuple(str(w) for w in section.get("veto") or []),
                   questions=tuple(str(w) for w in section.get("questions") or []),
                   rules=rules, default=str(section.get("default", "cramp.calf")),
                   body=tuple(str(w) for w in section.get("body") or []),
                   cramp_words=frozenset(str(w) for w in section.get("cramp_words") or []),
                   leg_particles=tuple(str(w) for w in section.get("leg_particles") or []),
                   lost_word_endings=frozenset(
                       str(w) for w in section.get("lost_word_endings") or []),
                   lead_words={str(k): str(v)
                               for k, v in (section.get("lead_words") or {}).items()},
                   lead_word_blockers=tuple(
                       str(w) for w in section.get("lead_word_blockers") or []),
                   misheard_cramp=_words(section, "misheard_cramp"),
                   misheard_leg={str(k): str(v)
                                 for k, v in (section.get("misheard_leg") or {}).items()},
                   sides=_words(section, "sides"), veto_first=_words(section, "veto_first"),
                   cannot_stand=tuple(sorted(_words(section, "cannot_stand"))))

    def lead(self, words: list[str]) -> str | None:
        """The intent of a line opened by a lead word whose other words name no cramp, leg part,
        situation, pain, veto or question: "다시 가 이 말해 줘요" (espeak's "다시 한번 말해줘",
        한번 heard as 가) is a repeat; "다시 쥐가 났어요" (a cramp again) is not."""
        if not words or words[0] not in self.lead_words:
            return None
        blocked = (*self.body, *self.cramp_words, *self.triggers, *self.veto, *self.questions,
                   *self.lead_word_blockers, *(w for rule in self.rules for w in rule.words))
        if any(w.startswith(blocked) for w in words[1:]):
            return None
        return self.lead_words[words[0]]

    def answer(self, words: list[str], heard: list[str]) -> str | None:
        """A cramp these words report, else the intent of their lead word (see match, lead);
        nothing for a line opened by a unit of other speech (veto_first)."""
        if words and words[0] in self.veto_first:
            return None
        words, heard = self._leg_put_back(words, heard)
        return self.match(words, heard) or self._misheard(words, heard) or self.lead(words)

    def _leg_put_back(self, words: list[str],
                      heard: list[str]) -> tuple[list[str], list[str]]:
        """"더 가 나요" -> "허벅지가 나요": a misheard leg part opening lost units and endings."""
        for wrong, right in self.misheard_leg.items():
            pair = wrong.split()
            rest = heard[len(pair):]
            if (heard[:len(pair)] == pair and self._lost(rest)
                    and self.lost_word_endings.intersection(rest)):
                if words[:len(pair)] == pair:
                    words = [right, *words[len(pair):]]
                return words, [right, *rest]
        return words, heard

    def _lost(self, words: list[str]) -> bool:
        """Only one-syllable units and lone endings: what recognition makes of lost words."""
        return all(len(w) == 1 or w in self.lost_word_endings for w in words)

    def _misheard(self, words: list[str], heard: list[str]) -> str | None:
        """A misheard cramp word with at most a side and leg part before it and lone endings
        after it: "왼 종아리에 아이가 어요", "요 아이가 어요" (espeak's 쥐 났어요)."""
        spots = [i for i, w in enumerate(heard) if w in self.misheard_cramp]
        if len(spots) != 1:
            return None
        before, after = heard[:spots[0]], heard[spots[0] + 1:]
        if not (self._lost(after) and self.lost_word_endings.intersection(after)):
            return None
        if not all(len(w) == 1 or w in self.sides or w.startswith(self.body) for w in before):
            return None
        return None if self._vetoed(words) else self._pick(words)

    def match(self, words: list[str], heard: list[str] | None = None) -> str | None:
        """The cramp intent these normalised words report, or None; `heard` is the line's words
        before normalisation dropped its lone endings."""
        # the verb is what recognition loses most often; a leg part and the cramp word together
        # still say it ("오른쪽 발에 쥐가 어요")
        leg_and_cramp = (bool(self.body) and any(w.startswith(self.body) for w in words)
                         and bool(self.cramp_words.intersection(words))
                         and not any(w.startswith(self.questions) for w in words))
        if not (self.triggers.intersection(words) or leg_and_cramp
                or self._leg_then_lost_words(heard or [])):
            return None
        return None if self._vetoed(words) else self._pick(words)

    def _vetoed(self, words: list[str]) -> bool:
        """Something else happened, or the line is a question."""
        return any(w.startswith(self.veto) for w in words) or bool(
            words and words[0].startswith(self.questions))

    def _pick(self, words: list[str]) -> str:
        """The first rule's intent whose word is heard, else the general leg cramp."""
        for rule in self.rules:
            if any(w.startswith(rule.words) for w in words):
                return rule.intent
        return self.default

    def _leg_then_lost_words(self, heard: list[str]) -> bool:
        """A leg part with a particle, then a lone ending: "종아리에 어요", "다리가 요 나요"; or a
        leg part with nothing but lost units around it: "이 다리에", "종아리 왼 어요"."""
        if self._leg_among_lost_units(heard):
            return True
        for i, word in enumerate(heard):
            if not (word.startswith(self.body) and word.endswith(self.leg_particles)):
                continue
            for after in heard[i + 1:]:
                if after in self.lost_word_endings or after.startswith(self.cannot_stand):
                    return True
                # lost words come out as one-syllable units ("종아리가 앞 고 어요"); a real word
                # between says what happened instead ("다리에 두드러기가 나요": a rash)
                if len(after) > 1:
                    break
        return False

    def _leg_among_lost_units(self, heard: list[str]) -> bool:
        """One leg part (a whole word, bare or with a particle) and beside it only one-syllable
        units or lone endings: what recognition leaves of "으 다리에 쥐" or "종아리가 땡겨요".
        On 930 Korean dev clips (korean6): 10 cramp clips more, no control or other speech."""
        legs = [w for w in heard if w in self.body or (
            w.endswith(self.leg_particles) and w[:-1] in self.body)]
        others = [w for w in heard if w not in legs]
        if len(legs) != 1 or not (others or legs[0] not in self.body):
            return False
        return all(len(w) == 1 or w in self.lost_word_endings for w in others)
