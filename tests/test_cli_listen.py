"""`cramp-coach listen`: Korean questions synthesised now, decoded by the real model, answered."""

from __future__ import annotations

import io
import json
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from skill.asr import models
from skill.asr.models import LoadedModel
from skill.cli.main import main
from tests.voice_support import KoreanSpeech


def listen(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict], str]:
    code = main(["listen", "--lang", "ko", "--json", "--silent", *args])
    out, err = capsys.readouterr()
    return code, [json.loads(line) for line in out.splitlines() if line.strip()], err


SPEEDS = (130, 150, 175)
"""espeak-ng words per minute: each question is asked the way three different people might."""


# espeak-ng's robotic Korean through the small model in grammar mode loses many words (measured:
# 정지, 다음, 뭐라고요 and 물 마셨어요 never come through; the body part often goes). So the test
# asks each question at three speeds and requires what matters at night: never a wrong intent,
# and the question understood at least once.
@pytest.mark.parametrize(("question", "intent", "slots"), [
    ("종아리에 쥐가 났어요", "cramp.calf", {}),
    ("왼쪽 종아리에 쥐가 났어요", "cramp.calf", {"side": "left"}),
    ("좋아졌어요", "control.better", {}),
])
def test_spoken_korean_question_reaches_its_intent(
    capsys: pytest.CaptureFixture[str], ko_model: LoadedModel, korean_speech: KoreanSpeech,
    question: str, intent: str, slots: dict[str, str],
) -> None:
    understood = []
    for speed in SPEEDS:
        code, records, _ = listen(capsys, "--wav", str(korean_speech(question, speed)))
        assert code == 0
        [record] = records
        assert set(record) == {"heard", "intent", "slots", "say", "reply_keys", "confidence",
                               "layer"}
        assert record["intent"] in (intent, None), record
        assert len(record["say"]) == len(record["reply_keys"])
        understood.append((record["intent"], record["slots"]) == (intent, slots))
    assert any(understood)


@pytest.mark.parametrize(("question", "intent"), [
    ("쥐가 났어요", "cramp.calf"),  # the commonest way to say it, with no body part
    ("다시 말해줘", "control.repeat"),
])
def test_plain_korean_is_understood_at_every_speed(
    capsys: pytest.CaptureFixture[str], ko_model: LoadedModel, korean_speech: KoreanSpeech,
    question: str, intent: str,
) -> None:
    for speed in SPEEDS:
        _, records, _ = listen(capsys, "--wav", str(korean_speech(question, speed)))
        assert [r["intent"] for r in records] == [intent], (speed, records)


def test_now_all_healed_with_both_adverbs_is_better_at_every_speed(
    capsys: pytest.CaptureFixture[str], ko_model: LoadedModel, korean_speech: KoreanSpeech,
) -> None:
    """"이제 다 나았어요" (ko_dev5_clips): the template once took 이제 or 다, not both; the model
    hears both ("이제 다 나았어") at 130, 170 and 210 wpm."""
    for speed in (130, 170, 210):
        _, records, _ = listen(capsys, "--wav", str(korean_speech("이제 다 나았어요", speed)))
        assert [r["intent"] for r in records] == ["control.better"], (speed, records)


@pytest.mark.parametrize("question", ["정지", "다음", "뭐라고요", "물 마셨어요"])
def test_words_the_model_mishears_never_trigger_a_wrong_intent(
    capsys: pytest.CaptureFixture[str], ko_model: LoadedModel, korean_speech: KoreanSpeech,
    question: str,
) -> None:
    expected = {"정지": "control.stop", "다음": "control.next", "뭐라고요": "control.repeat",
                "물 마셨어요": "reminder.done"}[question]
    for speed in SPEEDS:
        _, records, _ = listen(capsys, "--wav", str(korean_speech(question, speed)))
        assert all(record["intent"] in (expected, None) for record in records), records


def test_first_aid_question_gets_the_first_calf_step(
    capsys: pytest.CaptureFixture[str], ko_model: LoadedModel, korean_speech: KoreanSpeech,
) -> None:
    _, [record], _ = listen(capsys, "--wav", str(korean_speech("종아리에 쥐가 났어요")))
    assert "first_aid.calf.straighten" in record["reply_keys"]


def test_raw_pcm_on_stdin_runs_the_same_pipeline(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    ko_model: LoadedModel, korean_speech: KoreanSpeech,
) -> None:
    with wave.open(str(korean_speech("좋아졌어요"))) as wav:
        pcm = wav.readframes(wav.getnframes())
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(pcm)))
    code, [record], _ = listen(capsys, "--raw", "-")
    assert (code, record["intent"]) == (0, "control.better")


def write_pcm_wav(path: Path, samples: np.ndarray) -> Path:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.writeframes(np.clip(samples, -32768, 32767).astype("<i2").tobytes())
    return path


def test_silence_and_noise_produce_no_intent(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, ko_model: LoadedModel,
) -> None:
    rng = np.random.default_rng(5)
    silent = write_pcm_wav(tmp_path / "silence.wav", np.zeros(16000 * 5))
    hiss = write_pcm_wav(tmp_path / "noise.wav", rng.normal(0, 2000, 16000 * 5))
    for wav in (silent, hiss):
        code, records, _ = listen(capsys, "--wav", str(wav))
        assert (code, records) == (0, [])


def test_corrupt_wav_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt nonsense")
    code, records, err = listen(capsys, "--wav", str(broken))
    assert (code, records) == (2, [])
    assert "broken.wav: not a readable PCM WAV file" in err


def test_missing_model_says_how_to_get_one(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    korean_speech: KoreanSpeech,
) -> None:
    monkeypatch.delenv("VOSK_MODEL_PATH", raising=False)
    monkeypatch.setattr(models, "VOSK_CACHE_DIRS", (tmp_path,))
    code = main(["listen", "--lang", "en", "--json", "--silent",
                 "--wav", str(korean_speech("정지"))])
    err = capsys.readouterr().err
    assert code == 2
    assert "no Vosk speech model for language 'en'" in err
    assert "cramp-coach model download --lang en" in err
