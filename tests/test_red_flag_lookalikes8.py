"""Red flags, everyday lookalikes (issue 11): a leg someone else owns, figures of speech."""

from __future__ import annotations

from pathlib import Path

import pytest

from intents.matcher import IntentMatcher

DEV5 = Path(__file__).parent / "data" / "en_everyday_dev5.txt"
CARE = ("cramp", "safety", "info", "routine")
HELD_OUT_CEILING = 18
"""Care answers on dev5's odd lines (held out): 19 of 424 on the first run, 17 after precision8,
18 once merged with danger8's recall rules ("my wifi keeps collapsing" is heard as a collapse)."""


def _held_out() -> list[str]:
    lines = [line.strip() for line in DEV5.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    return lines[0::2]  # the 1st, 3rd, ... request lines: the held-out half


def _escalates(matcher: IntentMatcher, text: str) -> bool:
    return matcher.match(text).intent == "safety.red_flag"


@pytest.mark.parametrize("text", [
    "the striker's calf is swollen, is he out for the derby",
    "the jockey's knee gave way on the run in",
    "the astronaut's feet were numb after the spacewalk",
    "the chicken thigh is still pink in the middle",
    "the duck legs are red after the marinade",
])
def test_leg_of_a_sportsperson_or_of_meat_is_no_sign(matcher: IntentMatcher, text: str) -> None:
    assert not _escalates(matcher, text)


@pytest.mark.parametrize("text", [
    "my calf is swollen after the tackle",
    "my son's calf is swollen and red",
])
def test_own_or_childs_leg_still_escalates(matcher: IntentMatcher, text: str) -> None:
    assert _escalates(matcher, text)


@pytest.mark.parametrize("text", [
    "i feel like i am drowning in this course",
    "he's out of his depth as a manager",
    "she feels like she's sinking at her new school",
])
def test_sinking_or_out_of_depth_said_of_a_life_is_no_swimmer(matcher: IntentMatcher,
                                                             text: str) -> None:
    assert not _escalates(matcher, text)


@pytest.mark.parametrize("text", [
    "i'm out of my depth in the sea and i can't get back",
    "my son is out of his depth in the pool with a cramp and keeps going under",
    "i feel like i'm sinking, my leg cramped in the lake",
])
def test_swimmer_out_of_depth_or_sinking_in_water_still_escalates(matcher: IntentMatcher,
                                                                 text: str) -> None:
    assert matcher.match(text).slots.get("level") == "emergency"


@pytest.mark.parametrize("text", [
    "tingling with happiness after the wedding",
    "breathless excitement before the final",
])
def test_breathless_or_tingling_with_a_feeling_is_no_sign(matcher: IntentMatcher,
                                                         text: str) -> None:
    assert not _escalates(matcher, text)


def test_tingling_leg_for_weeks_still_sees_a_doctor(matcher: IntentMatcher) -> None:
    assert matcher.match("my calf has been tingling for weeks").slots.get("level") == "doctor"


def test_stairs_that_leave_one_breathless_are_exertion(matcher: IntentMatcher) -> None:
    assert not _escalates(matcher, "those steps at the station make me breathless")


@pytest.mark.parametrize("text", [
    "the stairs leave me breathless and my calf is swollen",
    "i'm breathless all of a sudden",
])
def test_breathless_with_a_leg_sign_or_suddenly_still_an_emergency(matcher: IntentMatcher,
                                                                  text: str) -> None:
    assert matcher.match(text).slots.get("level") == "emergency"


@pytest.mark.parametrize("text", ["the heel on my boot snapped", "the knee on my jeans ripped"])
def test_heel_or_knee_of_a_garment_is_no_injury(matcher: IntentMatcher, text: str) -> None:
    assert not _escalates(matcher, text)


def test_snap_in_own_heel_still_escalates(matcher: IntentMatcher) -> None:
    assert _escalates(matcher, "i heard a snap in my heel and can't walk")


def test_everyday_dev5_held_out_half_stays_under_ceiling(matcher: IntentMatcher) -> None:
    """dev5 (written before any run): odd request lines are held out, even lines were tuned on."""
    lines = _held_out()
    assert len(lines) == 424
    care = [(line, intent) for line in lines
            if (intent := matcher.match(line).intent) and intent.split(".")[0] in CARE]
    assert len(care) <= HELD_OUT_CEILING, care


@pytest.mark.parametrize("text", [
    "struggling to keep my head above water at work",
    "i'm sinking under all these bills",
])
def test_head_above_water_with_a_matter_of_life_is_a_figure(matcher: IntentMatcher,
                                                            text: str) -> None:
    assert not _escalates(matcher, text)


@pytest.mark.parametrize("text", [
    "my husband is struggling to keep his head above water in the lake",
    "he went under at the beach this week and isn't coming up",
])
def test_head_under_in_real_water_still_an_emergency(matcher: IntentMatcher, text: str) -> None:
    assert matcher.match(text).slots.get("level") == "emergency"


@pytest.mark.parametrize("text", [
    "the toddler's lips are blue from the slushie",
    "my lips are purple from the blackcurrant juice",
])
def test_lips_stained_by_food_or_drink_are_no_sign(matcher: IntentMatcher, text: str) -> None:
    assert not _escalates(matcher, text)


@pytest.mark.parametrize("text", [
    "my son's lips are blue from the cold water",
    "his lips went blue and he's not breathing",
])
def test_blue_lips_from_cold_or_unexplained_still_an_emergency(matcher: IntentMatcher,
                                                              text: str) -> None:
    assert matcher.match(text).slots.get("level") == "emergency"


@pytest.mark.parametrize("text", [
    "i collapsed on the bed after work",
    "we crashed on the sofa after the party",
    "i just want to collapse on the sofa tonight",
])
def test_own_tired_flop_onto_furniture_is_no_collapse(matcher: IntentMatcher, text: str) -> None:
    assert not _escalates(matcher, text)


@pytest.mark.parametrize("text", [
    "my dad collapsed on the sofa",
    "my mum collapsed on the bed and isn't responding",
    "i collapsed in the kitchen",
])
def test_someone_elses_or_unexplained_collapse_still_an_emergency(matcher: IntentMatcher,
                                                                 text: str) -> None:
    assert matcher.match(text).slots.get("level") == "emergency"
