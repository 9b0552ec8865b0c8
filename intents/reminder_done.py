"""'Done' as an answer to a reminder: only a reminded thing, a bare 'done', or a reminder due."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from intents.pack_lists import is_listed, section_pairs, section_words

__all__ = ["DONE", "ReminderDone"]

DONE = "reminder.done"


@dataclass(frozen=True)
class ReminderDone:
    """The `reminder_done:` section of pack.yaml.

    Everyone says "i've done X" all day ("i have done the washing up", "done the crossword"):
    the semantic head hears a reminder answered in any of them. Without a reminder due, a
    line is taken as reminder.done only when it names what the reminders ask for (a stretch, a
    foot bath, water or a drink, a reminder) or is a bare "done" / "did it" (every word one of
    `bare`); otherwise the guess is held back for the dialogue, which takes it only while a
    reminder it spoke is waiting for an answer (skill/dialogue/routing.py)."""

    things: frozenset[str]
    """Words naming a reminded thing; a trailing "*" is a stem ("stretch*", "soak*")."""
    pairs: frozenset[tuple[str, str]]
    """Two-word reminded things ("foot bath")."""
    bare: frozenset[str]
    """Words of a bare answer ("yes i have done it already thanks")."""

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any]) -> ReminderDone | None:
        """The pack's policy, or None (no policy: every reminder.done stands) without one."""
        section = meta.get("reminder_done")
        if not section:
            return None
        return cls(section_words(section, "things"), section_pairs(section, "pairs"),
                   section_words(section, "bare"))

    def reminded(self, words: Sequence[str]) -> bool:
        """The line names a reminded thing or is a bare answer."""
        if all(w in self.bare or w.isdigit() for w in words):
            return True
        if any(self._thing(w) for w in words):
            return True
        return any(pair in self.pairs for pair in zip(words, words[1:], strict=False))

    def _thing(self, word: str) -> bool:
        return is_listed(word.removesuffix("'s"), self.things)
