"""[dialogue] and [safety] sections."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cramp_common.validate import SettingError, get_bool, get_int, get_str


@dataclass(frozen=True)
class DialogueSettings:
    follow_up_seconds: int = 20
    """After each step, how long 'next', 'repeat', 'stop', 'it has passed' need no wake word."""
    count_aloud: bool = True
    """Count hold steps aloud ('ten ... twenty ... thirty, and relax')."""
    escalate_after_minutes: int = 10
    """An episode still going after this long is told it needs urgent advice."""
    diary_retention_days: int = 365
    """Diary events and episodes older than this are deleted (skill.dialogue.retention)."""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DialogueSettings:
        return cls(
            follow_up_seconds=get_int(data, "follow_up_seconds", cls.follow_up_seconds, 5, 120),
            count_aloud=get_bool(data, "count_aloud", cls.count_aloud),
            escalate_after_minutes=get_int(
                data, "escalate_after_minutes", cls.escalate_after_minutes, 5, 10
            ),
            diary_retention_days=get_int(
                data, "diary_retention_days", cls.diary_retention_days, 7, 3650
            ),
        )


_PHONE = re.compile(r"^[0-9]{2,6}$")
_LINE = re.compile(r"^[0-9][0-9 ]{1,14}[0-9]$")
_ADVICE_CHARS = 160


@dataclass(frozen=True)
class SafetySettings:
    emergency_number: str = "112"
    """Spoken in the escalation line; 999 in the UK, 911 in North America."""
    urgent_number: str = ""
    """Optional non-emergency medical line for the 'urgent' level (111 in England); '' for none."""
    urgent_advice: str = ""
    """Optional wording said instead of the language pack's 'urgent' line; '' for the pack's."""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SafetySettings:
        number = get_str(data, "emergency_number", cls.emergency_number, 6)
        if not _PHONE.match(number):
            raise SettingError("emergency_number", number, "must be 2 to 6 digits, e.g. \"112\"")
        urgent = get_str(data, "urgent_number", cls.urgent_number, 16)
        if urgent and not _LINE.match(urgent):
            raise SettingError("urgent_number", urgent,
                               "must be empty or 3 to 16 digits and spaces, e.g. \"111\"")
        advice = " ".join(get_str(data, "urgent_advice", cls.urgent_advice, _ADVICE_CHARS).split())
        if advice and (not advice.isprintable() or "{" in advice or "}" in advice):
            raise SettingError("urgent_advice", advice, "must be plain text without braces")
        return cls(emergency_number=number, urgent_number=urgent, urgent_advice=advice)
