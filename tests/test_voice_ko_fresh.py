"""Korean cramp reports phrased other ways than the templates' first forms, spoken and decoded."""

from __future__ import annotations

import pytest

from skill.asr.models import LoadedModel
from tests.voice_support import KoreanSpeech, heard_intents

SPEEDS = (120, 160, 200)
"""espeak-ng words per minute, slow to fast; none of them were used to tune the pack."""


# "다리 쥐났어" (banmal, no particle) and "자는데 쥐가 났어" (while asleep) come through
# grammar-mode Vosk as fragments ("났어", "요 났어"); first aid must still start every time.
@pytest.mark.parametrize("said", ["다리 쥐났어", "자는데 쥐가 났어"])
def test_banmal_cramp_report_starts_first_aid_at_every_speed(
    capsys: pytest.CaptureFixture[str], ko_model: LoadedModel, korean_speech: KoreanSpeech,
    said: str,
) -> None:
    for speed in SPEEDS:
        intents = heard_intents(capsys, str(korean_speech(said, speed)))
        assert any(i is not None and i.startswith("cramp.") for i in intents), (speed, intents)


# "종아리에 쥐 났어요" loses 쥐 at every speed ("요 다리에 이 가 어요" at 110, "종아리이 아파 어요"
# at 150, "종아리이 아파요" at 190): a leg part as place or subject, then a lone ending or a pain,
# still reports the cramp.
@pytest.mark.parametrize("speed", [110, 150, 190])
def test_cramp_whose_cramp_word_was_lost_still_starts_first_aid(
    capsys: pytest.CaptureFixture[str], ko_model: LoadedModel, korean_speech: KoreanSpeech,
    speed: int,
) -> None:
    intents = heard_intents(capsys, str(korean_speech("종아리에 쥐 났어요", speed)))
    assert intents == ["cramp.calf"], (speed, intents)


# The control commands espeak-ng's Korean keeps through the small model at every speed (measured
# for issue 15; bare 다음, 그만 and 멈춰 are not heard): the ones to say over the assistant.
@pytest.mark.parametrize(("said", "intent"), [("다시 말해줘", "control.repeat"),
                                              ("이제 좋아졌어", "control.better")])
def test_repeat_and_better_commands_are_heard_at_every_speed(
    capsys: pytest.CaptureFixture[str], ko_model: LoadedModel, korean_speech: KoreanSpeech,
    said: str, intent: str,
) -> None:
    for speed in SPEEDS:
        assert intent in heard_intents(capsys, str(korean_speech(said, speed))), speed



# espeak's "다시 한번 말해줘" loses 한번 ("다시 가 이 어요 말해 줘요" at 130 wpm, "다시 가 나고
# 어요" at 170; at 210 even 다시 is lost): a line opened by 다시 naming no cramp is a repeat.
@pytest.mark.parametrize("speed", [130, 170])
def test_say_it_once_more_is_a_repeat_though_its_middle_word_is_lost(
    capsys: pytest.CaptureFixture[str], ko_model: LoadedModel, korean_speech: KoreanSpeech,
    speed: int,
) -> None:
    intents = heard_intents(capsys, str(korean_speech("다시 한번 말해줘", speed)))
    assert intents == ["control.repeat"], (speed, intents)


# espeak's 허벅지가/허벅지에 reaches the small model as "더 가" ("더 가 나요" at 170 and 210 wpm):
# opening a fragment, it is the thigh, so the thigh's own first aid starts.
@pytest.mark.parametrize("speed", [170, 210])
def test_thigh_cramp_whose_thigh_is_heard_as_more_starts_thigh_first_aid(
    capsys: pytest.CaptureFixture[str], ko_model: LoadedModel, korean_speech: KoreanSpeech,
    speed: int,
) -> None:
    intents = heard_intents(capsys, str(korean_speech("허벅지에 쥐가 나요", speed)))
    assert intents == ["cramp.thigh"], (speed, intents)


# A mouse in the kitchen ("후 났어": 부엌에 heard as 후) and an alarm ("났네 수영": 알람 heard as
# 났네) once started first aid at these speeds; unrelated speech must start nothing.
@pytest.mark.parametrize(("said", "speed"), [
    ("부엌에 쥐가 나왔어", 170), ("부엌에 쥐가 나왔어", 210),
    ("알람 맞춰 줘", 170), ("알람 맞춰 줘", 210),
])
def test_mouse_in_the_kitchen_or_an_alarm_request_starts_nothing(
    capsys: pytest.CaptureFixture[str], ko_model: LoadedModel, korean_speech: KoreanSpeech,
    said: str, speed: int,
) -> None:
    intents = heard_intents(capsys, str(korean_speech(said, speed)))
    assert all(i is None for i in intents), (said, speed, intents)


# The small model hears espeak's 쥐 as 아이 ("왼 종아리에 아이가 어요" at 120 wpm, "아이가 어요" at
# 130): in a fragment before a lone ending it is the cramp word, and first aid starts.
@pytest.mark.parametrize(("said", "speed"), [("왼쪽 종아리에 쥐 났어요", 120), ("쥐 났어요", 130)])
def test_cramp_word_heard_as_child_still_starts_first_aid(
    capsys: pytest.CaptureFixture[str], ko_model: LoadedModel, korean_speech: KoreanSpeech,
    said: str, speed: int,
) -> None:
    intents = heard_intents(capsys, str(korean_speech(said, speed)))
    assert intents == ["cramp.calf"], (said, speed, intents)
