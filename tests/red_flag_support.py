"""Shared check of the red-flag tests: a danger-sign line escalates at its level or higher."""

from __future__ import annotations

from bench.intent_accuracy import Example
from intents.matcher import IntentMatcher
from intents.red_flags import LEVELS


def escalates_at_or_above(matcher: IntentMatcher, example: Example) -> bool:
    """The line gets safety.red_flag at the labelled level or a more urgent one."""
    match = matcher.match(example.text)
    return (match.intent == "safety.red_flag"
            and LEVELS.index(match.slots["level"]) <= LEVELS.index(example.slots["level"]))
