"""Red flags, fifth dev set: new shapes (very short lines, rambles, carers, questions, hedges,
signs noticed later, non-native English, recogniser slips, new words of size, colour and heat)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.intent_accuracy import read_examples
from intents.matcher import IntentMatcher
from intents.red_flags import LEVELS
from tests.red_flag_support import check_dev_set

DEV5 = read_examples(Path(__file__).parent / "data" / "en_redflag_dev5.tsv")
DANGER_FLOOR = 159
LOOKALIKE_CEILING = 3  # a sign long past, a habit long past, red from rubbing (false alarms)


def test_dev5_floors(matcher: IntentMatcher) -> None:
    """Floors at the figures measured after the work (first run, written before any run: 144/170
    escalated at the right level or higher, 0/60 ordinary cramps and 3/30 lookalikes escalated;
    now 159 (85/85 on the odd lines tuned on, 74/85 on the even lines held out), 0 and 3)."""
    check_dev_set(matcher, DEV5, (170, 62, 28), DANGER_FLOOR, LOOKALIKE_CEILING)


@pytest.mark.parametrize(("text", "level"), [
    ("crimson patch on the back of the calf that hurts", "urgent"),   # a colour word (@red)
    ("my calf is scarlet and sore", "urgent"),
    ("the skin on my shin is a dusky mauve colour", "urgent"),        # ... (@dark)
    ("one calf is chunkier than the other", "urgent"),                # a size word (@bigger)
    ("one ankle is plumper than the other", "urgent"),
    ("my ankle is podgy and sore on one side", "urgent"),             # ... (@big)
    ("heat pouring off my calf, the left one only", "urgent"),
    ("the skin over my calf is tight and glossy", "urgent"),
    ("sir my breath is not coming properly and calf is swelling", "emergency"),
    ("leg cramp and i keep losing my breath", "emergency"),
    ("my leg is swollen and every breath feels like a knife", "emergency"),
    ("chess pain and my leg cramp won't stop", "emergency"),           # a recogniser's slip
    ("my dad is coughing up pinkish stuff and his left leg is swollen", "emergency"),
    ("hacking up blood and calf pain", "emergency"),
    ("blood in my phlegm and leg swollen", "emergency"),
    ("the pain in my leg has moved up to my chest", "emergency"),   # a pain that travels
    ("the lifeguard isn't here and my friend is flapping in the water saying cramp", "emergency"),
    ("my leg cramped and then everything went black", "emergency"),
    ("i feel like i might faint and my calf is massive", "emergency"),
    ("cramp not easing after 15 min of stretching", "urgent"),         # denied easing, no negation
    ("my foot is dropping when i walk", "urgent"),
    ("every evening without fail my legs cramp", "doctor"),            # "without" negates nothing
    ("cramp nearly every nite", "doctor"),
    ("it's the fourth night this week with cramps", "doctor"),
    ("been cramping 40mins", "urgent"),                               # glued unit, normaliser
])
def test_new_shapes_escalate_at_their_level(matcher: IntentMatcher, text: str, level: str) -> None:
    match = matcher.match(text)
    assert match.intent == "safety.red_flag"
    assert LEVELS.index(match.slots["level"]) <= LEVELS.index(level)


@pytest.mark.parametrize("text", [
    "my cheeks are scarlet from the wine",       # a colour word of another body part
    "i'm breathless with excitement",
    "my calf is big from cycling",
    "my legs are tired after a long walk, no cramps",
    "i get a cramp every few months",
    "my legs feel chunky in these jeans",        # a body-image word, no sign
    "i was splashing in the pool with the kids",
    "i blew my nose and there was blood in the tissue",
    "the water was up to my chest and i got a cramp",
])
def test_lookalikes_of_the_new_words_do_not_escalate(matcher: IntentMatcher, text: str) -> None:
    assert matcher.match(text).intent != "safety.red_flag"
