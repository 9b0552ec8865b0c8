"""The one spoken line of each triage level (../shared/CONTENT.md "Triage levels")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from intents.red_flags import LEVELS
from skill.dialogue import keys
from skill.dialogue.settings import SafetySettings

STOPS_FLOW = frozenset({"emergency", "urgent"})
"""Levels that cut the speech and end any first-aid flow; 'doctor' lets the flow carry on."""


@dataclass(frozen=True)
class LevelLine:
    key: str
    """Reply key of the level's line."""
    text: str = ""
    """The config's own wording (safety.urgent_advice) when it replaces the pack's line."""


def level_of(slots: Mapping[str, str]) -> str:
    """The level slot of a safety.red_flag match; a red flag without one is treated as an
    emergency (unsure between levels: the higher one)."""
    level = slots.get("level", "")
    return level if level in LEVELS else LEVELS[0]


def level_line(level: str, safety: SafetySettings) -> LevelLine:
    """Which line to say for `level`, worded the same every time."""
    if level == "doctor":
        return LevelLine(keys.ESCALATION_DOCTOR)
    if level == "urgent":
        if safety.urgent_advice:
            return LevelLine(keys.ESCALATION_URGENT, safety.urgent_advice)
        if safety.urgent_number:
            return LevelLine(keys.ESCALATION_URGENT_NUMBER)
        return LevelLine(keys.ESCALATION_URGENT)
    return LevelLine(keys.ESCALATION)
