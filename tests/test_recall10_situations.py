"""Round ten: a cramp's situation outweighs its leg part; a command beside an aside; no advice
to a cramp told now; misheard thigh and foot; the recall10 dev set's floor."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from intents.language import load_pack
from intents.matcher import IntentMatcher
from intents.situation import Situations

DATA = Path(__file__).parent / "data"

DEV10_ODD_RIGHT_AT_LEAST = 0.93
"""en_recall10_dev.tsv's odd lines (1st, 3rd, ... data lines; never read line by line after
they were written): 105 of 108 (97.2%) on the first run; the floor leaves room for a head
trained on other data or another seed."""
DEV10_ODD_FALSE_ACCEPTS_AT_MOST = 1
"""Measured: 0 of 35 everyday and lookalike lines answered, first run and since."""


@pytest.fixture(scope="module")
def situations() -> Situations:
    found = Situations.from_meta(load_pack("en").meta)
    assert found is not None
    return found


@pytest.mark.parametrize(("text", "kind"), [
    ("we are at football and my husband has got cramp in his hamstring", "cramp.exercise"),
    ("just finished a five k and my calf is cramping", "cramp.exercise"),
    ("my girlfriend she is 7 months gone got a cramp in her thigh", "cramp.pregnancy"),
    ("this is the third time tonight my calf has cramped", "cramp.persistent"),
    ("my foot is still cramping", "cramp.persistent"),
    ("doing lengths and my calf has cramped", "cramp.swimming"),
])
def test_a_leg_part_cramp_takes_the_kind_of_its_situation(situations: Situations, text: str,
                                                          kind: str) -> None:
    assert situations.kind("cramp.calf", text.split()) == kind


@pytest.mark.parametrize(("intent", "text"), [
    ("cramp.child", "my son has cramp in his calf after football"),
    ("cramp.cannot_stand", "i can not stand up after my run my calf is locked"),
    (None, "we are at football"),
    ("info.causes", "why do i get cramp when i run"),
    ("cramp.calf", "i am not pregnant but my calf is cramping"),
])
def test_a_situation_changes_only_a_leg_part_kind(situations: Situations, intent: str | None,
                                                  text: str) -> None:
    assert situations.kind(intent, text.split()) is None


@pytest.mark.parametrize(("text", "intent"), [
    ("we're at football and my husband's got cramp in his hamstring", "cramp.exercise"),
    ("this is the third time tonight my calf's cramped", "cramp.persistent"),
    ("my girlfriend she's seven months gone got a cramp in her thigh", "cramp.pregnancy"),
])
def test_the_matcher_answers_a_cramp_in_its_situation(matcher: IntentMatcher, text: str,
                                                      intent: str) -> None:
    assert matcher.match(text).intent == intent


@pytest.mark.parametrize("text", ["i'm still at the gym", "book me a swimming lesson",
                                  "find me a marathon training plan"])
def test_a_situation_alone_starts_no_cramp(matcher: IntentMatcher, text: str) -> None:
    assert matcher.match(text).intent is None


@pytest.mark.parametrize(("text", "intent"), [
    ("say that again i was yawning", "control.repeat"),
    ("slow down i'm half asleep", "control.slower"),
    ("i've done it what now", "control.next"),
    ("i don't need any more help you can stop", "control.stop"),
])
def test_a_command_with_an_aside_is_the_command(matcher: IntentMatcher, text: str,
                                               intent: str) -> None:
    assert matcher.match(text).intent == intent


@pytest.mark.parametrize("text", ["i've got a cough that won't go away",
                                  "i bumped my head on the cupboard, it's fine",
                                  "slow down the podcast a bit"])
def test_an_everyday_line_ending_in_command_words_is_no_command(matcher: IntentMatcher,
                                                                text: str) -> None:
    assert matcher.match(text).intent is None


def test_a_cramp_with_what_now_is_still_the_cramp(matcher: IntentMatcher) -> None:
    assert matcher.match("my calf is cramping what now").intent == "cramp.calf"


def test_a_cramp_told_now_gets_first_aid_not_advice(matcher: IntentMatcher) -> None:
    assert matcher.match("oh no the back of my leg's seizing").intent == "cramp.calf"


@pytest.mark.parametrize(("text", "intent"), [
    ("my thai is cramping my left thai", "cramp.thigh"),
    ("a cramp in my food", "cramp.foot"),
    ("hamstring's gone hamstring hamstring", "cramp.thigh"),
    ("me big toe's pulling up on its own and it won't let go", "cramp.foot"),
])
def test_a_misheard_or_wordless_cramp_is_still_a_cramp(matcher: IntentMatcher, text: str,
                                                      intent: str) -> None:
    assert matcher.match(text).intent == intent


def test_footbath_heard_as_one_word_starts_the_foot_bath(matcher: IntentMatcher) -> None:
    assert matcher.match("foot bath before bed how warm").intent == "routine.footbath"


def test_recall10_dev_odd_half_keeps_its_floor(matcher: IntentMatcher) -> None:
    lines = (DATA / "en_recall10_dev.tsv").read_text(encoding="utf-8").splitlines(True)
    rows = list(csv.DictReader(lines, delimiter="\t"))[0::2]
    found = [(None if row["intent"] == "null" else row["intent"], matcher.match(row["text"]).intent)
             for row in rows]
    right = sum(want == got for want, got in found)
    false_accepts = sum(want is None and got is not None for want, got in found)
    assert right >= DEV10_ODD_RIGHT_AT_LEAST * len(rows)
    assert false_accepts <= DEV10_ODD_FALSE_ACCEPTS_AT_MOST


@pytest.mark.parametrize("text", ["my foot has gone to sleep", "my foot's fallen asleep",
                                  "my leg's gone to sleep from sitting cross legged"])
def test_a_limb_gone_to_sleep_starts_no_cramp(matcher: IntentMatcher, text: str) -> None:
    assert matcher.match(text).intent is None


def test_asleep_said_of_the_person_still_lets_a_cramp_through(matcher: IntentMatcher) -> None:
    text = "i was just asleep and now my calf's like twisted what do i do"
    assert matcher.match(text).intent == "cramp.calf"


def test_a_limb_gone_to_sleep_no_longer_holds_the_cramp_family_at_its_ceiling(
        matcher: IntentMatcher) -> None:
    """Calibrated with "my foot has gone to sleep" rejected by the policy, the cramp family and
    its catch-all sit below the ceiling (0.80 and 0.87 measured; 0.93 and 0.95 before)."""
    layer = matcher._layer()
    assert layer is not None
    assert layer.thresholds["cramp"] < 0.9
    assert layer.thresholds["cramp.unclear"] < layer.settings.ceiling


@pytest.mark.parametrize("text", ["he's pulling my leg", "crampons for kids",
                                  "he hasn't got a leg to stand on"])
def test_a_saying_or_a_climbing_spike_starts_no_cramp(matcher: IntentMatcher, text: str) -> None:
    assert matcher.match(text).intent is None


def test_a_cramp_beside_a_saying_is_still_a_cramp(matcher: IntentMatcher) -> None:
    text = "my calf is cramping he is pulling my leg to stretch it"
    assert matcher.match(text).intent == "cramp.calf"


@pytest.mark.parametrize("text", ["my toddler cried for an hour before bed",
                                  "my calf muscles look bigger after all the cycling"])
def test_a_line_telling_no_cramp_needs_a_surer_head(matcher: IntentMatcher, text: str) -> None:
    assert matcher.match(text).intent is None


@pytest.mark.parametrize("text", ["it won't go away it's been ages",
                                  "it let go and now it's back"])
def test_a_cramp_that_stays_or_comes_back_is_persistent_without_a_cramp_word(
        matcher: IntentMatcher, text: str) -> None:
    assert matcher.match(text).intent == "cramp.persistent"
