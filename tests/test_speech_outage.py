"""PulseAudio killed in the middle of a first-aid flow and back 5 s later (an update restarting
it, a crash): the steps still waiting are heard once it is back, not printed to nobody."""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from skill.speech import SpeechQueue
from skill.speech.player import Played
from skill.speech.settings import SpeechSettings
from tests.pulse import PulseServer

pytestmark = pytest.mark.audio

STEPS = [
    "Sit up slowly and straighten the cramping leg out in front of you, then keep it there.",
    "Now gently pull your toes up towards your knee.",
    "Hold it there and breathe slowly.",
]
OUTAGE_SECONDS = 5.0
"""The brief's fault: the sound server is back this long after it died."""


def test_first_aid_steps_waiting_while_the_sound_server_restarts_are_heard_after_it(
    pulse_server: PulseServer,
) -> None:
    played: dict[str, Played] = {}
    printed: list[str] = []
    q = SpeechQueue(SpeechSettings(), default_voice="en", clock=lambda: datetime(2024, 5, 1, 12),
                    on_played=lambda text, p: played.__setitem__(text, p), echo=printed.append)
    try:
        for text in STEPS:
            q.render(text)
        q.say("Ready.")
        assert q.wait_idle(60) and played["Ready."].completed
        for text in STEPS:
            q.say(text, key="first_aid.calf.step", flow="first_aid")
        deadline = time.monotonic() + 30
        while not any(item.text == STEPS[0] for item in q.last_spoken):
            assert time.monotonic() < deadline
            time.sleep(0.01)
        time.sleep(1.0)
        pulse_server.kill()
        time.sleep(OUTAGE_SECONDS)
        pulse_server.start()
        assert q.wait_idle(120)
    finally:
        q.close()
    later = STEPS[1:]
    heard = [text for text in later if text in played and played[text].completed]
    assert heard == later, f"printed instead: {printed}"
