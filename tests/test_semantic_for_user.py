"""Advice and routines from the semantic layer are for the user's own legs: not for an animal,
a thing or a plain fact; routines need someone to start them for."""

from __future__ import annotations

import pytest

from intents.language import load_pack
from intents.matcher import IntentMatcher
from intents.semantic.layer import LayerSettings

CARE_FAMILIES = ("cramp", "safety", "info", "routine")


@pytest.fixture(scope="module")
def settings() -> LayerSettings:
    return LayerSettings.from_meta(load_pack("en").meta)


@pytest.mark.parametrize(("label", "text"), [
    ("info.causes", "do horses get cramp"),
    ("info.causes", "do dogs get muscle cramps"),
    ("routine.stretch", "my dog stretches his back legs every morning"),
    ("routine.hydration", "how much water is in a cup"),
    ("routine.footbath", "a footstool for the lounge"),
])
def test_advice_or_routine_for_an_animal_a_thing_or_a_fact_is_off_topic(
        settings: LayerSettings, label: str, text: str) -> None:
    assert settings.off_topic(label, text)


@pytest.mark.parametrize(("label", "text"), [
    ("info.causes", "what causes a charley horse"),
    ("info.diet", "does drinking milk help with cramp"),
    ("routine.hydration", "how much water should i drink when it is hot"),
    ("routine.footbath", "um the foot soak thing how do i do that"),
])
def test_advice_or_routine_for_the_users_own_legs_stays_on_topic(
        settings: LayerSettings, label: str, text: str) -> None:
    assert not settings.off_topic(label, text)


@pytest.mark.parametrize("text", [
    "do horses get cramp",
    "how much water is in a cup",
    "start my morning routine",
    "start my evening routine",
])
def test_lookalike_questions_and_routines_start_no_care(matcher: IntentMatcher,
                                                        text: str) -> None:
    intent = matcher.match(text).intent
    assert intent is None or intent.split(".")[0] not in CARE_FAMILIES


@pytest.mark.parametrize(("text", "intent"), [
    ("start my stretch routine", "routine.stretch"),
    ("start my calf routine", "routine.stretch"),
    ("let's do the stretching routine", "routine.stretch"),
    ("how much water should i be drinking", "routine.hydration"),
])
def test_the_leg_routines_still_start(matcher: IntentMatcher, text: str, intent: str) -> None:
    assert matcher.match(text).intent == intent
