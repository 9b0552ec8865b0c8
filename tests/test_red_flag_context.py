"""Whose sign is it: danger words said of things, animals, other body parts or titles stay silent,
the same words said of a leg still escalate; the lookalike corpus stays within its budget."""

from __future__ import annotations

from pathlib import Path

import pytest

from intents.language import PackError
from intents.matcher import IntentMatcher
from intents.normalize import Normalizer
from intents.red_flags import RedFlagDetector
from tests.test_everyday_silence import care_accepts, read_corpus, summarise

LOOKALIKES = Path(__file__).parent / "data" / "en_everyday_rf_dev.txt"
DEV4 = Path(__file__).parent / "data" / "en_everyday_dev4.txt"
"""The fourth lookalike corpus: even request lines tuned on, odd lines held out."""

MAX_LOOKALIKE_FALSE_ACCEPTS = 35
# Measured on the 1,100 lookalike lines (odd lines tuned on, even lines held out): the first run
# gave 153 care answers (146 danger signs); after the referent rules of intents/red_flag_context.py
# 25 on the tuning half (20 danger signs) and 27 on the held-out half (25 danger signs); after
# the causes, feelings, forecasts and news of intents/red_flag_causes.py (precision6) 35: 10 on
# the tuning half, 25 on the held-out half.


MAX_DEV4_FALSE_ACCEPTS = {"tuned": 3, "held_out": 11}
# Measured on the 1,208 lines of en_everyday_dev4.txt, written before any run: the first run gave
# 42 on the tuning half and 45 on the held-out half (74 danger signs, 12 cramp, 1 routine); after
# the harmless-cause, feeling, forecast and complexion rules (intents/red_flag_causes.py), the
# idioms and the off-topic cramps (intents/cramp_now.py) 3 and 11 (8 danger signs, 5 cramp, 1
# routine in all); see bench/RESULTS.md.


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


@pytest.mark.parametrize("text", [
    "my legs are red from the sun, what's good for sunburn",
    "my shins are red and itchy from shaving",
    "my feet went numb in the ski boots, find better boots",
    "my legs are warm under the blanket, i'll stay on the sofa",
    "my toes are purple, i painted the nails last night",
    "i'm numb with boredom in this meeting",
    "my mum went purple with rage about the parking fine",
    "swelling seas tomorrow, is the ferry still running",
    "is there a red weather warning for our area",
    "my legs are so white they glow, ha",
    "buy twenty party balloons for saturday",
    "a balloon payment on a car loan, is it a good idea",
    "he's weak at the knees for her",
    "the chair leg snapped, can it be glued",
    "the knee of my jeans is ripped",
    "england's middle order collapsed, give me the scorecard",
])
def test_harmless_cause_feeling_forecast_or_party_is_no_danger_sign(
    detector: RedFlagDetector, text: str
) -> None:
    assert detector.detect(text) is None


@pytest.mark.parametrize(("text", "level"), [
    ("my calf is red and hot after the flight", "urgent"),
    ("my toes look blue like ive been in the snow", "urgent"),
    ("my left leg is pale and cold", "urgent"),
    ("my foot has gone white", "urgent"),
    ("i feel numb in my left leg", "urgent"),
    ("my leg has ballooned since the cramp", "urgent"),
    ("my calf has blown up like a balloon", "urgent"),
    ("it started to swell after the cramp", "urgent"),
    ("my legs are pale and cold", "urgent"),
])
def test_a_sign_with_no_harmless_cause_still_escalates(
    detector: RedFlagDetector, text: str, level: str
) -> None:
    flag = detector.detect(text)
    assert flag is not None and flag.level == level


def test_fourth_lookalike_corpus_stays_within_budget_on_both_halves(
    matcher: IntentMatcher,
) -> None:
    lines = read_corpus(DEV4)
    assert len(lines) >= 1_200 and len(set(lines)) == len(lines)
    tuned = care_accepts(matcher, lines[1::2])
    held_out = care_accepts(matcher, lines[0::2])
    assert sum(tuned.values()) <= MAX_DEV4_FALSE_ACCEPTS["tuned"], summarise(tuned)
    assert sum(held_out.values()) <= MAX_DEV4_FALSE_ACCEPTS["held_out"], summarise(held_out)
