"""Red flags, sixth dev set: chest-pressure likenesses, words for being out of breath, hard veins
and cords, chronic frequency, swimmers in trouble, a leg that will not straighten after a fall."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.intent_accuracy import read_examples
from intents.matcher import IntentMatcher
from intents.red_flags import LEVELS
from tests.red_flag_support import check_dev_set

DEV6 = read_examples(Path(__file__).parent / "data" / "en_redflag_dev6.tsv")
DANGER_FLOOR = 69
LOOKALIKE_CEILING = 1  # "my chest is tight from the cold air when i run": a chest sign, kept


def test_dev6_floors(matcher: IntentMatcher) -> None:
    """Floors at the figures measured after the work (first run, written before any run: 58/71
    escalated at the right level or higher, 0/16 ordinary cramps and 1/14 lookalikes escalated;
    now 69 (34/36 on the odd lines tuned on, 35/35 on the even lines held out), 0 and 1)."""
    check_dev_set(matcher, DEV6, (71, 16, 14), DANGER_FLOOR, LOOKALIKE_CEILING)


@pytest.mark.parametrize(("text", "level"), [
    ("i'm huffing and puffing and my leg is swollen", "emergency"),    # breath said as a sound
    ("short of wind all of a sudden and my calf is swollen", "emergency"),
    ("my gran keeps puffing and her ankle is swollen", "emergency"),
    ("pain behind my breast bone and my calf is swollen", "emergency"),  # breastbone, two words
    ("pain in my breast born and my leg is swollen", "emergency"),     # a recogniser's slip
    ("chest pane and swollen calf", "emergency"),
    ("it's like someone sitting on my ribs", "emergency"),            # a likeness of pressure
    ("the swimmer keeps dipping under, his leg has seized up", "emergency"),  # a person by role
    ("the river, keeps bobbing under", "emergency"),                   # the water is a place
    ("my daughter is struggling to keep her head above water, cramp in her leg", "emergency"),
    ("my cav is swollen and hot on one side", "urgent"),              # a slip of calf
    ("i fell down the stairs and now i can't straighten my leg", "urgent"),
    ("slipped on the ice and my leg won't straighten", "urgent"),
    ("i took a tumble and can't stand on my leg at all", "urgent"),    # a word for a fall
])
def test_new_shapes_escalate_at_their_level(matcher: IntentMatcher, text: str, level: str) -> None:
    match = matcher.match(text)
    assert match.intent == "safety.red_flag"
    assert LEVELS.index(match.slots["level"]) <= LEVELS.index(level)


@pytest.mark.parametrize("text", [
    "i was puffing on the hill climb",              # out of breath from a climb
    "my calf is cramping and i'm puffing from the run",
    "he was puffing on his pipe in the garden",     # puffing on a pipe is smoking
    "we watched the ducks bobbing on the river",
    "my cav is cramping",
    "cramp in my hamstring, can't straighten it till it passes",  # held by the cramp, no fall
    "the river is swollen after the rain",          # the water is still no leg
    "the pool is too cold today",
    "the baby was kneeling on my ribs",             # a real weight, no likeness
])
def test_lookalikes_of_the_new_words_do_not_escalate(matcher: IntentMatcher, text: str) -> None:
    assert matcher.match(text).intent != "safety.red_flag"
