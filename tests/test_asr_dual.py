"""Grammar plus open vocabulary on the same audio ([voice] mode = "both"), with the Korean model."""

from __future__ import annotations

import wave
from pathlib import Path

from skill.asr.dual import DualRecognizer
from skill.asr.factory import build_recognizer, pack_grammar
from skill.asr.models import LoadedModel
from skill.asr.vosk_recognizer import VoskRecognizer
from skill.audio.settings import VoiceSettings
from tests.voice_support import KoreanSpeech


def transcripts(recognizer: VoskRecognizer | DualRecognizer, wav: Path) -> list[str]:
    with wave.open(str(wav)) as handle:
        pcm = handle.readframes(handle.getnframes())
    out = [text for i in range(0, len(pcm), 3200) if (text := recognizer.feed(pcm[i:i + 3200]))]
    final = recognizer.flush()
    return out + ([final] if final else [])


def test_an_in_grammar_command_keeps_the_grammar_result(
        ko_model: LoadedModel, korean_speech: KoreanSpeech) -> None:
    wav = korean_speech("왼쪽 종아리에 쥐가 났어요")
    grammar_only = transcripts(VoskRecognizer(ko_model, pack_grammar(ko_model)), wav)
    assert grammar_only
    assert transcripts(DualRecognizer(ko_model, pack_grammar(ko_model)), wav) == grammar_only


def test_speech_the_grammar_marks_unknown_gets_the_open_transcript(
        ko_model: LoadedModel, korean_speech: KoreanSpeech) -> None:
    # The Korean model has no [unk], so its grammar side never says it; the English models do.
    # Here the grammar side's verdict is set as an English model would report it.
    dual = DualRecognizer(ko_model, pack_grammar(ko_model))
    wav = korean_speech("오늘 서울 날씨가 어때요")
    open_only = transcripts(VoskRecognizer(ko_model, None), wav)
    with wave.open(str(wav)) as handle:
        pcm = handle.readframes(handle.getnframes())
    for i in range(0, len(pcm), 3200):
        dual.grammar_side.feed(pcm[i:i + 3200])
        dual.open_side.feed(pcm[i:i + 3200])
    dual._finals = {"grammar": dual.grammar_side.flush(), "open": dual.open_side.flush()}
    dual.grammar_side.heard_unknown = True
    assert dual._decide() == open_only[-1]


def test_mode_both_builds_the_dual_recognizer(ko_model: LoadedModel) -> None:
    assert isinstance(build_recognizer(VoiceSettings(mode="both"), "ko"), DualRecognizer)
    assert pack_grammar(ko_model).has_unknown is False  # why Korean keeps its grammar results
