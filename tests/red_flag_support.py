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


def check_dev_set(matcher: IntentMatcher, examples: list[Example], sizes: tuple[int, int, int],
                  danger_floor: int, lookalike_ceiling: int) -> None:
    """A red-flag dev set's floors: its (danger, ordinary cramp, other) sizes, every level used,
    at least `danger_floor` signs escalated at their level or higher, no ordinary cramp escalated
    and at most `lookalike_ceiling` of the other lines."""
    danger = [e for e in examples if e.intent == "safety.red_flag"]
    cramps = [e for e in examples if (e.intent or "").startswith("cramp.")]
    others = [e for e in examples if e not in danger and e not in cramps]
    assert (len(danger), len(cramps), len(others)) == sizes
    assert {e.slots["level"] for e in danger} == set(LEVELS)
    assert sum(escalates_at_or_above(matcher, e) for e in danger) >= danger_floor
    assert not [e.text for e in cramps if matcher.match(e.text).intent == "safety.red_flag"]
    escalated = [e.text for e in others if matcher.match(e.text).intent == "safety.red_flag"]
    assert len(escalated) <= lookalike_ceiling, escalated


def red_flag_level(matcher: IntentMatcher, text: str) -> str | None:
    """The triage level the line escalates at, or None when it does not escalate."""
    match = matcher.match(text)
    return match.slots["level"] if match.intent == "safety.red_flag" else None
