"""Recall without losing precision: a cramp now is never met with silence, lookalikes stay quiet."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from intents.cramp_now import CrampNow
from intents.language import load_pack
from intents.matcher import IntentMatcher
from intents.normalize import Normalizer

DATA = Path(__file__).parent / "data"
UNSEALED = ["en_blind_spoken.tsv", "en_ordinary_cramps.tsv", "en_fresh.tsv", "en_fresh2.tsv",
            "en_fresh3.tsv", "en_holdout.tsv", "en_utterances.tsv"]
ADVICE = ("cramp.", "safety.", "info.", "routine.")

SILENT_ORDINARY_CRAMPS_AT_MOST = 0
"""Measured: 0 of 114 since a cramp that ended and came back is cramp.persistent (issue 11; 1
before, "the cramp eased and then came straight back"; 15 before the cramp-now concept). Never
raise it without a reason written here."""
RIGHT_ORDINARY_CRAMPS_AT_LEAST = 100
"""Measured: 102-104 of 114 right (88 before this change); the floor leaves room for a head
trained on other data or another seed."""


def _rows(name: str) -> list[dict[str, str]]:
    lines = [line for line in (DATA / name).read_text(encoding="utf-8").splitlines(True)
             if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


@pytest.fixture(scope="module")
def templates_only() -> IntentMatcher:
    return IntentMatcher(load_pack("en"), semantic=False)


@pytest.fixture(scope="module")
def cramp_now(templates_only: IntentMatcher) -> CrampNow:
    assert templates_only.step.cramp_now is not None
    return templates_only.step.cramp_now


def test_ordinary_cramp_is_never_met_with_silence(matcher: IntentMatcher) -> None:
    rows = _rows("en_ordinary_cramps.tsv")
    found = [(row, matcher.match(row["text"])) for row in rows]
    silent = [row["text"] for row, match in found if match.intent is None]
    right = sum(match.intent == row["intent"] for row, match in found)
    escalated = [row["text"] for row, match in found if match.intent == "safety.red_flag"]
    assert len(silent) <= SILENT_ORDINARY_CRAMPS_AT_MOST, silent
    assert right >= RIGHT_ORDINARY_CRAMPS_AT_LEAST
    assert escalated == []


def test_everyday_lines_start_no_advice_on_any_unsealed_set(matcher: IntentMatcher) -> None:
    accepted = [(row["text"], got) for name in UNSEALED for row in _rows(name)
                if row["intent"] == "null"
                and (got := matcher.match(row["text"]).intent or "").startswith(ADVICE)]
    assert accepted == []


@pytest.mark.parametrize("text", [
    "my husband's calf is rock solid he's yelling",
    "ugh my hamstring is all knotted up",
    "my toes are clawed and won't straighten",
    "crampin in my thigh right now",
    "i'm on the floor screaming with a cramp",
    "charley horse",
    "i was fast asleep and my calf just exploded with pain",
    "my calf has just gone completely solid",
])
def test_cramp_told_in_other_words_is_a_cramp_now(cramp_now: CrampNow,
                                                   templates_only: IntentMatcher,
                                                   text: str) -> None:
    assert cramp_now(templates_only.normalize(text).split())


@pytest.mark.parametrize("text", [
    "create a list for the camping trip",
    "this flat is so cramped",
    "my period cramps are awful",
    "what causes leg cramps at night",
    "the cramp has stopped now",
    "i used to get cramps when i was pregnant",
    "my shoes are too tight on my feet",
    "my cat's leg is stuck in the fence",
    "charlie is coming round for tea",
    "i get cramps in my calves most nights",
    "magnesium oil for leg cramps",
    "oh no my cramp is easing",
    "my feet are killing me in these shoes",
    "my legs ache after the gym",
    "the cramp has gone and my calf is not tight now",
    "my calf was rock hard but it has gone",
])
def test_lookalikes_and_questions_are_not_a_cramp_now(cramp_now: CrampNow,
                                                       templates_only: IntentMatcher,
                                                       text: str) -> None:
    assert not cramp_now(templates_only.normalize(text).split())


def test_cramp_now_answers_even_before_the_semantic_layer_has_loaded(
        templates_only: IntentMatcher) -> None:
    match = templates_only.match("my husband's calf is rock solid he's yelling")
    assert (match.intent, match.method, match.slots) == ("cramp.calf", "cramp-unclear",
                                                         {"who": "partner"})


def test_near_miss_cramp_takes_the_kind_the_semantic_layer_is_sure_of(
        matcher: IntentMatcher, templates_only: IntentMatcher) -> None:
    # not "cycling": a situation cue (intents/situation.py) now settles that without the head
    text = "um doing deadlifts and my leg cramped up"
    assert templates_only.match(text).intent == "cramp.calf"  # the near-miss alone
    assert matcher.match(text).intent == "cramp.exercise"


def test_unclear_cramp_gets_the_kind_when_the_head_is_sure_of_it(matcher: IntentMatcher) -> None:
    match = matcher.match("both hamstrings cramping i'm screaming")
    # the head's own answer when the cramp family's threshold lets it through (calibrated per
    # training data and seed), else the cramp-unclear rule with the kind: either way the thigh
    assert (match.intent, match.method in ("semantic", "cramp-unclear")) == ("cramp.thigh", True)


@pytest.mark.parametrize(("text", "intent"), [
    ("my calf's gone", "cramp.calf"),
    ("oh god my left calf's just gone", "cramp.calf"),
    ("my hamstring's gone again", "cramp.thigh"),
    ("my toes have gone", "cramp.foot"),
    ("oh no my calf's going", "cramp.calf"),
    ("there it goes again, my calf", "cramp.calf"),
    ("um it went and now it's back again", "cramp.persistent"),
    ("it eased off and now it's back again", "cramp.persistent"),
])
def test_leg_giving_way_or_a_cramp_coming_back_is_a_cramp_now(templates_only: IntentMatcher,
                                                              text: str, intent: str) -> None:
    assert templates_only.match(text).intent == intent


@pytest.mark.parametrize(("text", "intent"), [
    ("my calf's gone to the farm", None),
    ("my leg's gone to sleep on the sofa, ha", None),
    ("my phone just went", None),
    ("it's back again on netflix", None),
    ("the wifi went and now it's back again", None),
    ("has it come back again", None),
    ("my calf's gone, thank goodness", "control.better"),
    ("the cramp's gone now", "control.better"),
    ("it has gone", "control.better"),
])
def test_things_gone_or_back_and_a_cramp_that_passed_are_no_cramp_now(
        templates_only: IntentMatcher, text: str, intent: str | None) -> None:
    assert templates_only.match(text).intent == intent


def test_leg_giving_way_outweighs_the_heads_it_has_passed(matcher: IntentMatcher) -> None:
    assert matcher.match("my calf has just gone completely").intent == "cramp.calf"


def test_longer_spoken_command_is_understood_but_a_two_word_guess_is_not(
        matcher: IntentMatcher) -> None:
    assert matcher.match("can you talk a bit slower").intent == "control.slower"
    assert matcher.match("not now give me twenty minutes").slots == {"minutes": "20"}
    assert matcher.match("yeah right").intent is None


@pytest.mark.parametrize(("text", "normalized"), [
    ("Okay so um my calf is cramping", "my calf is cramping"),
    ("well, oh god, my calf", "my calf"),
    ("okay", "ok"),
    ("so so so my leg", "my leg"),
])
def test_spoken_lead_ins_are_dropped_before_every_layer(text: str, normalized: str) -> None:
    assert Normalizer.from_meta(load_pack("en").meta)(text) == normalized


def test_understanding_modules_stay_under_300_lines() -> None:
    root = Path(__file__).parent.parent / "intents"
    long = {str(p): n for p in root.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 300}
    assert long == {}
