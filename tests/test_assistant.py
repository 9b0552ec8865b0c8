"""`cramp-coach run` as a whole: Korean speech in through PulseAudio, Korean first aid out, the
single-instance lock, clean shutdown on SIGTERM, and a machine with no speech model."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import wave
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from skill.asr.models import LoadedModel
from skill.assistant import AlreadyRunningError, Assistant
from skill.config import parse_config
from tests.pulse import PulseServer
from tests.voice_support import KoreanSpeech
from tests.waiting import wait_for

KOREAN = """
[general]
language = "ko"
[reminders]
enabled = false
"""



@pytest.fixture
def korean_assistant(pulse_server: PulseServer, ko_model: LoadedModel) -> Iterator[Assistant]:
    config, _ = parse_config(KOREAN)
    assistant = Assistant(config)
    assistant.start()
    yield assistant
    assistant.stop()


def voiced_seconds(path: Path) -> float:
    with wave.open(str(path)) as recording:
        samples = np.frombuffer(recording.readframes(recording.getnframes()), dtype=np.int16)
    frames = samples[: len(samples) // 160 * 160].reshape(-1, 160).astype(np.float64)
    loud = np.sqrt((frames**2).mean(axis=1)) > 300
    return float(loud.sum()) * 0.01


@pytest.mark.audio
def test_korean_question_spoken_into_the_room_is_answered_aloud(
    korean_assistant: Assistant, pulse_server: PulseServer, korean_speech: KoreanSpeech,
    tmp_path: Path,
) -> None:
    assert wait_for(lambda: korean_assistant.listening is not None
                    and korean_assistant.listening.status.last_audio is not None, 15)
    time.sleep(2.5)  # a fresh monitor source may deliver nothing for about two seconds
    recorder = pulse_server.record(tmp_path / "room.wav", 60)
    spoke = False
    # Like a person who gets no answer, say it again (up to four times, in two ways):
    # espeak's Korean does not always survive the sound server's resampling.
    for text, speed in [("왼쪽 종아리에 쥐가 났어요", 130), ("종아리에 쥐가 났어요", 175)] * 2:
        question = korean_speech(text, speed)
        pulse_server.play(question)
        spoke = wait_for(lambda: any(item.key.startswith("first_aid.")
                                     for item in korean_assistant.speaker.last_spoken), 8)
        if spoke:
            break
    korean_assistant.speaker.wait_idle(60)
    recorder.terminate()
    recorder.wait(10)

    heard = [e.data for e in korean_assistant.diary.recent_events(kind="heard")]
    assert spoke, (heard, [item.key for item in korean_assistant.speaker.last_spoken])
    intents = [e.data.get("intent") for e in korean_assistant.diary.recent_events(kind="intent")]
    assert "cramp.calf" in intents
    first_aid = [i for i in korean_assistant.speaker.last_spoken if i.key.startswith("first_aid.")]
    assert all(item.audible for item in first_aid)
    assert any("\uac00" <= ch <= "\ud7a3" for ch in first_aid[0].text)  # Hangul
    with wave.open(str(question)) as played:
        question_seconds = played.getnframes() / played.getframerate()
    assert voiced_seconds(tmp_path / "room.wav") > question_seconds + 1.0


def test_assistant_refuses_a_second_instance_on_the_same_data_directory() -> None:
    config, _ = parse_config("[reminders]\nenabled = false\n[speech]\nengine = \"none\"\n")
    first = Assistant(config, listen=False)
    first.start()
    second = Assistant(config, listen=False)
    try:
        with pytest.raises(AlreadyRunningError, match="already running"):
            second.start()
    finally:
        second.stop()
        first.stop()


def _start_run(home: Path, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "skill", "run", "--port", str(port)],
        env={**os.environ, "CRAMP_COACH_HOME": str(home)},
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_run_without_a_model_keeps_reminders_and_admin_page_and_stops_cleanly(
    data_home: Path,
) -> None:
    port = _free_port()
    process = _start_run(data_home, port)
    try:
        up = wait_for(lambda: _healthy(port), 60)
        second = subprocess.run(
            [sys.executable, "-m", "skill", "run", "--port", str(_free_port())],
            env={**os.environ, "CRAMP_COACH_HOME": str(data_home)},
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
        )
        listed = subprocess.run(
            [sys.executable, "-m", "skill", "reminders", "list", "--json"],
            env={**os.environ, "CRAMP_COACH_HOME": str(data_home)},
            capture_output=True, text=True, timeout=60,
        )
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=30)
    assert up, err
    assert process.returncode == 0, err
    assert "no Vosk speech model for language 'en'" in err
    assert "cramp-coach model download" in err
    assert "Traceback" not in err
    assert second.returncode == 1 and "already running" in second.stderr
    assert "hydration" in listed.stdout
    assert not _healthy(port)


def _healthy(port: int) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as reply:
            return reply.status == 200
    except OSError:
        return False


def test_status_page_shows_a_speech_engine_marked_down() -> None:
    config, _ = parse_config("[reminders]\nenabled = false\n")
    assistant = Assistant(config, listen=False)
    try:
        assert not any("speech engine down" in note for note in assistant.status().notes)
        for _ in range(2):  # what two synthesis timeouts in a row do
            assistant.speaker.health.timed_out("TTS worker overran 10.0 s while speaking")
        notes = assistant.status().notes
    finally:
        assistant.stop()
    assert any("speech engine down" in note and "2 times in a row" in note for note in notes)


def _hhmm(offset_hours: int) -> str:
    """The UTC wall-clock time `offset_hours` from now, as the settings page posts it."""
    return time.strftime("%H:%M", time.gmtime(time.time() + offset_hours * 3600))


def _frequent_cramps_said(assistant: Assistant) -> bool:
    return "advice.frequent_cramps" in assistant.conversation.handle_text(
        "what causes cramps").reply_keys


@pytest.mark.parametrize(
    ("quiet", "edited", "posted", "said"),
    [
        # Quiet hours around now at start; the page moves them away: the note is due by day.
        ((-1, 1), "", {"reminders.quiet_start": _hhmm(3), "reminders.quiet_end": _hhmm(5)}, True),
        # Quiet hours 3 to 5 hours ahead of UTC; config.toml now names a zone 4 hours ahead and
        # any save on the page applies the file: it is night there, so the note waits.
        ((3, 5), 'timezone = "Etc/GMT-4"\n', {"speech.rate": "170"}, False),
    ],
    ids=["quiet-hours-moved", "time-zone-changed"],
)
def test_settings_applied_live_from_the_admin_page_reach_the_frequent_cramps_note(
    data_home: Path, quiet: tuple[int, int], edited: str, posted: dict[str, str], said: bool,
) -> None:
    from skill.config import load_config
    from tests.admin_support import AuthActions, make_app

    path = data_home / "config.toml"
    start, end = (_hhmm(hours) for hours in quiet)
    reminders = f'[reminders]\nenabled = false\ntimezone = "UTC"\nquiet_start = "{start}"\n'
    path.write_text(f'{reminders}quiet_end = "{end}"\n[speech]\nengine = "none"\n')
    assistant = Assistant(load_config(path), listen=False)
    try:
        for night in (1, 2, 3):  # cramps on three of the last seven nights
            assistant.diary.start_episode(time.time() - night * 86_400, "calf")
        client = make_app(data_home, assistant).test_client()
        AuthActions(client).login()
        if edited:
            path.write_text(path.read_text().replace('timezone = "UTC"\n', edited))
        assert client.post("/settings/", data=posted).status_code == 302
        assert _frequent_cramps_said(assistant) is said
    finally:
        assistant.stop()


class _QuietRoom:
    """A microphone in a silent bedroom: 100 ms of silence every 100 ms until closed."""

    def __init__(self) -> None:
        self._closed = threading.Event()

    def chunks(self) -> Iterator[bytes]:
        while not self._closed.wait(0.1):
            yield bytes(3200)

    def close(self) -> None:
        self._closed.set()


def test_voice_settings_applied_live_reach_the_listener_and_the_microphone_waits_for_a_restart(
    ko_model: LoadedModel,
) -> None:
    config, _ = parse_config(KOREAN + '[speech]\nengine = "none"\n')
    assistant = Assistant(config, source=_QuietRoom())
    assistant.start()
    try:
        assert wait_for(lambda: assistant.listening is not None
                        and assistant.listening.status.last_audio is not None, 15)
        listening = assistant.listening
        assert listening is not None and listening.gate is not None
        voice = replace(config.voice, speaking_tail=2.5, vad_gate=False, input_device="elsewhere")
        assistant.apply_config(replace(config, voice=voice))
        assert wait_for(lambda: listening.speaking_tail == 2.5 and listening.gate is None, 5)
        assert assistant.config.voice.speaking_tail == 2.5
        assert assistant.config.voice.input_device == ""  # the microphone needs a restart
    finally:
        assistant.stop()
