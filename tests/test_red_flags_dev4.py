"""Red flags, fourth dev set: short typos where a sign word stands, likenesses of size and colour,
durations given by the clock or the whole night, and the lookalikes of each."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.intent_accuracy import read_examples
from intents.matcher import IntentMatcher
from tests.red_flag_support import check_dev_set

DEV4 = read_examples(Path(__file__).parent / "data" / "en_redflag_dev4.tsv")


def test_dev4_floors(matcher: IntentMatcher) -> None:
    """Floors at the figures measured after the work (first run, written before any run: 119/143
    escalated at the right level or higher, 0/61 ordinary cramps and 5/41 lookalikes escalated;
    now 143, 0 and 0)."""
    check_dev_set(matcher, DEV4, (143, 61, 41), 143, 0)


@pytest.mark.parametrize(("text", "level"), [
    ("my toe is blu and cold", "urgent"),                  # three letters where a sign word stands
    ("my leg has gone num", "urgent"),
    ("a num foot since the fall", "urgent"),               # ... or before a body part
    ("i cnat feel my toes", "urgent"),                      # a slip of a contraction
    ("my foot is waek", "urgent"),                         # a tie between slips: the sign word
    ("my ankle is the size of an orange", "urgent"),       # likenesses of size
    ("my calf looks like a rugby ball", "urgent"),
    ("my calf is as big as a football", "urgent"),         # a size, not "from football"
    ("my foot has gone the colour of a plum", "urgent"),   # ... and of colour
    ("my toes look like a corpse", "urgent"),
    ("cramp since 4 am and it is still locked", "urgent"),  # the clock
    ("its been like this since half two", "urgent"),
    ("the cramp came on at 1 and its still going at 2", "urgent"),
    ("cramped solid the whole night and it wont let go", "urgent"),
    ("my friend is floundering in the lake with cramp", "emergency"),
    ("i feel like im going to pass out and my calf is swollen", "emergency"),
    ("my ankle's the size of a cricket ball", "urgent"),   # a joint like a ball
    ("cramp woke me at 3 its now 4.15 and its still going", "urgent"),
    ("been cramping 40mins", "urgent"),                    # a number glued to its unit
    ("i cant move my foot at all since the cramp", "urgent"),
    ("im out too far and my leg cramped, im tiring", "emergency"),
    ("my leg cramps started when i went on lisinopril", "doctor"),
    ("so i was fast asleep and then around 2 i woke up with this really awful cramp in my right "
     "calf and i have been stretching it and rubbing it and walking around the kitchen for ages "
     "and it is still locked solid and now my calf is swollen and red", "urgent"),  # 51 words
])
def test_short_typos_likenesses_and_clock_times_escalate(
    matcher: IntentMatcher, text: str, level: str
) -> None:
    match = matcher.match(text)
    assert (match.intent, match.slots["level"]) == ("safety.red_flag", level)


@pytest.mark.parametrize("text", [
    "my mum's num is in my phone",             # three letters away from a sign word's place
    "where is the blu tack",
    "i feel num about the whole thing",        # numb with a feeling
    "blow up the balloons for the party",
    "our dog looks like a sausage",
    "my dog's leg is swollen after the walk",   # an animal's leg
    "my thighs are as big as they were from squats",
    "he's got legs like tree trunks",           # a saying
    "woke up at half three with a calf cramp",  # a time, not a span
    "i've had a few cramps tonight, on and off since midnight",
    "third cramp since midnight",
    "the bus is late since 8 and im still waiting",
    "i've been on my feet since 6 am and my legs still ache",
    "the party went on all night",
    "i was up all night with cramps, still tired",
    "my back has hurt since half three",
    "the sky went a funny colour at sunset",
    "can cramps make your leg swell",
    "what does it mean if your leg goes numb",
    "my calf is cramping, the size of a golf ball",   # a cramp's knot
    "my calf feels like a bruise after the cramp",    # sore, not discoloured
    "i've had a cramp in my calf since i woke up",    # since waking: perhaps minutes
    "cramp in my calf, i rubbed it so hard it's gone red",
    "cramp at 3am, now its 3.05 and easing",
    "the washing has been on for 40 minutes now",
])
def test_lookalikes_of_the_new_shapes_do_not_escalate(matcher: IntentMatcher, text: str) -> None:
    assert matcher.match(text).intent != "safety.red_flag"
