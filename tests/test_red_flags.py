"""Red-flag detector: danger signs in any wording escalate at their triage level; ordinary cramps
do not; every level has its line in both packs; Korean emergency concepts; info.remedies."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bench.intent_accuracy import Example, read_examples
from intents.language import PackError, load_pack
from intents.matcher import IntentMatcher
from intents.normalize import Normalizer
from intents.red_flags import LEVELS, RedFlagDetector
from skill.config import Config
from skill.dialogue import keys
from skill.dialogue.conversation import Conversation
from skill.dialogue.settings import SafetySettings

DEV = read_examples(Path(__file__).parent / "data" / "en_redflag_dev.tsv")
DANGER = [e for e in DEV if e.intent == "safety.red_flag"]
ORDINARY = [e for e in DEV if e.intent != "safety.red_flag"]
LEVEL_KEYS = (keys.ESCALATION, keys.ESCALATION_URGENT, keys.ESCALATION_URGENT_NUMBER,
              keys.ESCALATION_DOCTOR, keys.ESCALATION_TIMER)


@pytest.fixture(scope="module")
def korean_matcher() -> IntentMatcher:
    return IntentMatcher(load_pack("ko"))


@pytest.fixture(scope="module")
def korean(korean_matcher: IntentMatcher) -> RedFlagDetector:
    return korean_matcher.red_flags


def test_dev_set_is_big_enough_and_covers_every_level() -> None:
    assert len(DANGER) >= 150 and len(ORDINARY) >= 100
    assert {e.slots["level"] for e in DANGER} == set(LEVELS)


@pytest.mark.parametrize("example", DANGER, ids=lambda e: e.text)
def test_danger_sign_escalates_at_its_level_or_higher(
    matcher: IntentMatcher, example: Example
) -> None:
    match = matcher.match(example.text)
    assert match.intent == "safety.red_flag"
    assert LEVELS.index(match.slots["level"]) <= LEVELS.index(example.slots["level"])


@pytest.mark.parametrize("example", ORDINARY, ids=lambda e: e.text)
def test_ordinary_cramp_does_not_escalate(matcher: IntentMatcher, example: Example) -> None:
    assert matcher.match(example.text).intent != "safety.red_flag"


@pytest.mark.parametrize(("text", "level"), [
    ("my calf is swollen, red and hot", "urgent"),
    ("hot red swollen calf", "urgent"),
    ("it was swollen and hot yesterday", "urgent"),
    ("swolen calf", "urgent"),
    ("i can't breathe and my calf is swollen", "emergency"),
    ("my calf is swollen and i can't breathe", "emergency"),
])
def test_word_order_commas_tense_and_spelling_do_not_matter(
    matcher: IntentMatcher, text: str, level: str
) -> None:
    assert matcher.match(text).slots["level"] == level


@pytest.mark.parametrize("text", [
    "no chest pain, just a cramp", "my calf is not swollen", "it isn't red or hot",
    "my chest doesn't hurt, only my calf", "i'm not short of breath",
])
def test_negated_signs_do_not_escalate(matcher: IntentMatcher, text: str) -> None:
    assert matcher.match(text).intent != "safety.red_flag"


def test_a_negated_sign_does_not_hide_another(matcher: IntentMatcher) -> None:
    match = matcher.match("no chest pain but my left calf is swollen")
    assert match.slots == {"level": "urgent", "side": "left"}
    assert match.method == "red_flag"


def test_level_for_a_red_flag_another_layer_found(matcher: IntentMatcher) -> None:
    detector = matcher.red_flags
    assert detector.level_for("my calf is swollen") == "urgent"
    # a frequency of something else ("it happens every night" is the cramps' pattern now: a
    # pronoun that happens, tests/test_red_flags_dev7.py)
    assert detector.detect("every night at the gym") is None
    assert detector.level_for("every night at the gym") == "doctor"  # the concept's hint
    assert detector.level_for("something is wrong") == detector.default_level == "emergency"
    assert "chronic" in detector.found_in("every night at the gym")


def test_a_red_flag_template_on_a_denied_sign_is_no_red_flag(matcher: IntentMatcher) -> None:
    assert matcher.red_flags.only_negated("my calf is not swollen")
    assert not matcher.red_flags.only_negated("my calf is not red but it is swollen")


def test_bad_level_or_concept_in_the_data_is_a_pack_error() -> None:
    normalize = Normalizer.from_meta(load_pack("en").meta)
    with pytest.raises(PackError, match="must be one of emergency, urgent, doctor"):
        RedFlagDetector({"rules": [{"level": "soon", "all": []}]}, normalize)
    with pytest.raises(PackError, match="unknown concepts"):
        RedFlagDetector({"rules": [{"level": "urgent", "all": ["lumpy"]}]}, normalize)


@pytest.mark.parametrize("language", ["en", "ko"])
def test_every_level_has_its_line_with_a_source_tag_in_both_packs(language: str) -> None:
    pack = load_pack(language)
    for key in LEVEL_KEYS:
        assert key in pack.replies, f"{language}: {key}"
        assert pack.replies[key].source in {"A", "E", "S+A"}, key
    assert "urgent_number" in pack.replies[keys.ESCALATION_URGENT_NUMBER].placeholders


@pytest.mark.parametrize(("text", "level"), [
    ("가슴 통증이 있어요", "emergency"),
    ("가슴이 아파요 다리도 부었어요", "emergency"),
    ("숨이 차요", "emergency"),
    ("종아리가 부어 있어요", "urgent"),
    ("다리가 붓고 아파요", "urgent"),
    ("종아리가 빨갛게 됐어요", "urgent"),
    ("다리가 뜨거워요", "urgent"),
    ("발에 감각이 없어요", "urgent"),
    ("아이가 경련을 해요", "emergency"),
])
def test_korean_concepts_escalate(korean: RedFlagDetector, text: str, level: str) -> None:
    flag = korean.detect(text)
    assert flag is not None and flag.level == level


@pytest.mark.parametrize("text", ["종아리에 쥐가 났어요", "가슴 통증은 없어요",
                                  "다리가 붓지 않았어요", "뜨거운 물에 발을 담가도 돼요"])
def test_korean_ordinary_and_negated_lines_do_not_escalate(korean: RedFlagDetector,
                                                            text: str) -> None:
    assert korean.detect(text) is None


@pytest.mark.parametrize(("text", "remedy", "first"), [
    ("can I put vinegar on it", "rub", "info.remedies.rub"),
    ("should I prick it with a needle", "needle", "info.remedies.needle"),
    ("does quinine help", "quinine", "info.remedies.quinine"),
])
def test_remedy_questions_get_their_content_reply(
    matcher: IntentMatcher, text: str, remedy: str, first: str
) -> None:
    convo = Conversation(load_pack("en"), matcher, Config())
    turn = convo.handle_text(text)
    assert (turn.intent, turn.slots) == ("info.remedies", {"remedy": remedy})
    assert turn.reply_keys[0] == first
    assert not any(word in " ".join(turn.say).lower() for word in ("try ", "dose", "mg"))


def test_a_remedy_question_without_a_topic_gets_the_general_answer(
    matcher: IntentMatcher
) -> None:
    turn = Conversation(load_pack("en"), matcher, Config()).handle_text("do home remedies work")
    assert turn.reply_keys[:2] == ["info.remedies.general", "info.remedies.stretch"]


def test_food_questions_stay_info_diet(matcher: IntentMatcher) -> None:
    assert matcher.match("do bananas help").intent == "info.diet"
    assert matcher.match("does magnesium help").intent == "info.diet"


def test_urgent_line_names_the_urgent_number_or_says_the_configured_wording(
    matcher: IntentMatcher
) -> None:
    def urgent(safety: SafetySettings) -> list[str]:
        convo = Conversation(load_pack("en"), matcher, replace(Config(), safety=safety))
        return convo.handle_text("my calf is swollen").say

    assert urgent(SafetySettings()) == [
        "This needs checking today. Please get urgent medical advice."]
    assert "on 111." in urgent(SafetySettings(urgent_number="111"))[0]
    assert urgent(SafetySettings(urgent_advice="Ring the GP today.")) == ["Ring the GP today."]


@pytest.mark.parametrize(("text", "key"), [
    ("가슴이 아파요", "escalation.emergency"),
    ("왼쪽 종아리가 부었어요", "escalation.urgent"),
    ("매일 밤 쥐가 나요", "escalation.doctor"),
    ("식초를 발라도 돼요", "info.remedies.rub"),
    ("바늘로 찔러도 돼요", "info.remedies.needle"),
    ("퀴닌은 효과 있어요", "info.remedies.quinine"),
])
def test_korean_conversation_answers_danger_signs_and_remedies(
    korean_matcher: IntentMatcher, text: str, key: str
) -> None:
    pack = load_pack("ko")
    turn = Conversation(pack, korean_matcher, Config()).handle_text(text)
    assert turn.reply_keys[0] == key
    assert turn.say[0] == pack.reply(key, emergency_number="112")
