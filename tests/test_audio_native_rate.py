"""The microphone records at its source's own rate (48 kHz here) and Vosk still understands."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator

import pytest

from intents.language import load_pack
from intents.matcher import IntentMatcher
from skill.asr.models import LoadedModel
from skill.audio.microphone import MicrophoneSource
from skill.audio.native_rate import pulse_source_rate
from skill.audio.settings import VoiceSettings
from skill.listening import ListeningService, build_gate, build_recognizer
from tests.pulse import PulseServer
from tests.voice_support import Heard, KoreanSpeech

SINK_48K = "room48"


@pytest.fixture
def room_48k(pulse_server: PulseServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A second null sink running at 48 kHz; this process records from its monitor."""
    env = {**os.environ, **pulse_server.env}
    module = subprocess.run(
        ["pactl", "load-module", "module-null-sink", f"sink_name={SINK_48K}", "rate=48000"],
        env=env, capture_output=True, text=True, check=True).stdout.strip()
    monkeypatch.setenv("PULSE_SOURCE", f"{SINK_48K}.monitor")
    yield SINK_48K
    subprocess.run(["pactl", "unload-module", module], env=env, check=False)


def play_into(server: PulseServer, sink: str, wav: object) -> None:
    subprocess.run(["paplay", f"--device={sink}", str(wav)],
                   env={**os.environ, **server.env}, check=True, timeout=60)


@pytest.mark.audio
def test_a_48_khz_microphone_is_resampled_here_and_understood(
    pulse_server: PulseServer, room_48k: str, ko_model: LoadedModel,
    korean_speech: KoreanSpeech,
) -> None:
    assert pulse_source_rate() == 48000
    matcher = IntentMatcher(load_pack("ko"))
    heard = Heard()
    microphone = MicrophoneSource(device="pulse")
    settings = VoiceSettings()
    service = ListeningService(microphone, build_recognizer(settings, "ko"), heard,
                               gate=build_gate(settings))
    service.start()
    try:
        deadline = time.monotonic() + 30
        while service.status.last_audio is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert service.status.last_audio is not None
        assert microphone.rate == 48000
        # Anything heard must be the calf or nothing, never another intent.
        intents = heard.calf_tries(lambda wav: play_into(pulse_server, room_48k, wav),
                                   korean_speech, matcher)
        assert intents[-1] == "cramp.calf" and set(intents) <= {"cramp.calf", None}, heard.texts
    finally:
        service.stop()
