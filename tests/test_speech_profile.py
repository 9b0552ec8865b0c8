"""Night profile: quiet hours across midnight, the voice chosen, the chime, [speech] settings."""

from __future__ import annotations

from datetime import time

import numpy as np
import pytest

from cramp_common.validate import SettingError
from skill.speech.profile import in_quiet_hours, profile_for
from skill.speech.settings import SpeechSettings
from skill.speech.sound import soft_chime

QUIET = (time(22, 30), time(7, 30))


@pytest.mark.parametrize(
    ("now", "quiet"),
    [
        (time(22, 29), False),
        (time(22, 30), True),
        (time(0, 0), True),
        (time(3, 0), True),
        (time(7, 29), True),
        (time(7, 30), False),
        (time(12, 0), False),
    ],
)
def test_quiet_hours_cross_midnight(now: time, quiet: bool) -> None:
    assert in_quiet_hours(now, *QUIET) is quiet


def test_quiet_hours_within_one_day_and_empty_span() -> None:
    assert in_quiet_hours(time(14, 0), time(13, 0), time(15, 0))
    assert not in_quiet_hours(time(16, 0), time(13, 0), time(15, 0))
    assert not in_quiet_hours(time(3, 0), time(7, 0), time(7, 0))


def test_night_profile_is_slower_and_quieter_with_a_chime() -> None:
    settings = SpeechSettings(rate=160, volume=0.9, night_rate=120, night_volume=0.4)
    day = profile_for(settings, "en", time(12, 0), QUIET)
    night = profile_for(settings, "en", time(2, 0), QUIET)
    assert (day.voice.rate, day.voice.volume, day.chime, day.night) == (160, 0.9, False, False)
    assert (night.voice.rate, night.voice.volume, night.chime) == (120, 0.4, True)
    assert night.night
    assert day.voice.voice == night.voice.voice == "en"


def test_night_profile_off_or_no_quiet_hours_uses_day_voice() -> None:
    off = profile_for(SpeechSettings(night_profile=False), "en", time(2, 0), QUIET)
    assert not off.night
    assert not profile_for(SpeechSettings(), "en", time(2, 0), None).night


def test_configured_voice_wins_over_the_language_default() -> None:
    assert profile_for(SpeechSettings(voice="ko"), "en", time(12), QUIET).voice.voice == "ko"


def test_chime_is_short_soft_and_scaled_by_volume() -> None:
    loud, soft = soft_chime(22050, 1.0), soft_chime(22050, 0.3)
    assert 0.3 < len(loud) / 22050 < 1.5
    assert np.abs(loud).max() < 0.3 * 32767
    assert np.abs(soft).max() < np.abs(loud).max()


def test_settings_read_watchdog_and_reject_nonsense() -> None:
    assert SpeechSettings.from_dict({"watchdog_seconds": 4}).watchdog_seconds == 4.0
    with pytest.raises(SettingError, match="watchdog_seconds"):
        SpeechSettings.from_dict({"watchdog_seconds": 0})
    with pytest.raises(SettingError, match="engine"):
        SpeechSettings.from_dict({"engine": "festival"})
