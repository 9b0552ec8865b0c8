"""What the small Korean model makes of espeak-ng's speech, and what the matcher makes of that:
its stand-ins for 쥐가 and 허벅지가 report a cramp, its stand-ins for a kitchen, an alarm and
"move on" start nothing."""

from __future__ import annotations

import pytest

from intents.language import load_pack
from intents.matcher import IntentMatcher


@pytest.fixture(scope="module")
def matcher() -> IntentMatcher:
    return IntentMatcher(load_pack("ko"))


@pytest.mark.parametrize(("heard", "intent"), [
    ("왼 종아리에 아이가 어요", "cramp.calf"),  # 왼쪽 종아리에 쥐 났어요, 120 wpm
    ("요 아이가 어요", "cramp.calf"),  # 종아리 쥐 났어요, 120 wpm
    ("아이가 나요", "cramp.calf"),  # 쥐 났다, 130 wpm
    ("에 아이 요", "cramp.calf"),  # 발에 쥐가 나요, 130 wpm
    ("더 가 나요", "cramp.thigh"),  # 허벅지에 쥐가 나요, 170 and 210 wpm
    ("더 가 나 어요", "cramp.thigh"),  # 허벅지가 당겨요
    ("더 가 났어요", "cramp.thigh"),  # 허벅지 쥐났어요; before, the general leg cramp
    ("오른 종아리가 서겠어요", "cramp.cannot_stand"),  # 새벽에 종아리에 쥐가 나서 깼어, 200 wpm
])
def test_the_small_models_stand_ins_for_cramp_words_still_report_the_cramp(
        matcher: IntentMatcher, heard: str, intent: str) -> None:
    assert matcher.match(heard).intent == intent


@pytest.mark.parametrize("heard", [
    "어요 아이가 나요",  # 오늘 날씨 어때요: a lone ending before 아이가, not a fragment of 쥐가
    "아이가 아파요",  # the child is unwell: not a cramp report
    "우리 아이가 웃어요",
    "더 가 봐",  # go further: no lone ending after "더 가"
    "더 가 뒤에 알려 나요",  # words, not lost units, after "더 가"
    "후 났어",  # 부엌에 쥐가 나왔어 (a mouse in the kitchen), 170 wpm
    "후 이 가 올랐어요",  # 부엌에 쥐 한 마리가 있어, 200 wpm
    "부었어요 났어",  # 부엌에 쥐가 나왔어, 130 wpm
    "부었 가 올랐어요",  # 뭘 할 수 있어요, 170 wpm
    "났네 수영",  # 알람 맞춰 줘, 170 wpm
    "이 가 났네 어요",  # 내일 알람 맞춰 줘, 200 wpm
])
def test_other_speech_heard_as_fragments_starts_nothing(matcher: IntentMatcher,
                                                        heard: str) -> None:
    assert matcher.match(heard).intent is None


@pytest.mark.parametrize("heard", [
    "넘어가 줘 이 부었어요 수영",  # 엄마한테 전화 걸어 줘: 넘어가 is "move on", not a fall
    "부었어요 아이",  # 부엌에 쥐가 있어요: a child beside 부었 names no swollen leg
    "부었 아이가 올라요 가 이 어",  # 부엌에 쥐 한 마리가 있어, 120 wpm
])
def test_move_on_or_a_child_beside_a_lone_swelling_is_no_danger_sign(
        matcher: IntentMatcher, heard: str) -> None:
    assert matcher.match(heard).intent != "safety.red_flag"


@pytest.mark.parametrize("text", [
    "넘어져서 다리가 부었어요",  # fell, and the leg swelled
    "넘어지고 나서 다리를 못 움직이겠어요",
    "우리 아이 다리가 부었어요",  # the child's leg swelled
    "쥐가 났는데 종아리가 부었어요",
    "부었어요 다리에 쥐났어",  # 와이프 종아리에 쥐났어, 120 wpm: a swollen leg, whatever was said
])
def test_a_fall_or_a_childs_swollen_leg_is_still_a_danger_sign(matcher: IntentMatcher,
                                                               text: str) -> None:
    assert matcher.match(text).intent == "safety.red_flag"


@pytest.mark.parametrize("text", ["쥐가 났네", "쥐났네", "다리에 쥐 났네", "허벅지에 쥐가 났어요"])
def test_typed_cramp_reports_are_unchanged(matcher: IntentMatcher, text: str) -> None:
    found = matcher.match(text).intent
    assert found is not None and found.startswith("cramp."), found


@pytest.mark.parametrize(("text", "intent"), [
    ("종아리가 막 뭉쳤어요 아파요", "cramp.calf"),
    ("종아리가 돌처럼 딱딱해요", "cramp.calf"),
    ("아 다리에 쥐나서 아파 죽겠어", "cramp.calf"),
    ("오른쪽 허벅지 뒤쪽이 땡겨요", "cramp.thigh"),
    ("발가락이 막 꼬여요", "cramp.foot"),
    ("왼발에 쥐가 나서 너무 아파요", "cramp.foot"),
    ("뭐라고요 못 들었어요", "control.repeat"),
    ("한 번만 더 말해 주세요", "control.repeat"),
    ("했어요 다음은요", "control.next"),
    ("이제 됐어 그만해", "control.stop"),
])
def test_knotted_stone_hard_or_twisting_muscles_and_everyday_controls_are_understood_typed(
        matcher: IntentMatcher, text: str, intent: str) -> None:
    assert matcher.match(text).intent == intent


@pytest.mark.parametrize("text", [
    "책상이 딱딱해요", "일이 꼬여요", "숙제 다 했어", "빵이 딱딱해졌어요",
])
def test_hard_or_twisted_things_that_are_no_leg_start_nothing(matcher: IntentMatcher,
                                                               text: str) -> None:
    assert matcher.match(text).intent is None
