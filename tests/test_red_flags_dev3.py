"""Red flags, third dev set: one-slip typos with a real-word guard, signs noticed after the cramp,
run-on symptom lists, reasons that explain a sign away, and the Korean chest named alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.intent_accuracy import read_examples
from intents.language import load_pack
from intents.matcher import IntentMatcher
from tests.red_flag_support import check_dev_set

DEV3 = read_examples(Path(__file__).parent / "data" / "en_redflag_dev3.tsv")


@pytest.fixture(scope="module")
def korean() -> IntentMatcher:
    return IntentMatcher(load_pack("ko"))


def test_dev3_floors(matcher: IntentMatcher) -> None:
    """Floors at the figures measured after the work (first run, written before any run: 158/161
    escalated at the right level or higher, 1/60 ordinary cramps and 5/40 lookalikes escalated;
    now 159, 0 and 3: missed a tender knot that won't go and a cramp from midnight to one o'clock;
    escalated a worry about leg swelling in general, a "numb skull" and a bee sting going down)."""
    check_dev_set(matcher, DEV3, (161, 60, 40), 159, 3)


@pytest.mark.parametrize(("text", "level"), [
    ("my foor is cold and numm", "urgent"),                  # a key beside, a wrong letter
    ("my calf is sweeling up", "urgent"),                    # an extra letter, a stem's form
    ("my leg is swolled and it hurts", "urgent"),
    ("coughin up blod", "emergency"),                        # a missing letter
    ("brething is hard and my legg is swolen", "emergency"),
    ("my leg swell after cramp only one leg", "urgent"),     # after the cramp, no "swelling cramp"
    ("it started to swell after the cramp", "urgent"),
    ("its got bigger since the cramp", "urgent"),
    ("leg feels full and heavy and hot", "urgent"),          # a run-on list keeps words near
    ("my leg is not normal colour, it is blue", "urgent"),   # "not normal" denies nothing
    ("ive lost all feeling in my foot", "urgent"),
    ("my cramp wont stop its been going since 3am", "urgent"),
    ("my mate got cramp out past the flags and hes struggling to stay up", "emergency"),
    ("the kid stopped breathing for a bit", "emergency"),
    ("theres some puffiness in my calf", "urgent"),          # a sign as another part of speech
    ("my calf is reddening", "urgent"),
    ("my sons legs are shaking and he isnt talking", "emergency"),
    ("no, its swollen and red", "urgent"),                   # an answer, not a negation
    ("not really, my chest hurts now", "emergency"),
    ("i can only walk 200 metres before my legs cramp", "doctor"),
])
def test_typos_tense_and_run_ons_still_escalate(
    matcher: IntentMatcher, text: str, level: str
) -> None:
    match = matcher.match(text)
    assert (match.intent, match.slots["level"]) == ("safety.red_flag", level)


@pytest.mark.parametrize("text", [
    "when should calves be weaned",          # a real word the word list lacks is no "weak"
    "find me a puffer jacket on sale",       # nor is a real word's ending ("puff-er") a "puffed"
    "the cramp locked my foot and i cant move my toes",
    "cramp in my calf and im panting from the pain",
    "my calf feels tight and warm after the hot shower",
    "can leg cramps cause a blood clot",
    "i had fitness training and got a cramp",  # only a sign word's derivations are read back
    "the river is swollen after all that rain",
    "no, its not swollen", "its not my calf thats swollen its my finger",
    "no, the swelling has gone down",
])
def test_explained_or_general_signs_do_not_escalate(matcher: IntentMatcher, text: str) -> None:
    assert matcher.match(text).intent != "safety.red_flag"


@pytest.mark.parametrize("heard", ["가슴이 가 어요", "가슴이 나요", "가슴이 너무 가 나요"])
def test_korean_chest_named_as_the_subject_is_an_emergency(korean: IntentMatcher,
                                                          heard: str) -> None:
    """What grammar-mode Vosk hears of espeak's "가슴이 (너무) 아파요": the predicate is lost."""
    match = korean.match(heard)
    assert (match.intent, match.slots["level"]) == ("safety.red_flag", "emergency")


@pytest.mark.parametrize("text", ["가슴이 안 아파요", "가슴이 괜찮아요", "가슴이 설레요",
                                  "가슴 통증은 없어요"])
def test_korean_chest_ruled_out_does_not_escalate(korean: IntentMatcher, text: str) -> None:
    assert korean.match(text).intent != "safety.red_flag"
