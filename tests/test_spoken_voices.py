"""Spoken voices the early data lacked: carers, 'it' for the cramp, misheard key words, remedies."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from intents.language import load_pack
from intents.matcher import IntentMatcher
from intents.semantic.layer_settings import LayerSettings
from intents.semantic.mishearing import Mishearings

DATA = Path(__file__).parent / "data"

DEV8_ODD_RIGHT_AT_LEAST = 0.88
"""en_recall8_dev.tsv's odd lines (never tuned on): 110 of 126 on the first run, 116 with the
recall8 data and gates (heads over this round's retrains: 112-116); the floor leaves room
for a head trained on other data or another seed."""
DEV8_ODD_FALSE_ACCEPTS_AT_MOST = 1
"""Measured: 0 of 27 everyday and lookalike lines answered."""


@pytest.fixture(scope="module")
def mishearings() -> Mishearings:
    return Mishearings.from_meta(load_pack("en").meta)


@pytest.fixture(scope="module")
def settings() -> LayerSettings:
    return LayerSettings.from_meta(load_pack("en").meta)


@pytest.mark.parametrize(("heard", "meant"), [
    ("ow my car my car's cramping", "ow my calf my calf's cramping"),
    ("i think i've got a cramp in my car", "i think i've got a cramp in my calf"),
    ("i've got camp in my leg", "i've got cramp in my leg"),
    ("got a crab in my left calf", "got a cramp in my left calf"),
    ("my calm is cramping", "my calf is cramping"),
])
def test_misheard_key_word_is_put_back_where_the_line_says_the_rest_of_a_cramp(
        mishearings: Mishearings, heard: str, meant: str) -> None:
    assert mishearings.repair(heard) == meant


@pytest.mark.parametrize("text", [
    "stop the car here please", "my car is cramped with five of us", "the camp site is booked",
    "we're having crab for dinner", "my cough is worse at night", "keep calm and carry on",
])
def test_real_word_outside_a_cramp_line_is_left_as_said(mishearings: Mishearings,
                                                        text: str) -> None:
    assert mishearings.repair(text) == text


@pytest.mark.parametrize("text", [
    "does pickled juice work for it", "how many milligrams of magnesium should i take",
    "are epsom salts any good", "should i try quinine",
])
def test_remedy_named_in_any_form_puts_a_remedies_question_on_topic(settings: LayerSettings,
                                                                    text: str) -> None:
    assert not settings.off_topic("info.remedies", text)


def test_remedy_word_class_is_for_remedies_only(settings: LayerSettings) -> None:
    assert settings.off_topic("info.causes", "are epsom salts any good")
    assert settings.off_topic("info.remedies", "can i take vitamin d with my other tablets")
    assert settings.off_topic("info.remedies", "what time does the shop shut")


@pytest.mark.parametrize(("text", "intent"), [
    ("do i need to worry about it", "info.doctor"),
    ("should i rub some vinegar on it", "info.remedies"),
])
def test_question_with_it_for_the_cramp_is_answered(matcher: IntentMatcher, text: str,
                                                    intent: str) -> None:
    assert matcher.match(text).intent == intent


@pytest.mark.parametrize("text", [
    "when should i get it serviced", "what should i feed the cat for it",
    "is it normal for the kettle to make that noise", "how do i stop it leaking",
])
def test_question_with_it_for_something_else_stays_silent(matcher: IntentMatcher,
                                                          text: str) -> None:
    assert matcher.match(text).intent is None


@pytest.mark.parametrize(("text", "intent"), [
    ("mrs jones's calf has cramped up she's in her chair", "cramp.calf"),
    ("ow my car my car's cramping", "cramp.calf"),
    ("it came back in the same leg again", "cramp.persistent"),
])
def test_carer_or_misheard_cramp_is_not_met_with_silence(matcher: IntentMatcher, text: str,
                                                         intent: str) -> None:
    assert matcher.match(text).intent == intent


def test_recall8_dev_odd_half_keeps_its_floor(matcher: IntentMatcher) -> None:
    lines = [line for line in (DATA / "en_recall8_dev.tsv").read_text(encoding="utf-8")
             .splitlines(True) if not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t"))[1::2]
    found = [(None if row["intent"] == "null" else row["intent"], matcher.match(row["text"]).intent)
             for row in rows]
    right = sum(want == got for want, got in found)
    false_accepts = sum(want is None and got is not None for want, got in found)
    assert right >= DEV8_ODD_RIGHT_AT_LEAST * len(rows)
    assert false_accepts <= DEV8_ODD_FALSE_ACCEPTS_AT_MOST
