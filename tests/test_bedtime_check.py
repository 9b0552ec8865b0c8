"""The bedtime check written once: the live assistant's check through the same run_check as
`admin serve` (tests/test_admin_standalone.py checks the standalone side on PulseAudio)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from skill.assistant import Assistant
from skill.bedtime_check import CheckItem, ListeningProbe
from skill.config import parse_config
from skill.listening import ListeningStatus


@pytest.fixture
def silent_assistant() -> Iterator[Assistant]:
    config, _ = parse_config('[speech]\nengine = "none"\n[reminders]\nenabled = false\n')
    assistant = Assistant(config, listen=False)
    yield assistant
    assistant.stop()


def _status(heard: datetime | None, level: float | None = 0.2) -> ListeningStatus:
    return ListeningStatus(True, heard, heard, level, 0, None)


def test_live_check_reports_speaker_microphone_and_model_in_order(
    silent_assistant: Assistant,
) -> None:
    report = silent_assistant.bedtime_check()
    assert [item.part for item in report.items] == ["speaker", "microphone", "model"]
    assert not report.ok


def test_live_check_says_the_engine_is_off_and_nothing_listens(
    silent_assistant: Assistant,
) -> None:
    speaker, microphone, _model = silent_assistant.bedtime_check().items
    assert "speech engine is set to none" in speaker.detail
    assert microphone == CheckItem("microphone", False, "not listening")


def test_live_check_says_why_listening_is_off(silent_assistant: Assistant) -> None:
    silent_assistant.listening_problem = "no Vosk speech model for language 'en'"
    _speaker, microphone, _model = silent_assistant.bedtime_check().items
    assert microphone.detail == "no Vosk speech model for language 'en'"


def test_live_check_phrase_is_the_listening_reply(silent_assistant: Assistant) -> None:
    silent_assistant.bedtime_check()
    assert silent_assistant.speaker.last_spoken[-1].key == "wake.listening"


def test_probe_counts_the_phrase_heard_when_the_loop_heard_something_new() -> None:
    states = iter([_status(datetime(2026, 1, 1, 22, 0)), _status(datetime(2026, 1, 1, 22, 1))])
    probe = ListeningProbe(lambda: next(states), "")
    probe.begin()
    item = probe.end()
    assert item.ok and item.detail == "level 0.200"


def test_probe_says_when_the_phrase_was_not_clearly_heard() -> None:
    same = _status(datetime(2026, 1, 1, 22, 0), level=None)
    probe = ListeningProbe(lambda: same, "")
    probe.begin()
    item = probe.end()
    assert item.detail == "level 0.000; the phrase was not clearly heard"
