"""The handle agent with the real dialogue and matcher: what Home Assistant's lines get back."""

from __future__ import annotations

from dataclasses import replace

from skill.config import Config
from skill.wyoming_service.service import build_agent, handle_languages, satellite_config

BEDROOM = {"conversation_id": "01HBEDROOM", "satellite_id": "assist_satellite.bedroom"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_languages_are_the_packs_with_sentences() -> None:
    assert handle_languages() == ["en", "ko"]


def test_satellite_lines_ignore_the_local_wake_word_and_do_not_count_aloud() -> None:
    config = Config()
    config = replace(config, voice=replace(config.voice, wake_word="coach"))
    adjusted = satellite_config(config)
    assert adjusted.voice.wake_word == ""
    assert adjusted.dialogue.count_aloud is False
    assert adjusted.dialogue.follow_up_seconds == config.wyoming.conversation_minutes * 60
    agent = build_agent(config)
    first = agent.handle("my calf is cramping", "en", BEDROOM)
    assert first.handled and first.intent == "cramp.calf"
    hold = agent.handle("next", "en", BEDROOM)
    assert hold.reply_keys == ["first_aid.calf.pull_toes"]
    assert not any(key.startswith("count.") for key in hold.reply_keys)


def test_forgotten_conversation_starts_fresh() -> None:
    clock = Clock()
    config = Config()
    short = replace(config, wyoming=replace(config.wyoming, conversation_minutes=1))
    agent = build_agent(short, clock=clock)
    assert agent.handle("my calf is cramping", "en", BEDROOM).handled
    assert agent.session_count() == 1
    clock.now += 61
    assert agent.session_count() == 0
    assert not agent.handle("next", "en", BEDROOM).handled


def test_line_without_any_id_is_answered_but_not_remembered() -> None:
    agent = build_agent(Config())
    reply = agent.handle("my calf is cramping", "en", None)
    assert reply.handled and "first_aid.calf.straighten" in reply.reply_keys
    assert agent.session_count() == 0


def test_unknown_language_falls_back_to_the_configured_one() -> None:
    config = Config()
    agent = build_agent(replace(config, general=replace(config.general, language="en")))
    reply = agent.handle("my calf is cramping", "de-DE", {"conversation_id": "x"})
    assert reply.language == "en" and reply.handled
