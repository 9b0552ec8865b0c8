"""Triage levels in the dialogue: emergency and urgent stop a flow (also mid-count, through the real
speech queue), 'doctor' lets it carry on, and red flags are heard in every state."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from intents.language import load_pack
from intents.matcher import IntentMatcher
from skill.audio.settings import VoiceSettings
from skill.config import Config
from skill.dialogue.conversation import Conversation
from skill.dialogue.settings import SafetySettings
from skill.speech import SpeechQueue
from skill.speech.settings import SpeechSettings
from tests.pulse import PulseServer

NIGHT = datetime(2026, 11, 25, 3, 0, tzinfo=UTC).timestamp()


class Clock:
    def __init__(self) -> None:
        self.now = NIGHT

    def __call__(self) -> float:
        return self.now


class Heard:
    """The queue's on_spoken hook: reply keys in the order they began to play."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.lock = threading.Lock()

    def on_spoken(self, text: str, key: str) -> None:
        with self.lock:
            self.keys.append(key)

    def said(self) -> list[str]:
        with self.lock:
            return list(self.keys)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def config(**safety: str) -> Config:
    return replace(Config(), voice=VoiceSettings(wake_word=""),
                   safety=SafetySettings(emergency_number="999", **safety))


def talk(matcher: IntentMatcher, clock: Clock, **kwargs: object) -> Conversation:
    return Conversation(load_pack("en"), matcher, config(), clock=clock, **kwargs)  # type: ignore[arg-type]


def wait_for(predicate: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_urgent_sign_mid_flow_ends_the_flow(matcher: IntentMatcher, clock: Clock) -> None:
    convo = talk(matcher, clock)
    convo.handle_text("my calf is cramping")
    turn = convo.handle_text("after the cramp i noticed my calf was warm and swollen")
    assert (turn.slots["level"], turn.reply_keys) == ("urgent", ["escalation.urgent"])
    assert convo.handle_text("next").reply_keys == ["control.nothing_next"]


def test_doctor_level_is_said_and_the_flow_carries_on(matcher: IntentMatcher,
                                                      clock: Clock) -> None:
    convo = talk(matcher, clock)
    convo.handle_text("my calf is cramping")
    turn = convo.handle_text("i get cramps most nights")
    assert turn.reply_keys == ["escalation.doctor"]
    assert turn.say == ["This is worth showing a doctor soon."]
    assert convo.handle_text("repeat").reply_keys == ["first_aid.calf.straighten"]
    assert convo.handle_text("next").reply_keys[0] == "first_aid.calf.pull_toes"


def test_doctor_level_with_no_flow_offers_the_doctor_list(matcher: IntentMatcher,
                                                          clock: Clock) -> None:
    convo = talk(matcher, clock)
    assert convo.handle_text("since i started taking statins i get cramps").reply_keys == [
        "escalation.doctor"]
    assert convo.handle_text("go on").reply_keys[0] == "info.doctor.often"


def test_persistent_cramp_past_ten_minutes_is_urgent(matcher: IntentMatcher,
                                                     clock: Clock) -> None:
    convo = talk(matcher, clock)
    convo.handle_text("my calf is cramping")
    clock.now += 5 * 60
    assert convo.handle_text("it won't go away").reply_keys[0] == "first_aid.persistent.check_chest"
    clock.now += 6 * 60
    turn = convo.handle_text("it still won't go away")
    assert turn.intent == "cramp.persistent"
    assert turn.reply_keys == ["escalation.urgent"]


def test_red_flag_is_heard_after_a_reminder_and_in_the_follow_up_window(
    matcher: IntentMatcher, clock: Clock
) -> None:
    convo = Conversation(load_pack("en"), matcher, config(), clock=clock)
    convo.remind("hydration")
    assert convo.handle_text("i can't stay afloat").reply_keys == ["escalation.emergency"]
    clock.now += 3600
    convo.handle_text("show me the evening stretches")
    assert convo.handle_text("one calf is swollen").reply_keys == ["escalation.urgent"]


def test_red_flag_needs_no_wake_word_during_a_flow(matcher: IntentMatcher, clock: Clock) -> None:
    woken = replace(config(), voice=VoiceSettings(wake_word="hey coach"))
    convo = Conversation(load_pack("en"), matcher, woken, clock=clock)
    convo.handle_text("hey coach my calf is cramping")
    clock.now += 600
    assert convo.handle_text("i have chest pain").reply_keys[-1] == "escalation.emergency"


@pytest.fixture
def heard() -> Heard:
    return Heard()


@pytest.fixture
def queue(pulse_server: PulseServer, heard: Heard) -> Iterator[SpeechQueue]:
    q = SpeechQueue(SpeechSettings(rate=300), default_voice="en", on_spoken=heard.on_spoken,
                    echo=None)
    yield q
    q.close()


@pytest.mark.audio
def test_danger_sign_during_a_hold_count_cuts_the_count_and_ends_the_flow(
    matcher: IntentMatcher, clock: Clock, queue: SpeechQueue, heard: Heard
) -> None:
    convo = talk(matcher, clock, speaker=queue, realtime=True)
    convo.handle_text("my calf is cramping")
    convo.handle_text("next")  # pull the toes, then "ten ... twenty ... thirty" ten seconds apart
    wait_for(lambda: "count.start" in heard.said())
    turn = convo.handle_text("my calf is swollen, red and hot")
    assert turn.reply_keys == ["escalation.urgent"]
    assert queue.wait_idle(60)
    said = heard.said()
    assert said[-1] == "escalation.urgent"
    assert "count.thirty" not in said and "count.relax" not in said
    assert convo.handle_text("next").reply_keys == ["control.nothing_next"]


@pytest.mark.audio
def test_emergency_sign_mid_flow_cuts_the_step_and_says_the_number(
    matcher: IntentMatcher, clock: Clock, queue: SpeechQueue, heard: Heard
) -> None:
    convo = talk(matcher, clock, speaker=queue, realtime=True)
    convo.handle_text("my calf is cramping")
    wait_for(lambda: "first_aid.calf.straighten" in heard.said())
    turn = convo.handle_text("chest pain, leg pain, what do i do")
    assert turn.say == ["This needs urgent help. Call emergency services on 999 now."]
    assert queue.wait_idle(60)
    assert heard.said()[-1] == "escalation.emergency"
    assert convo.handle_text("next").reply_keys == ["control.nothing_next"]
