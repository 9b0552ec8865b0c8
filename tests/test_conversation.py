"""Scripted conversations through the dialogue with a controllable clock and a real SQLite diary."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from intents.language import load_pack
from intents.match import IntentMatch
from scheduler.settings import ReminderSettings
from skill.audio.settings import VoiceSettings
from skill.config import Config
from skill.dialogue.conversation import MAX_TEXT, Conversation, clean_text
from skill.dialogue.diary import Diary
from skill.dialogue.episode import IDLE_CLOSE_SECONDS
from skill.dialogue.settings import DialogueSettings, SafetySettings

NIGHT = datetime(2026, 11, 25, 3, 0, tzinfo=UTC).timestamp()
DAY = datetime(2026, 11, 25, 11, 0, tzinfo=UTC).timestamp()
CALF = ["reassure.open", "first_aid.calf.straighten", "disclaimer"]
COUNT = ["count.start", "count.ten", "count.twenty", "count.thirty", "count.relax"]

# Stand-in for intents.matcher.IntentMatcher (built in parallel): exact lines -> intents.
LINES = {
    "my calf is cramping": "cramp.calf",
    "cramp in my left calf": "cramp.calf",
    "my thigh is cramping": "cramp.thigh",
    "it isn't easing": "cramp.persistent",
    "cramp and i'm pregnant": "cramp.pregnancy",
    "my son has a cramp": "cramp.child",
    "my calf is swollen and hot": "safety.red_flag",
    "what causes cramps": "info.causes",
    "how do i prevent cramps": "info.prevention",
    "next": "control.next",
    "start": "control.next",
    "repeat": "control.repeat",
    "stop": "control.stop",
    "slower": "control.slower",
    "it has passed": "control.better",
    "help": "control.help",
    "done": "reminder.done",
    "snooze": "reminder.snooze",
    "what reminders": "reminder.list",
}


class FakeMatcher:
    def match(self, text: str) -> IntentMatch:
        intent = LINES.get(text)
        slots = {"side": "left"} if "left" in text else {}
        return IntentMatch(intent, slots, text, 1.0 if intent else 0.0,
                           "exact" if intent else "none")


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class RecordingSpeaker:
    """Hand-written Speaker that records what it is asked to do."""

    calls: list[tuple[str, object, str]] = field(default_factory=list)
    busy: bool = False

    def say(self, text: str, *, key: str = "", flow: str = "") -> None:
        self.calls.append(("say", key, flow))

    def pause(self, seconds: float, *, flow: str = "") -> None:
        self.calls.append(("pause", seconds, flow))

    def stop(self, flow: str = "") -> None:
        self.calls.append(("stop", None, flow))

    def is_busy(self) -> bool:
        return self.busy

    def wait_idle(self, timeout: float | None = None) -> bool:
        return True


@dataclass(frozen=True)
class Upcoming:
    kind: str
    text: str
    at: datetime


@dataclass
class FakeReminders:
    """Hand-written stand-in for scheduler.ReminderService's voice-window methods."""

    clock: FakeClock
    open: bool = True
    done_calls: int = 0
    dismissed: int = 0
    snoozed: list[float | None] = field(default_factory=list)
    today: list[Upcoming] = field(default_factory=list)
    saved_list_missing: bool = False

    def window_open(self) -> bool:
        return self.open

    def done(self) -> object | None:
        self.done_calls += 1
        return "hydration" if self.open else None

    def dismiss(self) -> object | None:
        self.dismissed += 1
        return None

    def snooze(self, minutes: float | None = None) -> datetime | None:
        self.snoozed.append(minutes)
        return datetime.fromtimestamp(self.clock() + (minutes or 10) * 60, UTC)

    def list_today(self) -> list[Upcoming]:
        return self.today


def make_config(wake_word: str = "", count_aloud: bool = True) -> Config:
    return replace(
        Config(),
        voice=VoiceSettings(wake_word=wake_word),
        dialogue=DialogueSettings(follow_up_seconds=20, count_aloud=count_aloud,
                                  escalate_after_minutes=10),
        safety=SafetySettings(emergency_number="999"),
        reminders=ReminderSettings(timezone="UTC"),
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NIGHT)


@pytest.fixture
def diary(tmp_path: Path) -> Iterator[Diary]:
    with Diary(tmp_path / "history.db") as opened:
        yield opened


def talk(clock: FakeClock, diary: Diary | None = None, config: Config | None = None,
         **kwargs: Any) -> Conversation:
    return Conversation(load_pack("en"), FakeMatcher(), config or make_config(), clock=clock,
                        diary=diary, **kwargs)


def test_calf_flow_walks_every_step_in_content_order(clock: FakeClock) -> None:
    convo = talk(clock)
    assert convo.handle_text("my calf is cramping").reply_keys == CALF
    keys = []
    for _ in range(5):
        clock.advance(5)
        keys += convo.handle_text("next").reply_keys
    assert keys == ["first_aid.calf.pull_toes", *COUNT, "first_aid.calf.towel",
                    "first_aid.calf.stand", "first_aid.calf.rub", "flow.last_step"]


def test_hold_step_counts_aloud_ten_twenty_thirty_and_relax(clock: FakeClock) -> None:
    convo = talk(clock)
    convo.handle_text("my calf is cramping")
    turn = convo.handle_text("next")
    assert turn.say[-4:] == ["Ten.", "Twenty.", "Thirty.", "And relax."]
    assert "thirty seconds" in turn.say[0]


def test_count_aloud_off_says_the_hold_step_without_counting(clock: FakeClock) -> None:
    convo = talk(clock, config=make_config(count_aloud=False))
    convo.handle_text("my calf is cramping")
    assert convo.handle_text("next").reply_keys == ["first_aid.calf.pull_toes"]


def test_realtime_queues_timed_pauses_between_counts(clock: FakeClock) -> None:
    speaker = RecordingSpeaker()
    convo = talk(clock, speaker=speaker, realtime=True)
    convo.handle_text("my calf is cramping")
    speaker.calls.clear()
    convo.handle_text("next")
    flow = speaker.calls[-1][2]
    assert flow.startswith("cramp.calf")
    assert speaker.calls == [
        ("stop", None, flow), ("say", "first_aid.calf.pull_toes", flow),
        ("say", "count.start", flow), ("pause", 10, flow), ("say", "count.ten", flow),
        ("pause", 10, flow), ("say", "count.twenty", flow), ("pause", 10, flow),
        ("say", "count.thirty", flow), ("say", "count.relax", flow),
    ]


def test_a_new_cramp_cuts_a_reminder_that_is_still_talking(clock: FakeClock) -> None:
    speaker = RecordingSpeaker()
    convo = talk(clock, speaker=speaker)
    convo.remind("hydration")
    speaker.calls.clear()
    convo.handle_text("my calf is cramping")
    assert speaker.calls[0] == ("stop", None, "")
    assert speaker.calls[1][:2] == ("say", "reassure.open")


def test_without_realtime_the_speaker_gets_no_pauses(clock: FakeClock) -> None:
    speaker = RecordingSpeaker()
    convo = talk(clock, speaker=speaker)
    convo.handle_text("my calf is cramping")
    convo.handle_text("next")
    assert not [call for call in speaker.calls if call[0] == "pause"]


def test_repeat_says_the_current_step_again(clock: FakeClock) -> None:
    convo = talk(clock)
    convo.handle_text("my calf is cramping")
    convo.handle_text("next")
    assert convo.handle_text("repeat").reply_keys == ["first_aid.calf.pull_toes", *COUNT]


def test_repeat_after_the_escalation_line_says_the_number_again(clock: FakeClock) -> None:
    convo = talk(clock)
    convo.handle_text("my calf is cramping")
    first = convo.handle_text("my calf is swollen and hot").say
    assert convo.handle_text("repeat").say == first


def test_repeat_after_an_answer_leaves_out_the_disclaimer(clock: FakeClock) -> None:
    convo = talk(clock)
    assert convo.handle_text("what causes cramps").reply_keys[-1] == "disclaimer"
    assert convo.handle_text("repeat").reply_keys == ["info.causes.often_none",
                                                      "info.causes.triggers"]


def test_slower_acknowledges_and_repeats_the_step(clock: FakeClock) -> None:
    convo = talk(clock)
    convo.handle_text("my calf is cramping")
    assert convo.handle_text("slower").reply_keys == ["control.slower",
                                                      "first_aid.calf.straighten"]


def test_follow_ups_work_inside_the_window_only(clock: FakeClock) -> None:
    convo = talk(clock)
    convo.handle_text("my calf is cramping")
    clock.advance(19)
    assert convo.handle_text("next").reply_keys[0] == "first_aid.calf.pull_toes"
    clock.advance(120)
    late = convo.handle_text("next")
    assert late.intent == "control.next"
    assert late.say == []


def test_window_runs_from_the_end_of_the_hold(clock: FakeClock) -> None:
    convo = talk(clock)
    convo.handle_text("my calf is cramping")
    convo.handle_text("next")
    clock.advance(30 + 19)
    assert convo.handle_text("it has passed").reply_keys[0] == "aftercare.passed"


def test_window_expiry_does_not_block_a_new_cramp(clock: FakeClock) -> None:
    convo = talk(clock)
    convo.handle_text("what causes cramps")
    clock.advance(600)
    assert convo.handle_text("my thigh is cramping").reply_keys[:2] == [
        "reassure.open", "first_aid.thigh.back"]


def test_wake_word_is_needed_outside_the_window_but_not_inside(clock: FakeClock) -> None:
    convo = talk(clock, config=make_config(wake_word="hey coach"))
    assert convo.handle_text("what causes cramps").say == []
    assert convo.handle_text("Hey coach, what causes cramps").reply_keys[0] == (
        "info.causes.often_none")
    assert convo.handle_text("hey coach").reply_keys == ["wake.listening"]
    assert convo.handle_text("my calf is cramping").reply_keys[0] == "reassure.open"
    assert convo.handle_text("next").reply_keys[0] == "first_aid.calf.pull_toes"
    clock.advance(300)
    assert convo.handle_text("next").say == []
    assert convo.handle_text("hey coach next").reply_keys[0] == "first_aid.calf.towel"


def test_not_understood_only_inside_the_window(clock: FakeClock) -> None:
    convo = talk(clock)
    assert convo.handle_text("the film about farm animals").say == []
    convo.handle_text("my calf is cramping")
    assert convo.handle_text("pardon the farm animals").reply_keys == ["fallback.not_understood"]


def test_red_flag_interrupts_the_flow_with_the_one_escalation_line(
    clock: FakeClock, diary: Diary
) -> None:
    speaker = RecordingSpeaker(busy=True)
    convo = talk(clock, diary, speaker=speaker)
    convo.handle_text("my calf is cramping")
    convo.handle_text("next")
    speaker.calls.clear()
    turn = convo.handle_text("my calf is swollen and hot")
    assert speaker.calls[0] == ("stop", None, "")
    assert turn.reply_keys == ["escalation.emergency"]
    assert turn.say == ["This needs urgent help. Call emergency services on 999 now."]
    assert diary.recent_episodes()[0].outcome == "escalated"
    speaker.busy = False
    assert convo.handle_text("next").reply_keys == ["control.nothing_next"]


def test_red_flag_works_with_no_flow_running(clock: FakeClock) -> None:
    assert talk(clock).handle_text("my calf is swollen and hot").reply_keys == [
        "escalation.emergency"]


def test_escalation_line_is_worded_the_same_every_time(clock: FakeClock) -> None:
    convo = talk(clock)
    first = convo.handle_text("my calf is swollen and hot").say
    clock.advance(3600)
    convo.handle_text("my calf is cramping")
    assert convo.handle_text("my calf is swollen and hot").say == first


@pytest.mark.parametrize(("line", "first"), [
    ("it isn't easing", ["first_aid.persistent.check_chest", "first_aid.persistent.check_time",
                         "first_aid.persistent.check_calf"]),
    ("cramp and i'm pregnant", ["first_aid.pregnancy.check_leg"]),
    ("my son has a cramp", ["first_aid.child.check_seizure"]),
])
def test_red_flag_checks_come_first(clock: FakeClock, line: str, first: list[str]) -> None:
    turn = talk(clock).handle_text(line)
    assert turn.reply_keys[: len(first)] == first
    assert "999" in turn.say[0] or "urgent" in turn.say[0]


def test_persistent_during_a_flow_keeps_the_same_episode(clock: FakeClock, diary: Diary) -> None:
    convo = talk(clock, diary)
    convo.handle_text("my calf is cramping")
    clock.advance(10)
    turn = convo.handle_text("it isn't easing")
    assert "reassure.open" not in turn.reply_keys
    convo.handle_text("it has passed")
    (episode,) = diary.recent_episodes()
    assert episode.muscle == "calf"
    assert "first_aid.persistent.check_chest" in episode.steps


def test_cramp_timer_says_urgent_advice_once_after_ten_minutes(clock: FakeClock) -> None:
    convo = talk(clock)
    convo.handle_text("my calf is cramping")
    clock.advance(9 * 60)
    assert "escalation.timer" not in convo.handle_text("repeat").reply_keys
    clock.advance(60)
    turn = convo.handle_text("repeat")
    assert turn.reply_keys[:2] == ["escalation.timer", "escalation.urgent"]
    assert turn.say[0].startswith("It has been 10 minutes")
    clock.advance(10)
    assert convo.handle_text("next").reply_keys[0] == "first_aid.calf.pull_toes"
    clock.advance(10)
    assert convo.tick() is None


def test_tick_says_the_cramp_timer_when_nobody_speaks(clock: FakeClock) -> None:
    convo = talk(clock)
    convo.handle_text("my calf is cramping")
    clock.advance(599)
    assert convo.tick() is None
    clock.advance(1)
    turn = convo.tick()
    assert turn is not None and turn.reply_keys == ["escalation.timer", "escalation.urgent"]
    assert convo.tick() is None


def test_no_timer_after_the_cramp_has_passed(clock: FakeClock) -> None:
    convo = talk(clock)
    convo.handle_text("my calf is cramping")
    convo.handle_text("it has passed")
    clock.advance(15 * 60)
    assert convo.tick() is None


def test_disclaimer_is_said_once_per_session(clock: FakeClock) -> None:
    convo = talk(clock)
    said = convo.handle_text("my calf is cramping").reply_keys
    convo.handle_text("it has passed")
    said += convo.handle_text("what causes cramps").reply_keys
    said += convo.handle_text("my thigh is cramping").reply_keys
    assert said.count("disclaimer") == 1
    assert "disclaimer" in talk(clock).handle_text("what causes cramps").reply_keys


def test_reassurance_opens_each_episode_once(clock: FakeClock) -> None:
    convo = talk(clock)
    said = convo.handle_text("my calf is cramping").reply_keys
    said += convo.handle_text("my thigh is cramping").reply_keys
    assert said.count("reassure.open") == 1


def test_better_gives_aftercare_ends_the_flow_and_records_the_episode(
    clock: FakeClock, diary: Diary
) -> None:
    convo = talk(clock, diary)
    convo.handle_text("cramp in my left calf")
    clock.advance(20)
    convo.handle_text("next")
    clock.advance(40)
    assert convo.handle_text("it has passed").reply_keys == ["aftercare.passed", "aftercare.sore"]
    (episode,) = diary.recent_episodes()
    assert (episode.muscle, episode.side, episode.outcome) == ("calf", "left", "passed")
    assert episode.steps == ["first_aid.calf.straighten", "first_aid.calf.pull_toes"]
    assert episode.end is not None and episode.end - episode.start == 60
    assert convo.handle_text("next").reply_keys == ["control.nothing_next"]


def test_stop_cuts_speech_ends_the_flow_and_closes_the_window(
    clock: FakeClock, diary: Diary
) -> None:
    speaker = RecordingSpeaker()
    convo = talk(clock, diary, speaker=speaker)
    convo.handle_text("my calf is cramping")
    speaker.calls.clear()
    assert convo.handle_text("stop").reply_keys == ["control.stop"]
    assert speaker.calls[0] == ("stop", None, "")
    assert diary.recent_episodes()[0].outcome == "stopped"
    assert convo.handle_text("next").say == []


def test_diary_records_heard_intent_spoken_and_episode_rows(
    clock: FakeClock, diary: Diary
) -> None:
    convo = talk(clock, diary)
    for line in ("my calf is cramping", "next", "it has passed"):
        convo.handle_text(line)
        clock.advance(5)
    kinds = [event.kind for event in reversed(diary.recent_events(100))]
    assert kinds.count("heard") == 3
    assert kinds.count("intent") == 3
    assert kinds.count("spoken") == 3 + 6 + 2
    assert kinds.count("episode") == 2
    heard = diary.recent_events(10, kind="heard")[0]
    assert heard.data == {"text": "it has passed"}
    spoken = diary.recent_events(1, kind="spoken")[0]
    assert spoken.data["key"] == "aftercare.sore"


def test_episode_nobody_mentions_for_half_an_hour_is_closed(
    clock: FakeClock, diary: Diary
) -> None:
    convo = talk(clock, diary)
    convo.handle_text("my calf is cramping")
    clock.advance(IDLE_CLOSE_SECONDS + 1)
    convo.tick()
    (episode,) = diary.recent_episodes()
    assert episode.outcome == "no_reply"
    assert convo.handle_text("my calf is cramping").reply_keys[0] == "reassure.open"


def test_closing_the_session_records_an_open_episode_as_unfinished(
    clock: FakeClock, diary: Diary
) -> None:
    convo = talk(clock, diary)
    convo.handle_text("my calf is cramping")
    clock.advance(5)
    convo.handle_text("next")
    clock.advance(100)
    convo.close()
    (episode,) = diary.recent_episodes()
    assert episode.outcome == "unfinished"
    assert episode.end is not None and episode.end - episode.start == 5


def _episodes_on_nights(diary: Diary, nights: int) -> None:
    for night in range(nights):
        start = NIGHT - night * 86_400 - 3600
        diary.start_episode(start, "calf")


def test_frequent_cramps_note_by_day_not_at_night(clock: FakeClock, diary: Diary) -> None:
    _episodes_on_nights(diary, 3)
    convo = talk(clock, diary)
    assert "advice.frequent_cramps" not in convo.handle_text("what causes cramps").reply_keys
    clock.now = DAY
    said = convo.handle_text("how do i prevent cramps").reply_keys
    assert said[-1] == "advice.frequent_cramps"
    clock.advance(3600)
    assert "advice.frequent_cramps" not in convo.handle_text("what causes cramps").reply_keys


def test_frequent_cramps_note_needs_three_nights(clock: FakeClock, diary: Diary) -> None:
    _episodes_on_nights(diary, 2)
    clock.now = DAY
    assert "advice.frequent_cramps" not in talk(clock, diary).handle_text(
        "what causes cramps").reply_keys


def test_tick_says_the_frequent_cramps_note_by_day(clock: FakeClock, diary: Diary) -> None:
    _episodes_on_nights(diary, 4)
    convo = talk(clock, diary)
    assert convo.tick() is None
    clock.now = DAY
    turn = convo.tick()
    assert turn is not None and turn.reply_keys == ["advice.frequent_cramps"]
    assert convo.tick() is None


def test_reminder_intents_go_to_the_reminder_service(clock: FakeClock) -> None:
    reminders = FakeReminders(clock)
    convo = talk(clock, reminders=reminders)
    assert convo.handle_text("done").reply_keys == ["reminder.done"]
    assert reminders.done_calls == 1
    turn = convo.handle_match(IntentMatch("reminder.snooze", {"minutes": "15"}, "snooze"))
    assert reminders.snoozed == [15]
    assert turn.say == ["All right. I'll remind you again in 15 minutes."]
    assert convo.handle_text("snooze").say == [
        "All right. I'll remind you again in 10 minutes."]
    reminders.open = False
    assert convo.handle_text("done").reply_keys == ["reminder.nothing_due"]


def test_reminder_list_names_each_reminder_and_its_time(clock: FakeClock) -> None:
    today = [Upcoming("hydration", "", datetime(2026, 11, 25, 10, 0, tzinfo=UTC)),
             Upcoming("custom", "take the bins out", datetime(2026, 11, 25, 19, 30, tzinfo=UTC))]
    turn = talk(clock, reminders=FakeReminders(clock, today=today)).handle_text("what reminders")
    assert turn.say == ["Today's reminders: a glass of water at 10:00, "
                        "take the bins out at 19:30."]
    empty = talk(clock, reminders=FakeReminders(clock)).handle_text("what reminders")
    assert empty.reply_keys == ["reminder.list.empty"]


def test_stop_after_a_reminder_dismisses_it(clock: FakeClock) -> None:
    reminders = FakeReminders(clock)
    convo = talk(clock, reminders=reminders)
    convo.remind("hydration")
    assert convo.handle_text("stop").reply_keys == ["control.stop"]
    assert reminders.dismissed == 1


def test_morning_summary_lists_what_quiet_hours_held_back(clock: FakeClock) -> None:
    held = [Upcoming("stretch", "", datetime(2026, 11, 24, 22, 0, tzinfo=UTC))]
    turn = talk(clock).remind("summary", items=held)
    assert turn.say == ["Good morning. While you slept, I held back these reminders: "
                        "the evening calf stretch at 22:00."]
    assert talk(clock).remind("summary").say == []


def test_reminder_intents_without_a_reminder_service(clock: FakeClock) -> None:
    assert talk(clock).handle_text("done").reply_keys == ["reminder.unavailable"]


def test_stretch_reminder_offers_to_talk_you_through_it(clock: FakeClock) -> None:
    convo = talk(clock)
    assert convo.remind("stretch").reply_keys == ["reminder.stretch.prompt"]
    assert convo.handle_text("start").reply_keys[0] == "routine.stretch.position"
    keys = []
    for _ in range(4):
        keys += convo.handle_text("next").reply_keys
    assert keys == ["routine.stretch.lean", "count.start", "count.ten", "count.twenty",
                    "count.relax", "routine.stretch.rest", "routine.stretch.unsteady",
                    "routine.finished"]
    assert convo.handle_text("next").reply_keys == ["control.nothing_next"]


def test_custom_reminder_fills_its_text(clock: FakeClock) -> None:
    assert talk(clock).remind("custom", "take the bins out").say == [
        "Reminder: take the bins out"]


def test_is_busy_while_a_flow_waits_for_a_follow_up(clock: FakeClock) -> None:
    convo = talk(clock)
    assert not convo.is_busy()
    convo.handle_text("my calf is cramping")
    assert convo.is_busy()
    clock.advance(60)
    assert not convo.is_busy()


def test_help_lists_what_you_can_say(clock: FakeClock) -> None:
    assert talk(clock).handle_text("help").reply_keys == ["control.help", "control.help.more"]


def test_intent_field_is_the_stateless_classification(clock: FakeClock) -> None:
    turn = talk(clock).handle_text("next")
    assert (turn.intent, turn.say) == ("control.next", [])


@pytest.mark.parametrize("junk", ["", "   ", "\x00\x01\x02\ufffd\ufffd", "a" * 100_000])
def test_bad_input_gives_no_intent_and_no_traceback(clock: FakeClock, junk: str) -> None:
    turn = talk(clock).handle_text(junk)
    assert turn.intent is None
    assert len(turn.text) <= MAX_TEXT


def test_clean_text_drops_control_characters() -> None:
    assert clean_text("my\x00 calf\tis\r\ncramping\ufffd") == "my calf is cramping"


def test_real_matcher_walks_the_night_conversation(clock: FakeClock, diary: Diary) -> None:
    from intents.matcher import IntentMatcher

    convo = Conversation(load_pack("en"), IntentMatcher(load_pack("en")), make_config(),
                         clock=clock, diary=diary)
    turns = []
    for line in ("um my left calf is cramping", "next", "repeat", "it has passed"):
        turns.append(convo.handle_text(line))
        clock.advance(10)
    assert [t.intent for t in turns] == ["cramp.calf", "control.next", "control.repeat",
                                         "control.better"]
    assert turns[0].slots == {"side": "left"}
    assert turns[1].reply_keys == turns[2].reply_keys == ["first_aid.calf.pull_toes", *COUNT]
    (episode,) = diary.recent_episodes()
    assert (episode.side, episode.outcome) == ("left", "passed")


def test_korean_pack_answers_in_korean_with_the_same_keys(clock: FakeClock) -> None:
    from intents.matcher import IntentMatcher

    pack = load_pack("ko")
    convo = Conversation(pack, IntentMatcher(pack), make_config(), clock=clock)
    turn = convo.handle_text("종아리에 쥐가 났어요")
    assert turn.intent == "cramp.calf"
    assert turn.reply_keys == CALF
    assert turn.say[1] == pack.reply("first_aid.calf.straighten")

