"""Which voice to use now: the day settings, or the night profile during quiet hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from cramp_common.localtime import in_quiet_hours
from skill.speech.settings import SpeechSettings
from skill.speech.synth import Voice

__all__ = ["Profile", "in_quiet_hours", "profile_for"]




@dataclass(frozen=True)
class Profile:
    voice: Voice
    chime: bool
    """Play the soft chime before the first sentence after silence."""
    night: bool


def profile_for(settings: SpeechSettings, default_voice: str, now: time,
                quiet: tuple[time, time] | None) -> Profile:
    name = settings.voice or default_voice
    night = (settings.night_profile and quiet is not None
             and in_quiet_hours(now, quiet[0], quiet[1]))
    if night:
        return Profile(Voice(name, settings.night_rate, settings.night_volume),
                       settings.night_chime, True)
    return Profile(Voice(name, settings.rate, settings.volume), False, False)
