"""Whose sign is it: danger words said of things, animals, other body parts or titles stay silent,
the same words said of a leg still escalate; the lookalike corpus stays within its budget."""

from __future__ import annotations

from pathlib import Path

import pytest

from intents.language import PackError, load_pack
from intents.matcher import IntentMatcher
from intents.normalize import Normalizer
from intents.red_flags import RedFlagDetector
from tests.test_everyday_silence import care_accepts, read_corpus, summarise

LOOKALIKES = Path(__file__).parent / "data" / "en_everyday_rf_dev.txt"

MAX_LOOKALIKE_FALSE_ACCEPTS = 52
# Measured on the 1,100 lookalike lines (odd lines tuned on, even lines held out): the first run
# gave 153 care answers (146 danger signs); after the referent rules of intents/red_flag_context.py
# 25 on the tuning half (20 danger signs) and 27 on the held-out half (25 danger signs).


@pytest.fixture(scope="module")
def matcher() -> IntentMatcher:
    return IntentMatcher(load_pack("en"))


@pytest.fixture(scope="module")
def detector(matcher: IntentMatcher) -> RedFlagDetector:
    return matcher.red_flags


@pytest.mark.parametrize("text", [
    "the tin is swollen, should i throw it away",
    "my laptop froze and won't respond",
    "my mum's phone won't respond, how do i restart it",
    "the charger is hot to the touch, should i unplug it",
    "the sand is really hot on my feet",
    "the radiator is ice cold, is the boiler off",
    "add a lump of ginger to the list",
    "i tore my jeans on the fence",
    "there's a dark patch on the ceiling",
    "my sister is not responding to the group chat",
])
def test_sign_word_said_of_a_thing_is_no_danger_sign(detector: RedFlagDetector, text: str) -> None:
    assert detector.detect(text) is None


@pytest.mark.parametrize("text", [
    "the cow's leg is swollen, call the farm vet",
    "the dog is panting after the run",
    "my dog had a seizure, find a vet",
    "my arm is swollen from the vaccine",
    "i went bright red when she said that",
])
def test_sign_of_an_animal_another_part_or_a_blush_is_no_leg_sign(
    detector: RedFlagDetector, text: str
) -> None:
    assert detector.detect(text) is None


@pytest.mark.parametrize("text", [
    "play numb by linkin park",
    "play shaking all over",
    "my son had a seizure last year, remind me to renew his medication",
    "he's having a fit about the parking ticket",
])
def test_title_past_event_or_temper_is_no_danger_sign(detector: RedFlagDetector, text: str) -> None:
    assert detector.detect(text) is None


@pytest.mark.parametrize(("text", "level"), [
    ("the back of my leg is warm to the touch", "urgent"),
    ("theres a warm patch on the back of my leg that wont go", "urgent"),
    ("i can feel heat in my calf", "urgent"),
    ("my clf is sweeling up", "urgent"),
    ("a painful cord in my calf", "urgent"),
    ("the kid in the pool is going under", "emergency"),
    ("i slipped on the stairs and cant put weight on my leg", "urgent"),
    ("fell off the ladder and cant move my leg", "urgent"),
    ("my kid had a seizure in the bath", "emergency"),
    ("my boys eyes rolled back and hes jerking", "emergency"),
    ("play some music, my calf is swollen and hot", "urgent"),
])
def test_same_words_said_of_a_leg_or_a_person_still_escalate(
    detector: RedFlagDetector, text: str, level: str
) -> None:
    flag = detector.detect(text)
    assert flag is not None and flag.level == level


def test_unquoted_yaml_boolean_in_context_is_one_clear_error() -> None:
    normalize = Normalizer.from_meta({})
    with pytest.raises(PackError, match="context places: a list of quoted words"):
        RedFlagDetector({"context": {"places": [True, "in"]}}, normalize)


def test_context_naming_an_unknown_concept_is_rejected() -> None:
    normalize = Normalizer.from_meta({})
    with pytest.raises(PackError, match="unknown concepts"):
        RedFlagDetector({"context": {"voids": {"thing": ["swelling"]}}}, normalize)


def test_lookalike_corpus_is_headed_large_and_distinct() -> None:
    lines = read_corpus(LOOKALIKES)
    assert LOOKALIKES.read_text(encoding="utf-8").startswith("# ")
    assert len(lines) >= 1_000 and len(set(lines)) == len(lines)


def test_lookalike_requests_rarely_start_cramp_care(matcher: IntentMatcher) -> None:
    found = care_accepts(matcher, read_corpus(LOOKALIKES))
    assert sum(found.values()) <= MAX_LOOKALIKE_FALSE_ACCEPTS, summarise(found)
