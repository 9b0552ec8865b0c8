"""The Korean pack: every intent typed, the fragments grammar-mode Vosk really returns, and no
answer to unrelated speech."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bench.korean_clips import reached, read_sentences
from intents.language import load_pack
from intents.match import CANONICAL_INTENTS
from intents.matcher import IntentMatcher
from skill.asr.grammar import sample_sentences

HEARD = Path(__file__).parent / "data" / "ko_vosk_heard.tsv"
FRESH = Path(__file__).parent / "data" / "ko_fresh_clips.tsv"
DEV3 = Path(__file__).parent / "data" / "ko_dev3_clips.tsv"
DEV5 = Path(__file__).parent / "data" / "ko_dev5_clips.tsv"


@pytest.fixture(scope="module")
def matcher() -> IntentMatcher:
    return IntentMatcher(load_pack("ko"))


@pytest.mark.parametrize(("text", "intent"), [
    ("쥐가 났어요", "cramp.calf"),
    ("쥐 났어", "cramp.calf"),
    ("자다가 쥐가 났어요", "cramp.calf"),
    ("허벅지에 쥐가 났어요", "cramp.thigh"),
    ("발바닥에 쥐가 났어요", "cramp.foot"),
    ("다리에 쥐가 나서 못 일어나겠어요", "cramp.cannot_stand"),
    ("수영하다가 쥐가 났어요", "cramp.swimming"),
    ("달리다가 종아리에 쥐가 났어요", "cramp.exercise"),
    ("쥐가 안 풀려요", "cramp.persistent"),
    ("임신 중인데 다리에 쥐가 났어요", "cramp.pregnancy"),
    ("아이가 다리에 쥐가 났어요", "cramp.child"),
    ("왜 쥐가 나요", "info.causes"),
    ("쥐 예방법 알려 주세요", "info.prevention"),
    ("병원에 가야 하나요", "info.doctor"),
    ("뭘 먹으면 좋아요", "info.diet"),
    ("족욕 하는 법 알려 주세요", "routine.footbath"),
    ("스트레칭 알려 주세요", "routine.stretch"),
    ("물 얼마나 마셔야 해요", "routine.hydration"),
    ("천천히 말해 주세요", "control.slower"),
    ("뭘 할 수 있어요", "control.help"),
    ("다시 말해줘", "control.repeat"),
    ("다시 말해 주세요", "control.repeat"),
    ("오늘 알림 뭐 있어요", "reminder.list"),
])
def test_typed_korean_reaches_its_intent(matcher: IntentMatcher, text: str, intent: str) -> None:
    assert matcher.match(text).intent == intent


@pytest.mark.parametrize("text", [
    "에 쥐가 났어",  # a stray particle, the body part lost
    "어요 쥐 에 쥐가 났어요",  # a stray ending and a repeated word
    "쥐 쥐가 났어요",
    "종아리 종아리에 쥐가 났어요",
    "왼 종아리에 났어",  # 쥐 lost: a cramp reported in the past tense
    "났어요",
    "쥐 오른 종아리가 어요",  # the verb lost: a leg part and the cramp word
    "종아리에 어요",  # 쥐 and the verb lost: a leg part as the place, then a lone ending
    "다리가 요 나요",
    "종아리가 아파요",  # a leg that hurts, as in English ("my calf hurts")
])
def test_grammar_mode_fragments_of_a_cramp_start_first_aid(matcher: IntentMatcher,
                                                          text: str) -> None:
    assert matcher.match(text).intent == "cramp.calf"


@pytest.mark.parametrize("text", [
    "오늘 날씨 어때요", "음악 틀어 줘", "불 좀 꺼 주세요", "화가 났어요", "불이 났어요",
    "고양이가 쥐를 잡았어요", "생각이 났어요", "쥐덫 어디 있어요", "쥐가 나요", "이 쥐에 쥐가 나요",
    "다리에 쥐 안 나게 하는 법", "종아리에 쥐가 나는 원인",  # questions, not a cramp now
    "어요 수영 다리에", "왜 다리에 어요", "다리가 길어요",  # no ending after the leg; a question
    "다리에 두드러기가 나요",  # a rash on the leg: a real word between the leg and the ending
])
def test_unrelated_korean_gets_no_intent(matcher: IntentMatcher, text: str) -> None:
    assert matcher.match(text).intent is None


@pytest.mark.parametrize(("text", "intent"), [
    ("다리에 경련이 났어요", "cramp.calf"), ("종아리에 경련이 와요", "cramp.calf"),
    ("다리 경련이에요", "cramp.calf"), ("허벅지 근육이 뭉쳤어요", "cramp.thigh"),
    ("발이 뭉쳤어", "cramp.foot"), ("다시 한번 말해줄래", "control.repeat"),
    ("다음으로 넘어가", "control.next"),
    ("경련이 났어요", "safety.red_flag"),  # no leg: a seizure, not a cramp
])
def test_spasm_knot_and_other_control_phrasings_typed(matcher: IntentMatcher, text: str,
                                                      intent: str) -> None:
    assert matcher.match(text).intent == intent


@pytest.mark.parametrize(("heard", "intent"), [
    ("다시 말해 발 줘요", "control.repeat"),  # espeak's 다시 말해줘 at 130 wpm, a stray unit
    ("다시 쥐가 났어요", "cramp.calf"),  # again a cramp: not a repeat
    ("다시 수영", None),
])
def test_again_with_a_stray_unit_is_still_a_repeat(matcher: IntentMatcher, heard: str,
                                                  intent: str | None) -> None:
    assert matcher.match(heard).intent == intent


def test_every_canonical_intent_has_korean_templates() -> None:
    intents = load_pack("ko").intent_names
    missing = CANONICAL_INTENTS - intents - {"safety.red_flag", "info.remedies"}
    assert not missing


def test_questions_stay_out_of_the_korean_speech_grammar() -> None:
    """Each extra word is one more thing a no-[unk] model hears other speech as."""
    sentences = sample_sentences(load_pack("ko"))
    assert "쥐가 났어요" in sentences
    assert "왜 쥐가 나요" not in sentences


def _heard_rows() -> list[dict[str, str]]:
    lines = [line for line in HEARD.read_text(encoding="utf-8").splitlines()
             if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


@pytest.mark.parametrize("row", _heard_rows(), ids=lambda row: f"{row['heard']}")
def test_what_vosk_heard_on_espeak_clips(matcher: IntentMatcher, row: dict[str, str]) -> None:
    expect = None if row["expect"] == "null" else row["expect"]
    assert matcher.match(row["heard"]).intent == expect, row


@pytest.mark.parametrize(("text", "meant"),
                         read_sentences(FRESH) + read_sentences(DEV3) + read_sentences(DEV5),
                         ids=lambda v: str(v))
def test_fresh_korean_phrasings_typed_reach_what_they_mean(matcher: IntentMatcher, text: str,
                                                           meant: str) -> None:
    """Banmal, formal and colloquial cramp reports (쥐 나써, 쥐났다, 났습니다, 종아리가 땡겨요),
    bare controls ("이제 다 나았어요": both adverbs), and everyday speech that must stay
    unanswered (짜증 났어, 아기가 이가 났어요, 쥐가 나타났어요: a mouse, 다리미: an iron)."""
    assert reached(meant, [matcher.match(text).intent]), (text, meant)
