"""Setting validators shared by every config section; errors name key, value and what is allowed."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import time
from typing import Any

_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class SettingError(ValueError):
    """One bad value in one config section."""

    def __init__(self, key: str, value: Any, allowed: str) -> None:
        self.key = key
        self.value = value
        self.allowed = allowed
        super().__init__(f"{key} = {value!r}: {allowed}")


def get_bool(data: Mapping[str, Any], key: str, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise SettingError(key, value, "must be true or false")
    return value


def get_int(data: Mapping[str, Any], key: str, default: int, lo: int, hi: int) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise SettingError(key, value, f"must be a whole number from {lo} to {hi}")
    return value


def get_float(data: Mapping[str, Any], key: str, default: float, lo: float, hi: float) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
        raise SettingError(key, value, f"must be a number from {lo} to {hi}")
    return float(value)


def get_str(data: Mapping[str, Any], key: str, default: str, max_len: int = 200) -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or len(value) > max_len or "\x00" in value:
        raise SettingError(key, value, f"must be text of at most {max_len} characters")
    return value


def get_choice(data: Mapping[str, Any], key: str, default: str, choices: Iterable[str]) -> str:
    allowed = list(choices)
    value = data.get(key, default)
    if value not in allowed:
        raise SettingError(key, value, "must be one of " + ", ".join(repr(c) for c in allowed))
    return str(value)


def parse_hhmm(text: str) -> time:
    """'07:30' -> time(7, 30); raises ValueError naming the problem."""
    match = _HHMM.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"{text!r} is not a time of day as HH:MM (00:00 to 23:59)")
    return time(int(match.group(1)), int(match.group(2)))


def get_hhmm(data: Mapping[str, Any], key: str, default: str) -> time:
    value = data.get(key, default)
    try:
        return parse_hhmm(value)
    except ValueError:
        allowed = 'must be a time of day as "HH:MM" (00:00 to 23:59)'
        raise SettingError(key, value, allowed) from None
