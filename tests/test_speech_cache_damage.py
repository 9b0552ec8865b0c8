"""A damaged speech cache file (garbage, or cut short by a power cut mid-write) never makes a
first-aid step silent or cut short: it is synthesised again and played whole (real espeak-ng
through a private PulseAudio)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from skill.speech import SpeechQueue
from skill.speech.cache import SpeechCache
from skill.speech.settings import SpeechSettings
from skill.speech.sound import read_wav
from tests.pulse import PulseServer
from tests.test_speech_queue import Heard, noon

pytestmark = pytest.mark.audio

STEP = "Pull your toes up towards your knee and hold for about thirty seconds."


def garbage(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 8)


def cut_short(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 3)  # the header still promises every frame


@pytest.mark.parametrize("damage", [garbage, cut_short], ids=["garbage", "cut short"])
def test_a_damaged_cached_step_is_synthesised_again_and_heard_whole(
    pulse_server: PulseServer, tmp_path: Path, damage: Callable[[Path], None],
) -> None:
    heard = Heard()
    queue = SpeechQueue(SpeechSettings(rate=300), default_voice="en", clock=noon,
                        cache=SpeechCache(tmp_path / "speech"), on_played=heard.on_played,
                        echo=None)
    try:
        cached = queue.render(STEP)
        assert cached is not None
        whole = len(read_wav(cached)[0])
        damage(cached)
        queue.say(STEP, key="first_aid.calf.stretch")
        assert queue.wait_idle(60)
    finally:
        queue.close()
    assert heard.played[STEP].completed
    assert [item.audible for item in queue.last_spoken] == [True]
    assert len(read_wav(cached)[0]) > 0.9 * whole  # espeak's length varies by a few samples
