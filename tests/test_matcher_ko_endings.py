"""Korean cramp reports in their other common endings and words, typed, and every template's
words within reach of the speech grammar."""

from __future__ import annotations

import pytest

from intents.language import load_pack
from intents.matcher import IntentMatcher
from skill.asr.grammar import sample_sentences


@pytest.fixture(scope="module")
def matcher() -> IntentMatcher:
    return IntentMatcher(load_pack("ko"))


@pytest.mark.parametrize(("text", "intent"), [
    ("쥐났습니다", "cramp.calf"),
    ("쥐 났습니다", "cramp.calf"),
    ("쥐가 났는데요", "cramp.calf"),
    ("저기 쥐가 났는데요", "cramp.calf"),
    ("쥐 났나 봐요", "cramp.calf"),
    ("쥐났네요", "cramp.calf"),
    ("다리에 쥐가 나네", "cramp.calf"),
    ("종아리에 쥐가 올라왔어요", "cramp.calf"),
    ("쥐가 너무 심하게 났어요", "cramp.calf"),
    ("종아리가 땡기네요", "cramp.calf"),
    ("허벅지에 쥐가 났는데요", "cramp.thigh"),
    ("발바닥에 쥐 났나 봐요", "cramp.foot"),
])
def test_other_endings_of_a_cramp_report_start_first_aid(
        matcher: IntentMatcher, text: str, intent: str) -> None:
    assert matcher.match(text).intent == intent


@pytest.mark.parametrize(("text", "side"), [
    ("왼발 쥐", "left"), ("오른발에 쥐 났어요", "right"), ("왼발이 당겨요", "left"),
    ("오른발에 쥐났습니다", "right"),
])
def test_left_or_right_foot_in_one_word_is_a_foot_cramp_on_that_side(
        matcher: IntentMatcher, text: str, side: str) -> None:
    found = matcher.match(text)
    assert (found.intent, found.slots.get("side")) == ("cramp.foot", side)


@pytest.mark.parametrize(("text", "intent"), [
    ("뭐라고 했어", "control.repeat"),
    ("뭐라고 했어요", "control.repeat"),
    ("쥐가 다 풀렸어요", "control.better"),
    ("쥐 다 풀렸어", "control.better"),
    ("좀 더 천천히요", "control.slower"),
])
def test_controls_in_everyday_words_are_understood(
        matcher: IntentMatcher, text: str, intent: str) -> None:
    assert matcher.match(text).intent == intent


@pytest.mark.parametrize(("text", "intent"), [
    ("뭐라고 하셨어요", "control.repeat"),
    ("다시요", "control.repeat"),
    ("다시 한번 말씀해 주세요", "control.repeat"),
    ("다음 단계로 가 주세요", "control.next"),
    ("다음 거 해 주세요", "control.next"),
    ("다음 해 주세요", "control.next"),
    ("이제 그만 말해도 돼요", "control.stop"),
    ("그만 말해", "control.stop"),
    ("이제 그만", "control.stop"),
    ("이제 안 아파요", "control.better"),
    ("안 아파요", "control.better"),
    ("뭘 할 수 있어", "control.help"),
])
def test_controls_in_other_phrasings_and_endings_are_understood(
        matcher: IntentMatcher, text: str, intent: str) -> None:
    assert matcher.match(text).intent == intent


@pytest.mark.parametrize("text", ["쥐가 나서 너무 아파요", "종아리에 쥐가 나서 죽겠어요",
                                  "쥐 나서 진짜 아파요"])
def test_a_cramp_and_how_much_it_hurts_starts_first_aid(matcher: IntentMatcher, text: str) -> None:
    assert matcher.match(text).intent == "cramp.calf"


@pytest.mark.parametrize("text", ["다음 해에 여행 가요", "다음 주에 봐요", "그만 먹어",
                                  "다리가 안 아파요"])
def test_next_year_next_week_and_other_lines_sharing_a_control_word_are_no_control(
        matcher: IntentMatcher, text: str) -> None:
    found = matcher.match(text).intent
    assert found is None or not found.startswith("control."), found


@pytest.mark.parametrize("text", [
    # pins and needles: numbness is a triage sign (CONTENT.md), not the cramp flow
    "다리가 저려요",
    # a present-tense "쥐가 나요" alone: grammar-mode Vosk hears espeak's "그만해요" so
    "쥐가 나요",
    # the animal, and other things that "came out"
    "부엌에 쥐가 나왔어", "고양이가 쥐를 잡았어요", "쥐가 너무 많이 나왔어요",
    # 저기 (um) is a filler, not the cramp
    "저기 있는 거 줘",
])
def test_numbness_a_bare_present_tense_and_the_animal_start_no_first_aid(
        matcher: IntentMatcher, text: str) -> None:
    found = matcher.match(text).intent
    assert found is None or not found.startswith("cramp."), found


def test_new_typed_endings_stay_out_of_the_speech_grammar() -> None:
    """Each new grammar word is one more thing other speech is heard as: with every template's
    shortest sentences in the grammar, "왔어" took espeak's "났어" (ko_fresh6 cramp 27 -> 22 of 78).
    The new endings sit in the last templates, past the grammar's cap; the new controls use only
    units the grammar already had."""
    sentences = set(sample_sentences(load_pack("ko")))
    assert not {"쥐났습니다", "쥐가 났는데요", "왼발 쥐", "다리 경련"} & sentences
    assert {"뭐라고 했어", "쥐가 다 풀렸어요", "쥐가 났어요", "종아리에 쥐가 났어요"} <= sentences
    assert not {"쥐가 나서 너무 아파요", "쥐가 나서 죽겠어요"} & sentences


def test_typed_only_control_phrasings_stay_out_of_the_speech_grammar() -> None:
    """In the grammar their units took other speech and cramp reports (그만 from "음악 좀 틀어
    줘", 하셨어요 from "종아리에 쥐 났어요"): `typed_only` blocks are matched, never heard."""
    sentences = set(sample_sentences(load_pack("ko")))
    assert not {"뭐라고 하셨어요", "다음 단계로 가 주세요", "이제 그만 말해도 돼요",
                "이제 안 아파요", "다시요", "그만 말해"} & sentences
    assert {"그만", "다음", "다시 말해 줘", "뭐라고 했어", "이제 괜찮아요"} <= sentences


@pytest.mark.parametrize("heard", [
    "이 다리에", "다리에 이", "종아리 왼 어요", "종아리이", "종아리 요"])
def test_leg_part_among_lost_units_is_a_cramp_whose_other_words_were_lost(
        matcher: IntentMatcher, heard: str) -> None:
    """What grammar-mode Vosk leaves of "으 다리에 쥐" or "종아리가 땡겨요": the leg, and around
    it only one-syllable units or lone endings."""
    assert matcher.match(heard).intent == "cramp.calf"


@pytest.mark.parametrize("heard", ["종아리", "다리미 어요", "이 허벅지 있어요", "발이 고 있어요",
                                   "다리를 건너요", "다리 종아리 어요", "왜 다리에 요"])
def test_leg_part_alone_or_beside_real_words_is_no_cramp_report(
        matcher: IntentMatcher, heard: str) -> None:
    found = matcher.match(heard).intent
    assert found is None or not found.startswith("cramp."), found


@pytest.mark.parametrize("heard", ["다시 가 이 어요 말해 줘요", "다시 가 나고 어요",
                                   "다시 다시 가 오른쪽 요"])
def test_again_then_lost_units_is_a_repeat(matcher: IntentMatcher, heard: str) -> None:
    """What grammar-mode Vosk makes of espeak's "다시 한번 말해줘" (한번 heard as 가)."""
    assert matcher.match(heard).intent == "control.repeat"


@pytest.mark.parametrize(("heard", "intent"), [
    ("다시 쥐가 났어요", "cramp.calf"), ("다시 종아리에 쥐났어", "cramp.calf"),
    ("다시 아파요", None), ("다시 이 쥐 수영", None), ("뒤에 다시 요", None),
    ("다시 왜 나요", None)])
def test_again_beside_a_cramp_pain_or_question_is_no_repeat(
        matcher: IntentMatcher, heard: str, intent: str | None) -> None:
    assert matcher.match(heard).intent == intent
