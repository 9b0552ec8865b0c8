"""Korean danger signs said aloud: espeak-ng speech through the real Korean model in grammar mode
reaches safety.red_flag at the emergency level."""

from __future__ import annotations

import json

import pytest

from intents.language import load_pack
from skill.asr.grammar import build_grammar, sample_sentences
from skill.asr.models import LoadedModel
from skill.cli.main import main
from tests.voice_support import KoreanSpeech


def test_korean_danger_sentences_are_in_the_speech_grammar(ko_model: LoadedModel) -> None:
    """Every word of them is one the model can spell, so none is left out of the grammar."""
    sentences = [s for s in sample_sentences(load_pack("ko")) if "부었어요" in s or "가슴" in s]
    assert {"다리가 부었어요 가슴도 아파요", "가슴이 아프고 다리가 부었어요"} <= set(sentences)
    assert build_grammar(sentences, ko_model.has_word).missing == ()


# Measured with espeak-ng's Korean through the small model, at 150 and 175 words a minute (as two
# people might say it):
# - "다리가 부었어요 가슴도 아파요": "부었어요" and "가슴" survive, "아파요" is lost, and at 120 the
#   line is split;
# - "가슴이 아파요": "가슴이" survives without its predicate ("가슴이 가 어요" at 150, "가슴이 나요"
#   at 175; at 130 the chest is lost too): the chest as a subject is enough.
@pytest.mark.parametrize("sentence", ["다리가 부었어요 가슴도 아파요", "가슴이 아파요"])
@pytest.mark.parametrize("speed", [150, 175])
def test_spoken_chest_pain_with_or_without_a_swollen_leg_calls_for_emergency_help(
    capsys: pytest.CaptureFixture[str], ko_model: LoadedModel, korean_speech: KoreanSpeech,
    sentence: str, speed: int,
) -> None:
    wav = korean_speech(sentence, speed)
    code = main(["listen", "--lang", "ko", "--json", "--silent", "--wav", str(wav)])
    out, _ = capsys.readouterr()
    assert code == 0
    [record] = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert (record["intent"], record["slots"]) == ("safety.red_flag", {"level": "emergency"})
    assert record["reply_keys"] == ["escalation.emergency"]


# "가슴 아파" (no particle, banmal) is in the speech grammar as said; measured through the small
# model: "가슴 아파요" at 130, 150 and 160 words a minute (at 110, 175 and 190 the chest is lost).
@pytest.mark.parametrize("speed", [130, 150, 160])
def test_chest_pain_said_without_a_particle_calls_for_emergency_help(
    capsys: pytest.CaptureFixture[str], ko_model: LoadedModel, korean_speech: KoreanSpeech,
    speed: int,
) -> None:
    wav = korean_speech("가슴 아파", speed)
    assert main(["listen", "--lang", "ko", "--json", "--silent", "--wav", str(wav)]) == 0
    out, _ = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert [(r["intent"], r["slots"]) for r in records] == [
        ("safety.red_flag", {"level": "emergency"})]
