"""Red flags, ninth dev set: "'s" before a sign word, a recogniser's slip of "calf" after an owner,
"coffin up blood", a child gone stiff or blue, not reacting to anything, cramps begun after a new
medicine or coming back again and again, ongoing numbness to the doctor, breathless with awe."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.intent_accuracy import read_examples
from intents.matcher import IntentMatcher
from intents.red_flag_meta import detector_meta
from intents.red_flag_slips import LegSlips
from tests.red_flag_support import check_dev_set
from tests.red_flag_support import red_flag_level as _level

DEV9 = read_examples(Path(__file__).parent / "data" / "en_redflag_dev9.tsv")
DANGER_FLOOR = 109
LOOKALIKE_CEILING = 1


def test_dev9_floors(matcher: IntentMatcher) -> None:
    """Floors at the figures measured after the work (first run, written before any run: 107/110
    escalated at the right level or higher (50/52 on the even lines tuned on, 57/58 on the odd
    lines held out), 0/50 ordinary cramps and 2/40 lookalikes escalated; now 109/110 (52/52,
    57/58 held out, never looked at), 0/50, 1/40 (the held-out one))."""
    check_dev_set(matcher, DEV9, (110, 50, 40), DANGER_FLOOR, LOOKALIKE_CEILING)


@pytest.mark.parametrize("text", [
    "it feels like there's a knot in my calf that won't go and the skin's red and warm",
    "her ankle's purple and she didn't bang it",
])
def test_a_sign_word_after_s_says_what_the_part_is(matcher: IntentMatcher, text: str) -> None:
    assert _level(matcher, text) == "urgent"


@pytest.mark.parametrize("text", [
    "my car feels hot and swollen and hurts to walk",
    "my cafe is swollen and tender",
])
def test_a_slip_of_calf_after_an_owner_before_a_body_sign_is_the_calf(
        matcher: IntentMatcher, text: str) -> None:
    assert _level(matcher, text) == "urgent"


@pytest.mark.parametrize("text", [
    "my car is really hot after sitting in the sun",
    "our car feels cramped with three kids in the back",
    "the cafe is swollen with tourists",
    "my car is making a funny noise",
])
def test_a_slip_word_without_an_owner_and_a_body_sign_stays_a_thing(
        matcher: IntentMatcher, text: str) -> None:
    assert _level(matcher, text) is None


def test_leg_slips_rewrite_only_after_an_owner_and_before_a_body_sign() -> None:
    slips = LegSlips.from_data({"words": {"car": "calf"}, "owners": ["my"],
                                "body_signs": ["swell*"], "window": 3})
    def line(text: str) -> str:
        return " ".join(slips.line(text.split(" ")))

    assert line("my car is swelling") == "my calf is swelling"
    assert line("the car is swelling") == "the car is swelling"
    assert line("my car is hot") == "my car is hot"


def test_the_detector_adds_its_own_words_after_s_to_the_packs() -> None:
    meta = detector_meta({"is_after_s": ["pregnant"], "slips": {"a": "b"}},
                         {"is_after_s": ["red"], "slips": {"c": "d"}, "max_tokens": 9})
    assert meta["is_after_s"] == ["pregnant", "red"]
    assert meta["slips"] == {"a": "b", "c": "d"} and meta["max_tokens"] == 9


def test_coughing_misheard_as_coffin_still_coughs_blood(matcher: IntentMatcher) -> None:
    assert _level(matcher, "been coffin up blood and my calf is still hard and hot") == "emergency"


@pytest.mark.parametrize("text", [
    "the baby went blue and stiff and now he's twitching",
    "my niece is shaking uncontrollably and not reacting to anything",
])
def test_a_child_gone_stiff_or_not_reacting_while_shaking_is_an_emergency(
        matcher: IntentMatcher, text: str) -> None:
    assert _level(matcher, text) == "emergency"


@pytest.mark.parametrize("text", [
    "my son's calf went stiff and is twitching",
    "the app is not reacting to anything",
    "my nephew is stiff after football training",
])
def test_a_legs_cramp_or_a_thing_not_reacting_is_no_seizure(matcher: IntentMatcher,
                                                            text: str) -> None:
    assert _level(matcher, text) != "emergency"


@pytest.mark.parametrize("text", [
    "they started after the doctor put me on a new statin",
    "cramps come back again and again",
    "the cramping keeps returning no matter what i do",
    "my feet keep going numb and tingly on and off",
])
def test_a_pattern_or_ongoing_numbness_is_for_the_doctor(matcher: IntentMatcher,
                                                         text: str) -> None:
    assert _level(matcher, text) == "doctor"


@pytest.mark.parametrize("text", [
    "they started after lunch",
    "it comes back again and again in the song",
    "the numbers have been going up for a while",
])
def test_a_start_or_a_return_of_something_else_is_no_pattern(matcher: IntentMatcher,
                                                             text: str) -> None:
    assert _level(matcher, text) is None


def test_sudden_numbness_stays_urgent_however_long(matcher: IntentMatcher) -> None:
    assert _level(matcher, "my leg suddenly went numb for a while") == "urgent"


@pytest.mark.parametrize("text", [
    "the film left me breathless",
    "that view from the top left me breathless",
])
def test_breathless_with_awe_is_no_sign(matcher: IntentMatcher, text: str) -> None:
    assert _level(matcher, text) is None


@pytest.mark.parametrize("text", [
    "the cramp left me breathless and my leg is swollen",
    "every time i breathe in it catches and my leg is puffed up",
])
def test_breathlessness_with_a_swollen_leg_is_still_an_emergency(matcher: IntentMatcher,
                                                                 text: str) -> None:
    assert _level(matcher, text) == "emergency"


@pytest.mark.parametrize(("text", "level"), [
    ("i've been stretching for ten minutes and it's no better", "urgent"),
    ("it hasn't let go since i got into bed and that was ages ago", "urgent"),
    ("this cramp won't go it's been ages and stretching is useless", "urgent"),
    ("she's bobbing up and down in the water and can't reach the side", "emergency"),
    ("short of breast and my leg is puffy", "emergency"),
    ("my foot is cold and blew", "urgent"),
    ("i can't walk far without my calves hurting and i have to stop", "doctor"),
    ("my legs go numb a lot", "doctor"),
])
def test_signs_said_loosely_escalate_at_their_level(matcher: IntentMatcher, text: str,
                                                    level: str) -> None:
    assert _level(matcher, text) == level


@pytest.mark.parametrize("text", [
    "stretching isn't helping",
    "the wind blew the fence down",
    "i get breathless when i climb the stairs",
    "my daughter went purple with rage",
    "our cafe is swollen with customers today",
])
def test_their_everyday_neighbours_stay_silent(matcher: IntentMatcher, text: str) -> None:
    assert _level(matcher, text) is None


@pytest.mark.parametrize("text", [
    "my son is shaking with excitement about christmas",
    "my boss collapsed into laughter",
])
def test_shaking_or_collapsing_with_a_feeling_is_no_seizure(matcher: IntentMatcher,
                                                            text: str) -> None:
    assert _level(matcher, text) is None


def test_a_child_shaking_with_a_fever_and_not_responding_is_still_an_emergency(
        matcher: IntentMatcher) -> None:
    assert _level(matcher, "my son is shaking with a fever and not responding") == "emergency"
