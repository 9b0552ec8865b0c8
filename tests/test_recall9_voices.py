"""Round nine: a swimmer's posture places no cramp, an adult's cramp is no child's, dev floor."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from intents.language import load_pack
from intents.matcher import IntentMatcher
from intents.semantic.layer_settings import LayerSettings
from intents.semantic.slots import SlotReader

DATA = Path(__file__).parent / "data"

DEV9_ODD_RIGHT_AT_LEAST = 0.93
"""en_recall9_dev.tsv's odd lines (the 1st, 3rd, ... data lines; the even ones were never
looked at line by line): 102 of 105 on the first run and with this round's data; the floor
leaves room for a head trained on other data or another seed."""
DEV9_ODD_FALSE_ACCEPTS_AT_MOST = 1
"""Measured: 0 of 23 everyday and lookalike lines answered."""


@pytest.fixture(scope="module")
def settings() -> LayerSettings:
    return LayerSettings.from_meta(load_pack("en").meta)


@pytest.fixture(scope="module")
def slot_reader() -> SlotReader:
    return SlotReader.from_meta(load_pack("en").meta)


@pytest.mark.parametrize("text", [
    "cramp in my calf while i float on my back",
    "lying on her back in the pool with a cramp",
])
def test_lying_on_the_back_places_the_cramp_nowhere(settings: LayerSettings, text: str) -> None:
    assert not settings.elsewhere_cramp(text)


@pytest.mark.parametrize("text", ["i have a cramp in my back", "my back has cramped up"])
def test_a_cramp_in_the_back_is_still_elsewhere(settings: LayerSettings, text: str) -> None:
    assert settings.elsewhere_cramp(text)


@pytest.mark.parametrize(("text", "adult"), [
    ("my fiance's calf is cramping and he's in tears", True),
    ("my husband's foot has cramped", True),
    ("my son's calf is cramping and he's in tears", False),
    ("her foot has cramped and she is crying", False),
    ("my dad is holding my daughter her leg has cramped", False),
])
def test_an_adult_is_told_from_a_child(slot_reader: SlotReader, text: str, adult: bool) -> None:
    assert slot_reader.adult(text.split()) is adult


def test_an_adults_cramp_with_tears_is_no_childs_cramp(matcher: IntentMatcher) -> None:
    match = matcher.match("my fiance's calf is cramping and he's sobbing")
    assert (match.intent, match.slots.get("who")) == ("cramp.calf", "partner")


def test_recall9_dev_odd_half_keeps_its_floor(matcher: IntentMatcher) -> None:
    lines = (DATA / "en_recall9_dev.tsv").read_text(encoding="utf-8").splitlines(True)
    rows = list(csv.DictReader(lines, delimiter="\t"))[0::2]
    found = [(None if row["intent"] == "null" else row["intent"], matcher.match(row["text"]).intent)
             for row in rows]
    right = sum(want == got for want, got in found)
    false_accepts = sum(want is None and got is not None for want, got in found)
    assert right >= DEV9_ODD_RIGHT_AT_LEAST * len(rows)
    assert false_accepts <= DEV9_ODD_FALSE_ACCEPTS_AT_MOST


def test_a_cramp_of_somewhere_else_gets_no_command(matcher: IntentMatcher) -> None:
    assert matcher.match("my writer's cramp has come back with all this typing").intent is None


def test_a_cramp_on_a_floor_somewhere_in_the_house_is_still_first_aid(
        matcher: IntentMatcher) -> None:
    found = matcher.match("i'm stuck on the kitchen floor with a cramp and can't get up")
    assert (found.intent or "").startswith("cramp.")


@pytest.mark.parametrize("text", [
    "i'm stiff and achy all over after yesterday's circuit class",
    "my legs are aching after the hike, add it to my diary",
])
def test_soreness_after_exercise_starts_no_cramp_flow(matcher: IntentMatcher, text: str) -> None:
    assert not (matcher.match(text).intent or "").startswith("cramp.")


def test_soreness_with_a_cramp_state_is_still_a_cramp(matcher: IntentMatcher) -> None:
    assert (matcher.match("my calf is sore and it has gone rock hard").intent or "").startswith(
        "cramp.")
