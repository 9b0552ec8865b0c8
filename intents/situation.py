"""Where and how a cramp happens ("at the gym", "still", "pregnant") outweighs which leg part."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from intents.pack_lists import section_words

__all__ = ["Situations"]

Phrase = tuple[str, ...]


@dataclass(frozen=True)
class Situations:
    """The `situations:` section of pack.yaml: cue phrases per situational cramp kind.

    A cramp answer that names only a leg part (cramp.calf, cramp.thigh, cramp.foot), from any
    layer, becomes the first situational kind whose cue the line says: "we're at football and
    my husband's got cramp in his hamstring" is an exercise cramp, "this is the third time
    tonight my calf's cramped" a persistent one. The cues are keyword evidence beside the
    templates and the embedding, which weigh the leg part most. Only the kind changes: a line
    no layer took for a cramp stays silent, so everyday answers cannot grow from this."""

    replace: frozenset[str]
    """The leg-part kinds a situation outweighs."""
    kinds: tuple[tuple[str, tuple[Phrase, ...]], ...]
    """(kind, cues) in order of precedence: the first kind with a cue said wins."""
    negators: frozenset[str] = frozenset()
    """A cue one or two words after one of these is denied ("not pregnant")."""

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any]) -> Situations | None:
        """None for a pack without a `situations:` section."""
        section = meta.get("situations")
        if not section:
            return None
        kinds = tuple((str(kind), tuple(tuple(str(c).split()) for c in cues))
                      for kind, cues in (section.get("kinds") or {}).items())
        return cls(section_words(section, "replace"), kinds, section_words(section, "negators"))

    def kind(self, intent: str | None, words: Sequence[str]) -> str | None:
        """The situational kind for a leg-part cramp answer, or None to keep the answer."""
        if intent not in self.replace:
            return None
        return next((kind for kind, cues in self.kinds
                     if any(self._said(cue, words) for cue in cues)), None)

    def says(self, kind: str, words: Sequence[str]) -> bool:
        """Whether the line says a cue of `kind` ("it will not go away": cramp.persistent)."""
        return any(self._said(cue, words) for name, cues in self.kinds if name == kind
                   for cue in cues)

    def _said(self, cue: Phrase, words: Sequence[str]) -> bool:
        size = len(cue)
        return any(tuple(words[i:i + size]) == cue
                   and not self.negators.intersection(words[max(0, i - 2):i])
                   for i in range(len(words) - size + 1))
