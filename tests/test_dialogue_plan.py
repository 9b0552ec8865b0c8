"""The Plan is the whole effect of a turn; the dialogue state has named phases; apply() is live."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from intents.language import load_pack
from skill.audio.settings import VoiceSettings
from skill.dialogue.plan import Plan
from skill.dialogue.state import Phase
from skill.dialogue.wiring import open_conversation
from tests.test_conversation import (
    NIGHT,
    FakeClock,
    FakeMatcher,
    FakeReminders,
    make_config,
    talk,
)


@dataclass
class CallOrder:
    """Hand-written speaker and reminder window that record the order they are acted on."""

    calls: list[str] = field(default_factory=list)

    def say(self, text: str, *, key: str = "", flow: str = "") -> None:
        self.calls.append(f"say {key}")

    def pause(self, seconds: float, *, flow: str = "") -> None:
        self.calls.append(f"pause {seconds:g}")

    def stop(self, flow: str = "") -> None:
        self.calls.append(f"stop {flow or '*'}")

    def is_busy(self) -> bool:
        return False

    def wait_idle(self, timeout: float | None = None) -> bool:
        return True

    def dismiss(self) -> object | None:
        self.calls.append("dismiss")
        return None


def test_stop_after_a_reminder_is_one_plan_that_cuts_speech_and_dismisses_it() -> None:
    clock = FakeClock(NIGHT)
    convo = talk(clock, reminders=FakeReminders(clock))  # no speaker: nothing is carried out
    convo.remind("hydration")
    plan = convo.handle_text("stop").plan
    assert plan is not None
    assert plan.stops == [""] and plan.dismiss_reminder and plan.keys == ["control.stop"]


def test_next_in_a_flow_cuts_only_that_flows_queued_speech() -> None:
    convo = talk(FakeClock(NIGHT))
    first = convo.handle_text("my calf is cramping").plan
    assert first is not None and first.stops == [""]  # someone in pain: cut everything
    plan = convo.handle_text("next").plan
    assert plan is not None and plan.stops == ["cramp.calf#1"] and not plan.dismiss_reminder


def test_a_plan_cuts_speech_then_dismisses_then_speaks() -> None:
    order = CallOrder()
    plan = Plan()
    plan.say("control.stop", "Stopping.")
    plan.pause(10)
    plan.stop("cramp.calf#1")
    plan.dismiss_reminder = True
    plan.execute(order, order, flow="", realtime=True)
    assert order.calls == ["stop cramp.calf#1", "dismiss", "say control.stop", "pause 10"]


def test_phases_follow_a_flow_its_window_and_a_reminders_offer() -> None:
    clock = FakeClock(NIGHT)
    convo = talk(clock)
    assert convo.state.phase(clock()) is Phase.IDLE
    convo.handle_text("my calf is cramping")
    assert convo.state.phase(clock()) is Phase.FOLLOW_UP
    clock.advance(120)
    assert convo.state.phase(clock()) is Phase.IN_FLOW
    convo.handle_text("my calf is cramping")
    convo.handle_text("stop")
    assert convo.state.phase(clock()) is Phase.IDLE
    convo.remind("stretch")
    clock.advance(120)
    assert convo.state.phase(clock()) is Phase.OFFERED


def test_apply_takes_a_new_wake_word_at_once_and_keeps_the_flow() -> None:
    clock = FakeClock(NIGHT)
    convo = open_conversation(make_config(), pack=load_pack("en"), matcher=FakeMatcher(),
                              clock=clock)
    convo.handle_text("my calf is cramping")
    config = make_config()
    convo.apply(replace(config, voice=VoiceSettings(wake_word="coach")))
    clock.advance(120)  # the follow-up window has closed
    assert convo.handle_text("next").say == []
    assert convo.handle_text("coach next").reply_keys[0] == "first_aid.calf.pull_toes"
