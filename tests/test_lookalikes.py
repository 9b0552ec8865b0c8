"""Lookalikes: sign and cramp words said of a thing, a title, food, water, a feeling or another
topic start no care; the same words said of a person still do."""

from __future__ import annotations

import pytest

from intents.cramp_now import CrampNow
from intents.language import PackError, load_pack
from intents.matcher import IntentMatcher
from intents.real_words import english_words, real_word_sources

CARE_FAMILIES = ("cramp", "safety", "info", "routine")


def _care(matcher: IntentMatcher, text: str) -> str | None:
    intent = matcher.match(text).intent
    return intent if intent is not None and intent.split(".")[0] in CARE_FAMILIES else None


@pytest.mark.parametrize("text", [
    "which ceiling fitting takes a screw cap bulb",
    "book me a fitting for the bridesmaid dresses on saturday",
    "the chest of drawers is too heavy to carry upstairs",
    "i need to get something off my chest can we talk",
    "add stilton and blue cheese to the shopping list",
    "put the documentary heart attack on the telly",
    "we were breathless with anticipation before the results",
    "you nearly gave me a heart attack creeping up like that",
    "the office is drowning in paperwork this week",
    "is the reservoir swollen after all that rain",
    "is the severn swollen this morning",
    "my lips keep getting cold sores which cream is best",
])
def test_a_sign_word_said_of_a_thing_title_food_or_feeling_is_no_danger_sign(
        matcher: IntentMatcher, text: str) -> None:
    assert matcher.match(text).intent != "safety.red_flag"


@pytest.mark.parametrize(("text", "level"), [
    ("my dad is fitting on the kitchen floor", "emergency"),
    ("the light fitting fell on her and now she will not wake up", "emergency"),
    ("she was laughing and now she is breathless and her lips are blue", "emergency"),
    ("my chest feels heavy and tight", "emergency"),
    ("is the calf meant to be this swollen", "urgent"),
    ("my foot has gone blue and cold", "urgent"),
    ("i keep getting sores and my calf is swollen", "urgent"),
])
def test_the_same_words_said_of_a_person_still_escalate(
        matcher: IntentMatcher, text: str, level: str) -> None:
    found = matcher.match(text)
    assert (found.intent, found.slots.get("level")) == ("safety.red_flag", level)


@pytest.mark.parametrize("text", [
    "cramming for the maths test tonight so dim the lights",
    "the cupboard is crammed full of tins",
    "what does writer's cramp feel like",
    "can i take ibuprofen while pregnant",
    "is it safe to eat sushi when pregnant",
    "what is the muscle at the back of the thigh called",
    "glue the wobbly chair leg back on",
    "the sofa leg came off can you order a new one",
    "do they sell crampons in children's sizes",
])
def test_real_words_and_other_topics_start_no_cramp_care(
        matcher: IntentMatcher, text: str) -> None:
    assert _care(matcher, text) is None


@pytest.mark.parametrize(("text", "intent"), [
    ("my calf is crampin really bad", "cramp.calf"),
    ("can i take magnesium for my cramps while pregnant", "cramp.pregnancy"),
    ("will not go away even though i stretched it", "cramp.persistent"),
])
def test_cramps_of_the_leg_and_slips_of_cramp_words_still_get_care(
        matcher: IntentMatcher, text: str, intent: str) -> None:
    assert matcher.match(text).intent == intent


def test_real_words_include_inflections_but_not_common_slips() -> None:
    words = english_words()
    assert {"cramming", "sores", "fitting"} <= words
    assert not {"swolen", "crampin", "numbess"} & words


def test_cramp_now_reads_a_slip_but_never_a_real_word() -> None:
    cramp_now = CrampNow.from_meta(load_pack("en").meta)
    assert cramp_now is not None
    assert cramp_now(["my", "calf", "is", "crampin"])
    assert not cramp_now(["i", "am", "cramming", "for", "my", "exam"])


def test_an_unknown_real_word_list_is_a_pack_error() -> None:
    with pytest.raises(PackError, match="real_words"):
        real_word_sources(["webster"], "red_flags")
