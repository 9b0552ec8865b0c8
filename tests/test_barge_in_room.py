"""Issue 15's barge-in bar, end to end in the simulated bedroom (tests/room.py): the whole
assistant on the private PulseAudio server, its voice fed back into its microphone as loud as the
user's, webrtc echo cancellation between. Slow (about 15 minutes): the same runs as
`python -m bench.barge_in`, which prints the figures."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.barge_in import COMMANDS, CONFIG, reaction_times, self_interruptions, wait_for
from skill.assistant import Assistant
from skill.config import parse_config
from tests.pulse import PulseServer, synth_wav
from tests.room import bedroom, quieter

pytestmark = [pytest.mark.audio, pytest.mark.room]

TARGET_SECONDS = 0.3
"""Issue 15: a command said over a long reply takes effect within 300 ms of its end."""


@pytest.fixture(scope="module")
def room_assistant(pulse_server: PulseServer, tmp_path_factory: pytest.TempPathFactory,
                   ) -> Iterator[Assistant]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CRAMP_COACH_HOME", str(tmp_path_factory.mktemp("barge-home")))
        with bedroom(pulse_server):
            assistant = Assistant(parse_config(CONFIG)[0])
            assistant.start()
            try:
                assert assistant.barge_in is not None, assistant.barge_in_note
                assert wait_for(lambda: assistant.listening is not None
                                and assistant.listening.status.last_audio is not None, 15)
                yield assistant
            finally:
                assistant.stop()


@pytest.mark.timeout(900)
def test_a_command_over_a_long_reply_takes_effect_within_300_ms_every_time(
    room_assistant: Assistant, pulse_server: PulseServer, tmp_path: Path
) -> None:
    clips = [quieter(synth_wav(text, tmp_path / f"c{i}.wav")) for i, text in enumerate(COMMANDS)]
    times = reaction_times(room_assistant, pulse_server, clips, 20)
    late = [t for t in times if t is None or t > TARGET_SECONDS]
    assert late == [], (f"ms after the command's end (None: never): "
                        f"{[None if t is None else round(t * 1000) for t in times]}, "
                        f"load {os.getloadavg()[0]:.1f}")


@pytest.mark.timeout(1500)
def test_the_assistant_never_holds_itself_on_its_own_voice_over_50_replies(
    room_assistant: Assistant,
) -> None:
    holds, acted, _seconds = self_interruptions(room_assistant, 50)
    assert (holds, acted) == (0, 0), (f"holds, commands heard in its own voice; "
                                      f"load {os.getloadavg()[0]:.1f}")
