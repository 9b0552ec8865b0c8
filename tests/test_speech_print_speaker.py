"""PrintSpeaker / NullSpeaker: for --silent and no audio; still a Speaker with a record."""

from __future__ import annotations

import io
from datetime import datetime

from skill.config import Config
from skill.interfaces import Speaker
from skill.speech import NullSpeaker, PrintSpeaker, SpeechQueue, create_speaker
from skill.speech.settings import SpeechSettings


def test_print_speaker_prints_and_records() -> None:
    out = io.StringIO()
    heard: list[tuple[str, str]] = []
    speaker: Speaker = PrintSpeaker(out, on_spoken=lambda t, k: heard.append((t, k)),
                                    clock=lambda: datetime(2024, 5, 1, 3, 0))
    speaker.say("Sit down.", key="t.sit", flow="calf")
    speaker.pause(30, flow="calf")
    speaker.stop("calf")
    assert not speaker.is_busy() and speaker.wait_idle(0)
    assert out.getvalue() == "Sit down.\n"
    assert heard == [("Sit down.", "t.sit")]


def test_null_speaker_says_nothing_but_remembers() -> None:
    speaker = NullSpeaker()
    speaker.say("Relax.", key="t.relax")
    [item] = speaker.last_spoken
    assert (item.text, item.key, item.audible) == ("Relax.", "t.relax", False)


def test_create_speaker_silent_or_engine_none_gives_a_printer() -> None:
    assert isinstance(create_speaker(Config(), silent=True), PrintSpeaker)
    config = Config(speech=SpeechSettings(engine="none"))
    assert isinstance(create_speaker(config), PrintSpeaker)
    queue = create_speaker(Config(), "en")
    try:
        assert isinstance(queue, SpeechQueue)
        reminders = Config().reminders
        assert queue.voicing.quiet_hours == (reminders.quiet_start, reminders.quiet_end)
    finally:
        queue.close()
