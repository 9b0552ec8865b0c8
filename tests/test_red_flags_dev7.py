"""Red flags, seventh dev set: a chronic pattern said without the word cramp, a swimmer's trouble
only in the water (not the money idiom), breathless with a swollen leg whatever the cause."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.intent_accuracy import read_examples
from intents.matcher import IntentMatcher
from tests.red_flag_support import check_dev_set
from tests.red_flag_support import red_flag_level as _level

DEV7 = read_examples(Path(__file__).parent / "data" / "en_redflag_dev7.tsv")
DANGER_FLOOR = 170
LOOKALIKE_CEILING = 0


def test_dev7_floors(matcher: IntentMatcher) -> None:
    """Floors at the figures measured after the work (first run, written before any run: 156/170
    escalated at the right level or higher (74/83 on the even lines tuned on, 82/87 on the odd lines
    held out), 0/64 ordinary cramps and 3/42 lookalikes escalated; now 170 (83/83, 87/87), 0, 0)."""
    check_dev_set(matcher, DEV7, (170, 64, 42), DANGER_FLOOR, LOOKALIKE_CEILING)


@pytest.mark.parametrize("text", [
    "five nights out of seven",            # the answer to "how often do they come?"
    "it's been weeks now",
    "every single night this month",
    "yeah pretty much every night",
    "this is the third night in a row",
])
def test_a_frequency_said_alone_is_a_doctor_pattern(matcher: IntentMatcher, text: str) -> None:
    assert _level(matcher, text) == "doctor"


@pytest.mark.parametrize("text", [
    "they come back every night",
    "it happens every night now",
    "i get them all the time",
    "its been happening four or five times a week",
    "they're wakin me up evry nite",               # slips of waking and every night
    "every night since i started the new pills",   # a pattern since a new medicine
    "the cramps happen for no reason, all the time",  # "no reason" denies no frequency
])
def test_cramps_said_to_come_back_without_the_word_are_a_doctor_pattern(
        matcher: IntentMatcher, text: str) -> None:
    assert _level(matcher, text) == "doctor"


@pytest.mark.parametrize("text", [
    "i go running five nights out of seven",       # a frequency of something else
    "every single night this month it's rained",
    "it's been weeks since i saw my mum",
    "remind me every day to take my statins",      # a medicine with no change said
    "cramp again tonight third time this week",    # not yet most nights: ordinary (dev2)
])
def test_a_frequency_of_something_else_is_no_sign(matcher: IntentMatcher, text: str) -> None:
    assert _level(matcher, text) is None


@pytest.mark.parametrize("text", [
    "i'm struggling to keep my head above water with the bills",
    "we're barely keeping our heads above water this month",
    "work is drowning me",
    "we're drowning in courgettes from the allotment",
    "the boat is sinking in the game",
])
def test_the_drowning_idiom_is_no_swimmer_in_trouble(matcher: IntentMatcher, text: str) -> None:
    assert _level(matcher, text) is None


@pytest.mark.parametrize("text", [
    "help i'm drowning",                            # said alone: a swimmer
    "i can't keep my head above water",
    "i'm treading water with a cramp and can't keep going",
    "my son is splashing and going under in the lake, he said cramp",
    "help cant float im going under",
])
def test_a_swimmer_in_trouble_still_escalates(matcher: IntentMatcher, text: str) -> None:
    assert _level(matcher, text) == "emergency"


def test_breathless_with_a_swollen_leg_is_an_emergency_whatever_the_cause(
        matcher: IntentMatcher) -> None:
    # "from the cramp" is the swelling's cause, not the breathlessness's
    assert _level(matcher, "gasping for air and my leg is still swollen from the cramp") == (
        "emergency")
    assert _level(matcher, "i was puffing on the hill climb") is None


def test_a_size_said_with_more_is_swelling(matcher: IntentMatcher) -> None:
    assert _level(matcher, "my leg on one side is much more fat than the other one") == "urgent"


@pytest.mark.parametrize(("text", "level"), [
    ("since september", "doctor"),                                  # a span since a month
    ("they started a few weeks ago and haven't stopped", "doctor"),
    ("they wake me most nights", "doctor"),
    ("my friend is drowning", "emergency"),                         # a person, no idiom object
    ("she's drowning in the canal", "emergency"),
    ("been stretching for twenty odd minutes and it won't let go", "urgent"),  # a rough count
    ("cramp for 20 or so minutes and it won't go", "urgent"),
    ("my nan had a fall and her leg looks wrong", "urgent"),        # a leg part and a sign
    ("the one leg is like twice as thick now", "urgent"),           # a size word class
    ("i flew home yesterday and my calf is sore", "urgent"),
])
def test_generalised_shapes_escalate_at_their_level(
        matcher: IntentMatcher, text: str, level: str) -> None:
    assert _level(matcher, text) == level


@pytest.mark.parametrize("text", [
    "my mum is drowning in ironing",                # an idiom's object after drowning
    "it's been going on for ages",                  # ages: minutes in a cramp that won't go
    "give me 20 odd minutes to finish",
    "my foot is twisted up in a cramp",             # a cramp's shape, no fall
    "i fell over and my leg looks fine",
    "since the summer i've been learning french",
    "what does a blood clot in your leg actually feel like",  # asked in general, not a report
])
def test_lookalikes_of_the_generalised_shapes_do_not_escalate(
        matcher: IntentMatcher, text: str) -> None:
    assert _level(matcher, text) is None
