"""The standalone assistant behind `admin serve`: a real bedtime check on PulseAudio and espeak."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from skill.admin.standalone import StandaloneAssistant
from skill.config import Config, GeneralSettings
from tests.pulse import PulseServer

pytestmark = pytest.mark.audio


def _config(**speech: Any) -> Config:
    config = Config(general=GeneralSettings(language="ko"))
    return replace(config, speech=replace(config.speech, **speech))


def test_bedtime_check_plays_hears_and_finds_the_model(pulse_server: PulseServer) -> None:
    assistant = StandaloneAssistant(_config(night_profile=False))
    try:
        report = assistant.bedtime_check()
    finally:
        assistant.close()
    parts = {item.part: item for item in report.items}
    assert set(parts) == {"speaker", "microphone", "model"}
    assert parts["speaker"].ok, parts["speaker"].detail
    assert "듣고 있어요" in parts["speaker"].detail
    assert parts["microphone"].ok, parts["microphone"].detail
    assert "heard the phrase" in parts["microphone"].detail
    assert parts["model"].ok, parts["model"].detail
    assert report.ok


def test_bedtime_check_says_what_is_wrong(pulse_server: PulseServer) -> None:
    config = _config(engine="none")
    config = replace(
        config,
        voice=replace(
            config.voice, input_device="no-such-microphone", model_path="/nonexistent/model"
        ),
    )
    assistant = StandaloneAssistant(config)
    try:
        report = assistant.bedtime_check()
    finally:
        assistant.close()
    parts = {item.part: item for item in report.items}
    assert not report.ok
    assert not parts["speaker"].ok and "engine is set to none" in parts["speaker"].detail
    assert not parts["microphone"].ok and "no-such-microphone" in parts["microphone"].detail
    assert not parts["model"].ok and "/nonexistent/model" in parts["model"].detail


def test_status_reports_the_model_and_settings_without_audio() -> None:
    assistant = StandaloneAssistant(_config(rate=133))
    status = assistant.status()
    assert status.running is False
    assert status.language == "ko" and status.rate == 133
    assert status.model_path
    assistant.apply_config(_config(rate=141))
    assert assistant.status().rate == 141
