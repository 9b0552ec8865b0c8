"""Everyday precision, round ten: someone else's faint told as a story, markets and numbers that
collapse or swell, titles, sport roles and habits carry no sign; a person down now still does."""

from __future__ import annotations

from pathlib import Path

import pytest

from intents.matcher import IntentMatcher
from tests.red_flag_support import red_flag_level as _level
from tests.test_everyday_silence import care_accepts, read_corpus, summarise

DEV7 = Path(__file__).parent / "data" / "en_everyday_dev7.txt"
"""The seventh lookalike corpus: its even request lines were tuned on, its odd lines held out."""

MAX_DEV7_FALSE_ACCEPTS: dict[str, int] = {"tuned": 0, "held_out": 4}
# Measured: the first run (written before any run of the matcher) gave 11 on the tuning half
# (9 danger signs, 2 cramp) and 7 on the held-out half (7 danger signs); after this work 0 and
# 4 (4 danger signs; summary only: never looked at).


@pytest.mark.parametrize("half", ["tuned", "held_out"])
def test_seventh_everyday_corpus_rarely_starts_cramp_care(matcher: IntentMatcher,
                                                          half: str) -> None:
    lines = read_corpus(DEV7)
    found = care_accepts(matcher, lines[1::2] if half == "tuned" else lines[0::2])
    assert sum(found.values()) <= MAX_DEV7_FALSE_ACCEPTS[half], summarise(found)


@pytest.mark.parametrize("text", [
    "my husband passed out drunk after the party, remind me to buy paracetamol",
    "he was slurring after the wine, call him a taxi",
    "she fainted at the wedding from the heat, is she ok now? yes she is fine",
    "the marathon runner collapsed near the finish, what happened",
    "a man was found unconscious on the high street, is the road closed",
])
def test_someone_elses_faint_told_with_drink_or_as_hearsay_is_no_report(
        matcher: IntentMatcher, text: str) -> None:
    assert _level(matcher, text) is None


@pytest.mark.parametrize("text", [
    "he collapsed at the party and is not breathing",
    "my dad just collapsed at the party",
    "he passed out drunk and he's not responding",
    "my uncle fainted at the wedding and he's not waking up",
    "my dad collapsed after the cramp",
])
def test_a_person_down_now_still_escalates_at_an_occasion_or_with_drink(
        matcher: IntentMatcher, text: str) -> None:
    assert _level(matcher, text) == "emergency"


@pytest.mark.parametrize("text", [
    "the price of eggs collapsed at the market",
    "the convulsions in the stock market today",
    "the weakness in the euro, read the analysis",
    "the class sizes are swelling at the school",
    "what a collapse by the batting side",
    "the balloon's swollen up in the sun",
    "lump crab meat, where can i buy it",
])
def test_prices_markets_numbers_and_things_carry_no_sign(matcher: IntentMatcher,
                                                          text: str) -> None:
    assert _level(matcher, text) is None


@pytest.mark.parametrize("text", [
    "the view from the top left me breathless",
    "i laughed until i was breathless at that comedy show",
    "the news left me numb",
    "read the book of the week, it's called numb",
    "get me tickets for the panto",
    "my knees went weak when he proposed, ha",
])
def test_idioms_titles_and_a_pantomime_carry_no_sign(matcher: IntentMatcher, text: str) -> None:
    assert _level(matcher, text) is None


@pytest.mark.parametrize("text", [
    "the goalkeeper went off with a swollen knee",
    "the rugby player's knee swelled up, is he out for the season",
    "a fan fainted in the crowd at the concert",
])
def test_a_players_or_fans_sign_is_sport_news(matcher: IntentMatcher, text: str) -> None:
    assert _level(matcher, text) is None


@pytest.mark.parametrize("text", [
    "my wife's ankles swell in the summer, book her a pedicure",
    "my legs have got bigger from all the training",
    "my feet are bigger since pregnancy, i need new shoes",
    "the bruise on my son's knee has gone purple and green, it's healing",
    "my brother's in hospital after a bike crash, send him a card",
])
def test_a_habit_a_size_from_training_a_healing_bruise_or_care_already_is_no_report(
        matcher: IntentMatcher, text: str) -> None:
    assert _level(matcher, text) is None


@pytest.mark.parametrize(("text", "level"), [
    ("one leg has got bigger since the flight", "urgent"),
    ("my calf is swollen since i started the gym", "urgent"),
    ("my leg is bigger since the baby and it's hot", "urgent"),
    ("my wife's ankles are swollen", "urgent"),
    ("my legs went weak when i stood up", "urgent"),
    ("i'm panting", "emergency"),
])
def test_the_same_words_said_as_a_sign_still_escalate(matcher: IntentMatcher, text: str,
                                                      level: str) -> None:
    assert _level(matcher, text) == level


@pytest.mark.parametrize("text", [
    "my son has got growing pains in his arms he says",
    "my hands keep cramping up when i knit",
])
def test_a_pain_placed_in_an_arm_or_hand_gets_no_leg_cramp_answer(matcher: IntentMatcher,
                                                                 text: str) -> None:
    assert not (matcher.match(text).intent or "").startswith("cramp.")


@pytest.mark.parametrize("text", [
    "my son has growing pains in his legs at night",
    "cramp in my calf and my arms ache",
])
def test_a_leg_named_beside_another_part_keeps_the_cramp_answer(matcher: IntentMatcher,
                                                               text: str) -> None:
    assert (matcher.match(text).intent or "").startswith("cramp.")
