"""Real sound-server faults: PulseAudio killed (kill -9) and restarted while the assistant speaks,
in-process and in a real `cramp-coach run`; the console lines of `run` with the microphone on."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from skill.speech import SpeechQueue
from skill.speech.player import Played
from skill.speech.settings import SpeechSettings
from tests.pulse import PulseServer
from tests.run_process import RunProcess, seconds, voiced_seconds
from tests.voice_support import KoreanSpeech

pytestmark = pytest.mark.audio

LONG_TEXT = (
    "Sit down on the floor and straighten the cramped leg, then gently pull your toes "
    "towards your knee and keep breathing slowly while the muscle lets go."
)
RECOVERY_SECONDS = 5.0
"""The issue's bound: speech is back this long after the sound server is."""
ANSWER_SECONDS = 10.0
"""The issue's bound: a question asked after the restart is answered this long after it."""
CALF = [("왼쪽 종아리에 쥐가 났어요", 130), ("종아리에 쥐가 났어요", 175)]
BETTER = "좋아졌어요"


STOP_ON_DEAD_SERVER = """
import sys, time
from datetime import datetime
from skill.speech import SpeechQueue
from skill.speech.settings import SpeechSettings
q = SpeechQueue(SpeechSettings(), default_voice="en", clock=lambda: datetime(2024, 5, 1, 12),
                echo=None)
q.say(sys.argv[1])
while not q.last_spoken:
    time.sleep(0.01)
print("speaking", flush=True)
sys.stdin.readline()  # the sound server has just been killed
q.stop()
print("idle" if q.wait_idle(30) else "busy", flush=True)
q.close()
"""
"""Stops speech right after the sound server died; closing the stream at exit may then hang."""


LATE_SERVER = """
import logging, sys, threading, time
logging.basicConfig(level=logging.INFO)
from datetime import datetime
from skill.audio.microphone import MicrophoneSource
from skill.speech import SpeechQueue
from skill.speech.settings import SpeechSettings
mic = MicrophoneSource()
heard = []
reader = threading.Thread(target=lambda: [heard.append(time.monotonic()) for _ in mic.chunks()],
                          daemon=True)
reader.start()
played = {}
q = SpeechQueue(SpeechSettings(), default_voice="en", clock=lambda: datetime(2024, 5, 1, 12),
                on_played=lambda text, p: played.__setitem__(text, p), echo=None)
q.render("Can you hear me?")
print("ready", flush=True)
sys.stdin.readline()  # the sound server is up now
up = time.monotonic()
spoken = None
while spoken is None and time.monotonic() < up + 15:
    q.say("Can you hear me?")
    q.wait_idle(30)
    p = played.pop("Can you hear me?", None)
    spoken = p.started_at if p is not None and p.completed else None
while not [t for t in heard if t > up] and time.monotonic() < up + 15:
    time.sleep(0.05)
first = [t for t in heard if t > up]
print(f"{spoken - up if spoken else -1:.2f} {first[0] - up if first else -1:.2f}", flush=True)
mic.close()
reader.join(10)  # as ListeningService.stop does: the stream is closed before PortAudio ends
q.close()
"""
"""Microphone and speaker started before the sound server: PortAudio then lists no device at all
and must be re-initialised once, by whichever of them gets there first."""


def noon() -> datetime:
    return datetime(2024, 5, 1, 12, 0)


def test_speech_is_back_within_5_s_after_the_sound_server_restarts_mid_sentence(
    pulse_server: PulseServer,
) -> None:
    played: dict[str, Played] = {}
    printed: list[str] = []
    q = SpeechQueue(SpeechSettings(), default_voice="en", clock=noon,
                    on_played=lambda text, p: played.__setitem__(text, p), echo=printed.append)
    try:
        q.render(LONG_TEXT)
        q.say("Ready.")
        assert q.wait_idle(60) and played["Ready."].completed
        q.say(LONG_TEXT)
        deadline = time.monotonic() + 30
        while not any(i.text == LONG_TEXT for i in q.last_spoken):
            assert time.monotonic() < deadline
            time.sleep(0.01)
        time.sleep(1.0)
        pulse_server.kill()
        killed = time.monotonic()
        assert q.wait_idle(15), "the speech queue hangs on the dead sound server"
        assert printed == [LONG_TEXT], "the cut sentence reaches the console"
        time.sleep(max(0.0, killed + 3.0 - time.monotonic()))
        pulse_server.start()
        restarted = time.monotonic()
        back = _first_audible_sentence(q, played, restarted + 15)
    finally:
        q.close()
    print(f"speech back {back - restarted:.2f} s after the sound server")
    assert back - restarted <= RECOVERY_SECONDS


def test_stop_on_a_dead_sound_server_neither_hangs_the_queue_nor_aborts_the_exit(
    private_server: PulseServer, data_home: Path,
) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", STOP_ON_DEAD_SERVER, LONG_TEXT],
        env={**os.environ, **private_server.env, "CRAMP_COACH_HOME": str(data_home)},
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert process.stdout is not None and process.stdin is not None
    try:
        assert process.stdout.readline() == "speaking\n"
        time.sleep(0.5)
        private_server.kill()
        out, err = _tell_and_wait(process, "stop")
    finally:
        _reap(process)
    assert out == "idle\n", err
    # The stop itself does not touch the stream (the clip is dropped in its callback, which
    # keeps running); the dead server is met by the stream's own thread (PortAudio's failed
    # poll), by the sentence's write (the stream stopped) or by the close at exit (a hung
    # abort, abandoned): whichever came first, the exit must be clean.
    signs = {"a hung abort": "abandoned", "a failed write": "the output stream stopped",
             "a failed poll": "pa_linux_alsa.c"}
    met = [name for name, sign in signs.items() if sign in err]
    assert met, f"the test did not meet the dead sound server: {err}"
    print("the stop met", ", ".join(met))
    assert process.returncode == 0, err


def test_speech_and_microphone_start_working_when_the_sound_server_comes_up_later(
    tmp_path: Path, data_home: Path,
) -> None:
    server = PulseServer(tmp_path / "pulse")
    process = subprocess.Popen(
        [sys.executable, "-c", LATE_SERVER],
        env={**os.environ, **server.env, "CRAMP_COACH_HOME": str(data_home)},
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert process.stdout is not None and process.stdin is not None
    try:
        assert process.stdout.readline() == "ready\n"
        time.sleep(2.0)  # both fail and retry meanwhile
        server.start()
        out, err = _tell_and_wait(process, "up")
    finally:
        _reap(process)
        server.cleanup()
    speech, hearing = (float(x) for x in out.split())
    print(f"after the sound server came up: speech {speech:.2f} s, microphone {hearing:.2f} s")
    assert 0 <= speech <= RECOVERY_SECONDS, err
    assert 0 <= hearing <= RECOVERY_SECONDS, err
    assert "PortAudio re-initialised" in err
    assert process.returncode == 0, err


def _first_audible_sentence(q: SpeechQueue, played: dict[str, Played], until: float) -> float:
    """Say short sentences until one plays in full; when its first sample went out."""
    for n in range(1000):
        text = f"Check {n}."
        q.say(text)
        assert q.wait_idle(30)
        result = played.get(text)
        if result is not None and result.completed and result.started_at is not None:
            return result.started_at
        assert time.monotonic() < until, "speech never came back"
        time.sleep(0.1)
    raise AssertionError("speech never came back")



@pytest.fixture
def private_server(tmp_path: Path) -> Iterator[PulseServer]:
    """A sound server of this test's own, to kill without disturbing the others."""
    server = PulseServer(tmp_path / "pulse")
    server.start()
    yield server
    server.cleanup()


MISHEARD_RETRIES = 2
"""A restart trial is redone (a new `run`, killed again in the same state) when its only miss was
Vosk mishearing espeak's Korean after the restart: that is random (about 1 in 5 under load) and
no part of recovering from a restart. The bound is checked unchanged on the trial that heard."""


@dataclass
class RestartTrial:
    """One kill and restart of the sound server around a `cramp-coach run`, and what followed."""

    restarted: float = 0.0
    hearing: float | None = None
    answered: float | None = None
    misheard: bool = False
    """After the restart something was heard, yet no answer came within the bound."""
    code: int = 0
    text: str = ""


@pytest.mark.parametrize("state", ["speaking"] * 5 + ["idle, output open",
                                                    "idle, output closed"])
def test_question_after_a_sound_server_restart_is_answered_within_10_s(
    state: str, private_server: PulseServer, data_home: Path, korean_speech: KoreanSpeech,
    tmp_path: Path,
) -> None:
    """Speaking: killed 1 s into the first-aid reply (5 trials, the issue's test); idle: killed
    while nothing plays, once within [speech] output_idle_seconds (the output stream still runs,
    playing silence) and once after it closed the stream (nothing of ours on the server but the
    microphone)."""
    for attempt in range(1 + MISHEARD_RETRIES):
        room = tmp_path / f"room-{attempt}.wav"
        trial = _restart_trial(state, private_server, data_home, korean_speech, room)
        if not trial.misheard:
            break
        heard = [line for line in trial.text.splitlines() if "heard: " in line]
        print(f"{state}: misheard after the restart, trial redone: {heard}")
    assert trial.answered, trial.text
    print(f"{state}: hearing {(trial.hearing or 0) - trial.restarted:.1f} s, answer "
          f"{trial.answered - trial.restarted:.1f} s after the restart")
    assert trial.answered - trial.restarted <= ANSWER_SECONDS
    assert voiced_seconds(room) > seconds(korean_speech(BETTER)) + 1.0
    assert trial.code == 0, trial.text
    assert "Traceback" not in trial.text and "Assertion" not in trial.text


def _restart_trial(state: str, server: PulseServer, home: Path, speech: KoreanSpeech,
                   room: Path) -> RestartTrial:
    """Start `run`, bring it to `state`, kill and restart the server, ask a question."""
    closes = state == "idle, output closed"
    run = RunProcess(home, server, "--no-admin",
                     config_extra="[speech]\noutput_idle_seconds = 2\n" if closes else "")
    trial = RestartTrial()
    try:
        assert run.wait_line(r"listening \(ko", 0, 60), run.text
        time.sleep(2.5)  # a fresh monitor source may deliver nothing for about two seconds
        # Only the trigger of a long reply: repeated until understood.
        speaking = _ask_until_said(run, server, speech, CALF * 4, r"said \[")
        assert speaking, run.text
        if state.startswith("idle"):
            assert run.wait_line(r"said \[first_aid\.", speaking, 30), run.text
            time.sleep(8.0)  # the reply has played
            streams = 0 if closes else 1  # default output_idle_seconds: 30
            assert _wait_streams(server, streams), f"not {streams} streams: {run.text}"
        else:
            time.sleep(1.0)
        server.kill()
        killed = time.monotonic()
        if state == "speaking":
            assert run.wait_line("no audio output", killed, 8), "the kill missed the speech"
        time.sleep(max(0.0, killed + 3.0 - time.monotonic()))
        server.start()
        trial.restarted = time.monotonic()
        recorder = server.record(room, 0)
        trial.hearing = run.wait_line("microphone hears again", trial.restarted, ANSWER_SECONDS)
        assert trial.hearing, run.text
        trial.answered = _ask_until_said(run, server, speech, [(BETTER, 175)] * 3,
                                         r"said \[aftercare\.", trial.restarted + ANSWER_SECONDS)
        time.sleep(4.0)  # let the answer play into the recording
        recorder.terminate()
        recorder.wait(10)
    finally:
        trial.code = run.terminate()
    trial.text = run.text
    late = trial.answered is None or trial.answered - trial.restarted > ANSWER_SECONDS
    # Utterances heard after the restart, up to the answer: more than the one answered means
    # one was heard but not understood. A slow recovery alone is never redone.
    end = trial.answered if trial.answered is not None else float("inf")
    heard = [at for at, line in run.lines if trial.restarted <= at <= end and "heard: " in line]
    trial.misheard = late and len(heard) > (trial.answered is not None)
    return trial


def _wait_streams(server: PulseServer, count: int, timeout: float = 60.0) -> bool:
    """Wait until the sound server has `count` playback streams (the speaker's output)."""
    deadline = time.monotonic() + timeout
    while server.playback_streams() != count:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def _ask_until_said(run: RunProcess, server: PulseServer, speech: KoreanSpeech,
                    questions: list[tuple[str, int]], said: str,
                    until: float | None = None) -> float | None:
    """Play questions (a person repeats what was not understood) until `said` is logged;
    espeak's Korean does not always survive the sound server's resampling."""
    for text, speed in questions:
        if until is not None and time.monotonic() >= until:
            return None
        asked = time.monotonic()
        server.play(speech(text, speed))
        # a person who gets no answer within a few seconds says it again
        limit = 8.0 if until is None else max(0.1, min(5.0, until - time.monotonic()))
        when = run.wait_line(said, asked, limit)
        if when is not None:
            return when
    return None



@pytest.mark.parametrize("start", range(5))
def test_run_with_the_microphone_on_prints_admin_address_setup_link_and_running_line(
    start: int, private_server: PulseServer, data_home: Path,
) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    run = RunProcess(data_home, private_server, "--port", str(port))
    try:
        assert run.wait_line("cramp-coach is running", 0, 90), run.text
        assert run.wait_line(r"listening \(ko", 0, 30), run.text
    finally:
        code = run.terminate()
    assert f"admin page: http://127.0.0.1:{port}/" in run.text
    assert "setup?token=" in run.text
    assert code == 0, run.text


def _tell_and_wait(process: subprocess.Popen[str], line: str) -> tuple[str, str]:
    """Send the child `line` and wait for it to end; what it printed on stdout and stderr."""
    assert process.stdin is not None
    process.stdin.write(line + "\n")
    process.stdin.flush()
    return process.communicate(timeout=60)


def _reap(process: subprocess.Popen[str]) -> None:
    """Kill a child that is still running (a failed test must not leave it behind)."""
    if process.poll() is None:
        process.kill()
        process.communicate()
