"""Korean cramp reports newly understood in the sixth round, spoken by espeak-ng and decoded for
real."""

from __future__ import annotations

import pytest

from skill.asr.models import LoadedModel
from tests.voice_support import KoreanSpeech, heard_intents


# "쥐났습니다" (formal, written together) matched no template before the sixth round. Spoken, the
# small model returns it in fragments ("고 있어요 쥐났어" at 120 wpm, "다리에 쥐 다리 다" at 140)
# and loses it at 160 and above ("이 쥐 다", "나요 쥐 나요", "어요"): assert what the pipeline
# really delivers at the slower speeds (bench/RESULTS.md section 7, korean6).
@pytest.mark.parametrize("speed", [120, 140])
def test_formal_cramp_report_said_slowly_starts_first_aid(
    capsys: pytest.CaptureFixture[str], ko_model: LoadedModel, korean_speech: KoreanSpeech,
    speed: int,
) -> None:
    wav = korean_speech("쥐났습니다", speed)
    intents = heard_intents(capsys, str(wav))
    assert intents == ["cramp.calf"], (speed, intents)


# "으 다리에 쥐" (ugh, leg, cramp) comes through as "다리에 이" at 170 wpm and "이 다리에" at 210:
# the leg and nothing but lost one-syllable units, now a cramp report (intents/keywords.py).
@pytest.mark.parametrize("speed", [170, 210])
def test_leg_heard_among_lost_units_starts_first_aid(
    capsys: pytest.CaptureFixture[str], ko_model: LoadedModel, korean_speech: KoreanSpeech,
    speed: int,
) -> None:
    wav = korean_speech("으 다리에 쥐", speed)
    intents = heard_intents(capsys, str(wav))
    assert intents == ["cramp.calf"], (speed, intents)
