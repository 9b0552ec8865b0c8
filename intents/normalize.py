"""Turn messy spoken or typed text into the plain lowercase words the templates expect."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Normalizer"]

_NOT_WORD = re.compile(r"[^\w\s']|_")
_LOOSE_APOSTROPHE = re.compile(r"(?<!\w)'|'(?!\w)")
_ELONGATED = re.compile(r"(\D)\1{2,}")
_FILLERS_JOINERS = frozenset({"and"})


def _phrase_pattern(phrases: list[str]) -> re.Pattern[str]:
    alternation = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<![\w'])(?:{alternation})(?![\w'])")


def _glued_pattern(units: list[str]) -> re.Pattern[str] | None:
    """A pattern for a number glued to one of `units` ("40mins"), or None when there are none."""
    if not units:
        return None
    alternation = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
    return re.compile(rf"\b(\d+)({alternation})\b")


def _s_before(words: list[str]) -> re.Pattern[str] | None:
    """A pattern for "'s " followed by one of `words`, or None when there are none."""
    if not words:
        return None
    return re.compile(rf"(?<=\w)'s (?=(?:{'|'.join(map(re.escape, words))})\b)")


def _duration_rule(phrase: str, replacement: str) -> tuple[re.Pattern[str], Callable[..., str]]:
    pattern = re.compile(r"(?<!\S)" + re.escape(phrase).replace(r"\{n\}", r"(\d+)") + r"(?!\S)")

    def substitute(match: re.Match[str]) -> str:
        n = int(match.group(1)) if match.groups() else 0
        return replacement.replace("{n*60}", str(n * 60)).replace("{n}", str(n))

    return pattern, substitute


@dataclass(frozen=True)
class Normalizer:
    """Lowercase, strip punctuation and fillers, expand contractions, numbers to digits."""

    fillers: frozenset[str]
    """Words dropped wherever they occur ("um", "ow")."""
    contractions: Mapping[str, str]
    """Phrase -> replacement, applied on word boundaries ("isn't" -> "is not")."""
    contraction_pattern: re.Pattern[str] | None
    """One alternation over every contraction, longest first."""
    has_after_s: re.Pattern[str] | None
    """Matches "'s" before a participle ("daughter's got"), which means "has"."""
    is_after_s: re.Pattern[str] | None
    """Matches "'s" before an adjective or -ing word ("wife's pregnant"), which means "is"."""
    number_words: Mapping[str, int]
    """Spelled-out number words and their values ("twenty" -> 20)."""
    number_units: frozenset[str]
    """A run of number words becomes digits only before one of these ("minutes")."""
    durations: tuple[tuple[re.Pattern[str], Callable[..., str]], ...]
    """Duration phrases rewritten to minutes after numbers became digits."""
    stray_units: frozenset[str] = frozenset()
    """Particles and endings that grammar-mode recognition leaves on their own ("에", "어요");
    a lone one carries nothing and is dropped."""
    particles: tuple[str, ...] = ()
    """Particles a word may carry; "쥐 쥐가" (a word, then itself with a particle) keeps the
    longer form, as a stutter."""
    lead_ins: tuple[tuple[str, ...], ...] = ()
    """Spoken lead-ins ("okay so", "well"), longest first, dropped from the start of a line
    while words remain."""
    max_chars: int = 400
    """Input beyond this many characters is ignored, so a huge line stays cheap."""
    max_tokens: int = 40
    """Words beyond this many are ignored."""
    glued_units: re.Pattern[str] | None = None
    """A number glued to its unit ("40mins", "1hr"), split before anything else reads it, so
    number and duration rules see "40 mins"; a clock time ("2am") is no unit and stays one word."""

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any]) -> Normalizer:
        """Build from a language pack's pack.yaml metadata."""
        durations = tuple(
            _duration_rule(str(k), str(v))
            for k, v in sorted((meta.get("durations") or {}).items(), key=lambda kv: -len(kv[0]))
        )
        contractions = {str(k): str(v) for k, v in (meta.get("contractions") or {}).items()}
        # a recogniser's slip is rewritten the same way as a contraction
        contractions.update({str(k): str(v) for k, v in (meta.get("slips") or {}).items()})
        participles = [str(w) for w in meta.get("has_after_s") or []]
        states = [str(w) for w in meta.get("is_after_s") or []]
        return cls(
            fillers=frozenset(str(w) for w in meta.get("fillers") or []),
            contractions=contractions,
            contraction_pattern=_phrase_pattern(list(contractions)) if contractions else None,
            has_after_s=_s_before(participles),
            is_after_s=_s_before(states),
            number_words={str(k): int(v) for k, v in (meta.get("number_words") or {}).items()},
            number_units=frozenset(str(w) for w in meta.get("number_units") or []),
            durations=durations,
            stray_units=frozenset(str(w) for w in meta.get("stray_units") or []),
            particles=tuple(str(w) for w in meta.get("particles") or []),
            lead_ins=tuple(sorted({tuple(str(p).split()) for p in meta.get("lead_ins") or []},
                                  key=len, reverse=True)),
            max_chars=int(meta.get("max_input_chars", 400)),
            max_tokens=int(meta.get("max_tokens", 40)),
            glued_units=_glued_pattern([str(u) for u in meta.get("glued_units") or []]),
        )

    def __call__(self, text: str) -> str:
        """The normalised text: single spaces between lowercase words, possibly empty."""
        text = unicodedata.normalize("NFKC", text[: self.max_chars]).lower()
        text = text.replace("\u2019", "'").replace("\u2018", "'")
        if self.glued_units is not None:
            text = self.glued_units.sub(r"\1 \2", text)
        text = _LOOSE_APOSTROPHE.sub(" ", _NOT_WORD.sub(" ", text))
        words = [_ELONGATED.sub(r"\1", w) for w in text.split()[: self.max_tokens * 2]]
        words = [w for w in words
                 if w not in self.fillers and w not in self.stray_units and w.isprintable()]
        text = " ".join(self._drop_lead_ins(self._drop_particle_stutters(words)))
        if self.has_after_s is not None:
            text = self.has_after_s.sub(" has ", text)
        if self.is_after_s is not None:
            text = self.is_after_s.sub(" is ", text)
        if self.contraction_pattern is not None:
            text = self.contraction_pattern.sub(lambda m: self.contractions[m.group(0)], text)
        text = " ".join(self._numbers_to_digits(text.split()))
        for pattern, substitute in self.durations:
            text = pattern.sub(substitute, text)
        return " ".join(_collapse_repeats(text.split())[: self.max_tokens])

    def _drop_lead_ins(self, words: list[str]) -> list[str]:
        """"okay so um my calf" -> "my calf"; a lone "okay" stays (it may be the answer)."""
        stripped = True
        while stripped:
            stripped = False
            for phrase in self.lead_ins:
                if len(words) > len(phrase) and tuple(words[:len(phrase)]) == phrase:
                    words = words[len(phrase):]
                    stripped = True
                    break
        return words

    def _drop_particle_stutters(self, words: list[str]) -> list[str]:
        if not self.particles or not words:
            return words
        return [w for w, after in zip(words, [*words[1:], ""], strict=True)
                if not (after.startswith(w) and after[len(w):] in self.particles)]

    def _numbers_to_digits(self, words: list[str]) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(words):
            end = i
            while end < len(words) and (
                words[end] in self.number_words
                or (words[end] in _FILLERS_JOINERS and end > i
                    and end + 1 < len(words) and words[end + 1] in self.number_words)
            ):
                end += 1
            if end > i and self._is_quantity(words, i, end):
                out.append(str(self._value(words[i:end])))
                i = end
            else:
                out.append(words[i])
                i += 1
        return out

    def _is_quantity(self, words: list[str], start: int, end: int) -> bool:
        after = words[end:end + 2]
        if after and after[0] in self.number_units:
            return True
        if len(after) == 2 and after[0] == "more" and after[1] in self.number_units:
            return True
        return end == len(words) and start > 0 and words[start - 1] in ("in", "for", "another")

    def _value(self, words: list[str]) -> int:
        total = 0
        for word in words:
            value = self.number_words.get(word)
            if value is None:
                continue
            if value == 100:
                total = max(total, 1) * 100
            else:
                total += value
        return total


def _collapse_repeats(words: list[str]) -> list[str]:
    """Drop stutters: "my my calf" -> "my calf", "my calf my calf" -> "my calf"."""
    out: list[str] = []
    for word in words:
        if out and out[-1] == word:
            continue
        out.append(word)
        pair = out[-2:]
        if len(out) >= 4 and pair == out[-4:-2] and max(len(w) for w in pair) >= 3:
            del out[-2:]  # a short pair like "do i" in "what do i do i ..." is not a stutter
    return out
