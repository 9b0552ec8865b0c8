"""Red flags, eighth dev set: a degree never reached is no denial, a clause of time is past a
negator, rest relief in any words, a phrase of where between a noun and its sign; real words
are never respelled into sign words ("wifi" is no "wife")."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.intent_accuracy import read_examples
from intents.matcher import IntentMatcher
from tests.red_flag_support import check_dev_set
from tests.red_flag_support import red_flag_level as _level

DEV8 = read_examples(Path(__file__).parent / "data" / "en_redflag_dev8.tsv")
DANGER_FLOOR = 147
LOOKALIKE_CEILING = 0


def test_dev8_floors(matcher: IntentMatcher) -> None:
    """Floors at the figures measured after the work (first run, written before any run: 146/151
    escalated at the right level or higher (74/75 on the even lines tuned on, 72/76 on the odd
    lines held out), 0/60 ordinary cramps and 1/40 lookalikes escalated; now 147 (75/75, 72/76
    held out, never looked at), 0, 0)."""
    check_dev_set(matcher, DEV8, (151, 60, 40), DANGER_FLOOR, LOOKALIKE_CEILING)


@pytest.mark.parametrize("text", [
    "my wifi keeps collapsing",
    "the wifi collapsed again",
    "my wifi keeps collapsing every evening",
])
def test_a_real_word_is_never_respelled_into_a_sign_word(matcher: IntentMatcher,
                                                         text: str) -> None:
    assert matcher.red_flags.correct("wifi") == "wifi"  # not "wife", a person who collapses
    assert _level(matcher, text) is None


def test_the_word_it_was_mistaken_for_still_escalates(matcher: IntentMatcher) -> None:
    assert _level(matcher, "my wife keeps collapsing") == "emergency"


@pytest.mark.parametrize("text", [
    "never had my leg go this red and hot",
    "i've never seen my calf this swollen before",
])
def test_a_degree_never_reached_before_is_no_denial(matcher: IntentMatcher, text: str) -> None:
    assert _level(matcher, text) == "urgent"


@pytest.mark.parametrize("text", [
    "my leg will not hold me up since the cramp",
    "i haven't slept since my calf swelled up",
])
def test_a_clause_of_time_is_past_the_negator_before_it(matcher: IntentMatcher,
                                                        text: str) -> None:
    assert _level(matcher, text) == "urgent"


@pytest.mark.parametrize("text", [
    "my calf is not swollen",
    "it's not swollen after the cramp",
    "no swelling since the op",
])
def test_a_sign_denied_before_its_clause_of_time_is_still_denied(matcher: IntentMatcher,
                                                                 text: str) -> None:
    assert _level(matcher, text) is None


@pytest.mark.parametrize("text", [
    "can only walk about a hundred yards before the leg hurts then I rest and its fine again",
    "i can walk maybe 200 metres and then the calf aches so i stand still and it goes",
])
def test_pain_walking_that_a_rest_ends_is_a_doctor_sign(matcher: IntentMatcher,
                                                       text: str) -> None:
    assert _level(matcher, text) == "doctor"


def test_a_cramp_walked_off_and_over_is_no_walking_pain(matcher: IntentMatcher) -> None:
    assert _level(matcher, "i had a cramp, walked around, stopped and it's fine now") is None


@pytest.mark.parametrize("text", [
    "the vein on the back of my knee is hard and painful",
    "my sock's left a really deep dent on just the one leg and it aches",
    "is it normal that one ankle is twice the other",
    "my calve is red and hot, just the left",
])
def test_one_leg_signs_said_with_a_place_a_dent_or_a_slip_are_urgent(matcher: IntentMatcher,
                                                                     text: str) -> None:
    assert _level(matcher, text) == "urgent"


@pytest.mark.parametrize("text", [
    "leg hurts and every breath is sharp in my chest",
    "i can only take tiny breaths and my calf hurts",
])
def test_a_breath_that_hurts_is_an_emergency(matcher: IntentMatcher, text: str) -> None:
    assert _level(matcher, text) == "emergency"


@pytest.mark.parametrize("text", [
    "37 weeks and the cramp in my calf is unreal im crying",   # a pregnancy week, no pattern
    "my sourdough's swollen to twice the size is that normal",  # the size is the dough's
])
def test_a_week_of_pregnancy_or_a_things_size_is_no_sign(matcher: IntentMatcher,
                                                        text: str) -> None:
    assert _level(matcher, text) is None


@pytest.mark.parametrize("text", [
    "my colleague collapsed and isn't responding",
    "my twins are shaking and not responding",
    "he went rigid and fell down shaking",
])
def test_a_person_no_list_named_before_is_no_thing(matcher: IntentMatcher, text: str) -> None:
    assert _level(matcher, text) == "emergency"


@pytest.mark.parametrize("text", [
    "my leg's a weird shade and sore",
    "my leg has gone all patchy and cold",
    "the skin on my calf looks angry",
    "my calf feels like it's full of fluid",
    "i can't believe how swollen my calf is",
])
def test_a_sign_said_vaguely_is_still_heard(matcher: IntentMatcher, text: str) -> None:
    assert _level(matcher, text) == "urgent"


@pytest.mark.parametrize("text", [
    "cramp while walking the dog, stopped and stretched and it's better",
    "my son is stuck on his maths homework",
    "my pins and needles embroidery is coming along",
    "the wifi is patchy",
    "first cramp in months",
])
def test_everyday_lines_near_the_new_words_stay_silent(matcher: IntentMatcher, text: str) -> None:
    assert _level(matcher, text) is None


@pytest.mark.parametrize("text", [
    "i dread going to bed because of the cramps",
    "i've been suffering with cramps for ages now",
    "it's every night without fail",
    "this is the fifth night running i've woken up with cramp",
    "i think my tablets are causing my cramps",
])
def test_a_pattern_said_in_other_words_is_a_doctor_sign(matcher: IntentMatcher,
                                                        text: str) -> None:
    assert _level(matcher, text) == "doctor"


@pytest.mark.parametrize("text", [
    "she got cramp on the paddleboard fell in and isn't coming up",
    "he's cramping in the water and swallowing lots of water",
])
def test_a_swimmer_who_does_not_come_up_is_an_emergency(matcher: IntentMatcher,
                                                        text: str) -> None:
    assert _level(matcher, text) == "emergency"


def test_bread_that_is_not_coming_up_is_no_swimmer(matcher: IntentMatcher) -> None:
    assert _level(matcher, "the bread dough is not coming up after an hour") is None
