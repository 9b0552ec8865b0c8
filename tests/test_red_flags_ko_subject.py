"""Korean red flags: a swelling whose subject is the cramp itself is no leg swelling."""

from __future__ import annotations

import pytest

from intents.language import load_pack
from intents.matcher import IntentMatcher


@pytest.fixture(scope="module")
def korean() -> IntentMatcher:
    return IntentMatcher(load_pack("ko"))


@pytest.mark.parametrize("text", [
    "요 쥐가 부었어요",  # Vosk's hearing of espeak's "장딴지가 뭉쳤어" (a knotted calf)
    "쥐가 부었어요",
])
def test_the_cramp_said_to_swell_does_not_escalate(korean: IntentMatcher, text: str) -> None:
    assert korean.match(text).intent != "safety.red_flag"


@pytest.mark.parametrize("text", [
    "쥐가 나고 다리가 부었어요",  # a cramp, then the leg swelled
    "종아리가 부었어요",
    "다리에 쥐가 나고 부었어요",  # the cramp is not what swelled
])
def test_a_swollen_leg_beside_a_cramp_still_escalates(korean: IntentMatcher, text: str) -> None:
    match = korean.match(text)
    assert (match.intent, match.slots["level"]) == ("safety.red_flag", "urgent")
