"""A spoken command with an aside before or after it ("say that again, i was yawning")."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from hassil import RecognizeResult

from intents.fuzzy import FuzzySettings

__all__ = ["command_clause"]

COMMANDS = ("control.",)
"""Intents a clause may answer with an aside beside it: session controls only. A cramp or an
advice clause is _one_clause's (matcher.py), which asks for a cramp or leg word."""
MIN_WORDS = 2
"""A one-word clause ("stop", "next") beside an aside is too often said to someone else."""


def command_clause(words: Sequence[str], settings: FuzzySettings,
                   recognize: Callable[[str], RecognizeResult | None]) -> RecognizeResult | None:
    """The one session command that a clause of the line is, word for word, when the rest is
    an aside of the speaker's own (opening with an `aside_starters` word: "slow down | i am half
    asleep", "i have done it | what now") and naming no cramp or leg (`topic`: "i have a cramp |
    what now" is a cramp); None when no clause or more than one command fits."""
    found: dict[str, RecognizeResult] = {}
    for j in range(1, len(words)):
        for clause, aside, last in ((words[:j], words[j:], False), (words[j:], words[:j], True)):
            if (len(clause) < MIN_WORDS or aside[0] not in settings.aside_starters
                    or settings.topic.intersection(aside)
                    or last and not _opens_question(clause, settings)):
                continue
            result = recognize(" ".join(clause))
            if result is not None and result.intent.name.startswith(COMMANDS):
                found.setdefault(result.intent.name, result)
    return next(iter(found.values())) if len(found) == 1 else None


def _opens_question(clause: Sequence[str], settings: FuzzySettings) -> bool:
    """A command after an aside must open a question of its own ("i have done it | what now"):
    "i have got a cough that will not | go away", "i bumped my head it | is fine" are no
    commands to us."""
    return clause[0] in settings.questions and clause[0] in settings.clause_starters
