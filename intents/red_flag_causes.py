"""Why a leg looks so: a harmless cause said beside a sign word ("red from the sun") explains it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from intents.pack_lists import is_listed as _is
from intents.red_flag_data import listed_words

__all__ = ["Causes"]

_AFTER_SIGN = 6
"""Words after a sign word in which a cause may start: "red and itchy from shaving"."""
_CAUSE_PHRASE = 5
"""Words after the linking word in which the cause itself stands: "from sitting on the beach"."""


@dataclass(frozen=True)
class Causes:
    """The `causes:` part of red_flags.yaml `context:`: what explains a sign word harmlessly.

    - a harmless cause linked to the sign ("my legs are red FROM THE SUN", "numb WITH COLD",
      "warm UNDER THE BLANKET", "red WHERE MY SOCKS were tight");
    - a cosmetic word anywhere in the line ("my toes are purple, i PAINTED the nails");
    - a feeling: the sign said of a person, and no body part in the line ("i'm numb with
      boredom", "my mum went purple with rage");
    - a forecast: a weather word and no body part in the line ("swelling seas tomorrow")."""

    explained: frozenset[str] = frozenset()
    """Concepts a harmless cause or a cosmetic word explains (colours, warmth, numbness)."""
    links: frozenset[str] = frozenset()
    """Words that link a sign to its cause: from, after, with, under, where..."""
    likeness: frozenset[str] = frozenset()
    """Words of a likeness or a contrast, after which no cause is read ("blue like i've been in
    the snow", "pale even under the duvet")."""
    harmless: frozenset[str] = frozenset()
    """Causes that explain the sign when linked to it: sun, shaving, kneeling, slippers..."""
    cosmetic: frozenset[str] = frozenset()
    """Causes that explain the sign anywhere in the line: tattoo, painted, fake tan..."""
    complexion: frozenset[str] = frozenset()
    """Concepts that, said only of both legs with no chill in the line, are a complexion."""
    complexion_parts: frozenset[str] = frozenset()
    """The words of both legs ("legs"): a pale leg or foot alone is still a sign."""
    chill: frozenset[str] = frozenset()
    """Words of a chill or another sign beside pallor ("cold", "numb", "blue")."""
    feelings: frozenset[str] = frozenset()
    """Concepts that, said of a person with no body part named, are a feeling or a blush."""
    weather: frozenset[str] = frozenset()
    """Concepts that, in a line with a forecast word and no body part, describe the weather."""
    forecast: frozenset[str] = frozenset()
    """Words of weather and forecasts: seas, wind, heatwave, forecast, warning..."""
    stained: frozenset[str] = frozenset()
    """Concepts only a stain explains, not the weather ("lips blue from the blueberry smoothie";
    lips blue from the cold water are still a sign)."""
    stains: frozenset[str] = frozenset()
    """Foods, drinks and dyes that colour lips or skin: lolly, blueberries, ink, felt tip..."""

    @classmethod
    def from_data(cls, data: Mapping[str, Any] | None) -> Causes:
        data = data or {}
        keys = ("explained", "links", "likeness", "harmless", "cosmetic", "complexion",
                "complexion_parts", "chill", "feelings", "weather", "forecast", "stained",
                "stains")
        return cls(*(listed_words(data, key, "causes ") for key in keys))

    def concepts(self) -> set[str]:
        return set(self.explained | self.complexion | self.feelings | self.weather | self.stained)

    def explains(self, concept: str, words: Sequence[str], end: int) -> bool:
        """A harmless cause linked to the sign that ends at words[end], or a cosmetic word."""
        if concept in self.stained:
            return self._linked(words, end, self.stains)
        if concept not in self.explained:
            return False
        if any(_is(w, self.cosmetic) for w in words):
            return True
        return self._linked(words, end, self.harmless)

    def _linked(self, words: Sequence[str], end: int, causes: frozenset[str]) -> bool:
        """One of `causes` linked to the sign that ends at words[end] ("red FROM THE SUN"),
        before any likeness ("blue LIKE i've been in the snow")."""
        for i in range(end, min(len(words), end + _AFTER_SIGN)):
            if words[i] in self.likeness:
                return False
            if words[i] in self.links and any(
                    _is(w, causes) for w in words[i + 1:i + 1 + _CAUSE_PHRASE]):
                return True
        return False

    def a_complexion(self, concept: str, words: Sequence[str], legs: Sequence[str]) -> bool:
        """Both legs pale, no one leg or foot named and no chill: "my legs look pale"."""
        return (concept in self.complexion and bool(legs)
                and all(w in self.complexion_parts for w in legs)
                and not any(w in self.chill for w in words))

    def a_feeling(self, concept: str, body_named: bool) -> bool:
        """Said of a person, with no body part anywhere in the line: a feeling, not a sign."""
        return concept in self.feelings and not body_named

    def the_weather(self, concept: str, words: Sequence[str], body_named: bool) -> bool:
        """A forecast word and no body part anywhere in the line: the weather, not a sign."""
        return (concept in self.weather and not body_named
                and any(_is(w, self.forecast) for w in words))
