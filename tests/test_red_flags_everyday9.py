"""Everyday precision of the red-flag detector: real words are no slips, a request to the assistant
about something else is no report, idioms and compounds carry no sign (en_everyday_dev6.txt)."""

from __future__ import annotations

from pathlib import Path

import pytest

from intents.matcher import IntentMatcher
from tests.red_flag_support import red_flag_level as _level
from tests.test_everyday_silence import care_accepts, read_corpus, summarise

DEV6 = Path(__file__).parent / "data" / "en_everyday_dev6.txt"
"""The sixth lookalike corpus: its odd request lines were tuned on, its even lines held out."""

MAX_DEV6_FALSE_ACCEPTS: dict[str, int] = {"tuned": 3, "held_out": 10}
# Measured: the first run (written before any run of the matcher) gave 13 on the tuning half
# (11 danger signs, 2 cramp) and 13 on the held-out half; after this work 3 (1 danger sign,
# 2 cramp: idioms the semantic layer reads as a cramp) and 10 (summary only: never looked at).


@pytest.mark.parametrize("half", ["tuned", "held_out"])
def test_sixth_everyday_corpus_rarely_starts_cramp_care(matcher: IntentMatcher, half: str) -> None:
    lines = read_corpus(DEV6)
    found = care_accepts(matcher, lines[0::2] if half == "tuned" else lines[1::2])
    assert sum(found.values()) <= MAX_DEV6_FALSE_ACCEPTS[half], summarise(found)


@pytest.mark.parametrize(("word", "not_read_as"), [
    ("wifi", "wife"), ("fete", "feet"), ("budgie", "budge"), ("ewes", "eyes"),
    ("hoover's", "hooves"), ("steak's", "streaks"), ("paleo", "pale"), ("skint", "skin"),
])
def test_real_everyday_words_are_no_slips_of_a_sign_or_person(
        matcher: IntentMatcher, word: str, not_read_as: str) -> None:
    assert not_read_as not in matcher.red_flags.correct.line([word])


def test_a_device_that_keeps_collapsing_is_no_person_collapsing(matcher: IntentMatcher) -> None:
    assert _level(matcher, "my wifi keeps collapsing") is None
    assert _level(matcher, "my wife keeps collapsing") == "emergency"


@pytest.mark.parametrize("text", [
    "my feet are warm at last, turn the heater off",
    "my feet are hot put the fan on",
    "my calves are too big for these boots, find wide calf boots",
    "my foot's got pins and needles from sitting on it, play some music",
    "i sat on my leg and now it's all tingly, ha",
])
def test_warmth_explained_by_the_room_and_tingling_by_posture_are_no_report(
        matcher: IntentMatcher, text: str) -> None:
    assert _level(matcher, text) is None


@pytest.mark.parametrize(("text", "level"), [
    ("my calf is swollen and hot, call my daughter", "urgent"),
    ("my chest hurts, turn off the music", "emergency"),
    ("my left calf is swollen and red, remind me to ring the gp", "urgent"),
    ("play some music, my calf is hot and red", "urgent"),
    ("my foot has had pins and needles for weeks", "doctor"),
])
def test_a_sign_said_beside_a_request_still_escalates(
        matcher: IntentMatcher, text: str, level: str) -> None:
    assert _level(matcher, text) == level


@pytest.mark.parametrize("text", [
    "you'll have to like it or lump it",
    "you clot, i forgot the keys, where are they",
    "a clot in the drain, buy the unblocker",
    "that's swell, thanks",
    "gasping for a drink, what's open nearby",
    "i nearly had a heart attack when i saw the phone bill",
    "my daughter's seizure medication needs refilling, call the pharmacy",
    "my daughter has a fit bit, how do i sync it",
    "let me catch my breath before the next call, pause the meeting timer",
    "i'm winded after carrying the shopping up three floors",
    "the kids are puffed out after the bouncy castle",
    "i popped a balloon",
    "something went wrong with my order",
    "is blue planet on tonight",
    "comfortably numb by pink floyd play it",
    "my mate collapsed laughing at the joke",
])
def test_idioms_compounds_and_titles_carry_no_sign(matcher: IntentMatcher, text: str) -> None:
    assert _level(matcher, text) is None


@pytest.mark.parametrize(("text", "level"), [
    ("my son has a lump on his head from the slide", None),
    ("my son has a lump on his calf", "urgent"),
    ("my knees are red from kneeling on the patio all afternoon", None),
    ("my knee is red and hot", "urgent"),
    ("i can't breathe, i'm gasping for air", "emergency"),
    ("i've got a blood clot in my leg", "urgent"),
])
def test_where_a_sign_is_and_what_causes_it_decide(
        matcher: IntentMatcher, text: str, level: str | None) -> None:
    assert _level(matcher, text) == level
