"""Spoken-style recall (issue 11): slips, past-tense relief, remedies named without "cramp"."""

from __future__ import annotations

import pytest

from intents.language import load_pack
from intents.matcher import IntentMatcher
from intents.normalize import Normalizer


def test_recogniser_slip_crump_is_read_as_cramp() -> None:
    normalize = Normalizer.from_meta(load_pack("en").meta)
    assert normalize("i have the crump in my leg") == "i have the cramp in my leg"


def test_cramp_told_with_a_slip_starts_the_cramp_flow(matcher: IntentMatcher) -> None:
    assert matcher.match("i have got the crump in my calf").intent == "cramp.calf"


@pytest.mark.parametrize("text", ["the spasm went away", "ok my calf has stopped cramping now",
                                  "phew the cramp went off"])
def test_cramp_told_as_over_is_relief_not_a_lasting_cramp(matcher: IntentMatcher,
                                                          text: str) -> None:
    assert matcher.match(text).intent == "control.better"


def test_a_cramp_that_will_not_go_away_is_still_a_lasting_cramp(matcher: IntentMatcher) -> None:
    assert matcher.match("the cramp will not go away").intent == "cramp.persistent"


@pytest.mark.parametrize("text", ["good night", "goodnight"])
def test_good_night_to_someone_else_stops_nothing(matcher: IntentMatcher, text: str) -> None:
    assert matcher.match(text).intent is None


def test_done_that_then_asking_what_now_is_next(matcher: IntentMatcher) -> None:
    assert matcher.match("alright i have done that what now").intent == "control.next"


@pytest.mark.parametrize("text", ["add pickles and a jar of brine olives to the list",
                                  "buy soap and shampoo", "what is quinine made from"])
def test_remedy_words_in_everyday_lines_stay_silent(matcher: IntentMatcher, text: str) -> None:
    assert matcher.match(text).intent is None
