"""Speech on a full disk (real tmpfs): first aid is still heard, synthesised into memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from skill.speech import SpeechQueue
from skill.speech.cache import SpeechCache
from skill.speech.settings import SpeechSettings
from tests.pulse import PulseServer
from tests.storage_support import fill_up, small_disk
from tests.test_speech_queue import Heard, noon

pytestmark = pytest.mark.audio

STEP = "Sit up slowly and straighten the cramping leg out in front of you."


def test_a_full_disk_does_not_silence_first_aid(pulse_server: PulseServer,
                                                 tmp_path: Path) -> None:
    heard = Heard()
    settings = SpeechSettings(rate=300)
    with small_disk(tmp_path / "disk") as disk:
        cache = SpeechCache(disk / "speech")
        fill_up(disk)
        queue = SpeechQueue(settings, default_voice="en", clock=noon, cache=cache,
                            on_played=heard.on_played, echo=None)
        try:
            queue.say(STEP, key="first_aid.calf.straighten")
            assert queue.wait_idle(60)
            path = queue.render(STEP)  # the cached file, now that it was synthesised
        finally:
            queue.close()
    assert heard.played[STEP].completed
    assert [item.audible for item in queue.last_spoken] == [True]
    assert path is not None and path.parent == cache.spill_root()
    path.unlink()
