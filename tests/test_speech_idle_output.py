"""The speaker's output stream closes after [speech] output_idle_seconds and opens again in time."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from skill.speech import SpeechQueue
from skill.speech.playback import Playback
from skill.speech.player import Played
from skill.speech.settings import SpeechSettings
from skill.speech.sound import Samples
from skill.speech.worker import Item, SpeechWorker
from tests.pulse import PulseServer
from tests.test_speech_audio import (
    THRESHOLD,
    PlayLog,
    Recording,
    envelope,
    noon,
    reference,
    sound_span,
)

IDLE = 3.0
"""Short, so the test waits little; long enough that the stream is still open when looked at."""


def wait_for(predicate: Callable[[], bool], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@pytest.mark.audio
def test_output_stream_closes_after_the_idle_time_and_the_next_reply_plays_in_full(
    pulse_server: PulseServer, tmp_path: Path,
) -> None:
    streams = pulse_server.playback_streams
    log = PlayLog()
    q = SpeechQueue(SpeechSettings(output_idle_seconds=IDLE), default_voice="en", clock=noon,
                    on_played=log, echo=None)
    text = "Point your toes up towards the ceiling and hold the stretch."
    try:
        source, source_rate = reference(q, text)
        q.say("Ready.")
        assert q.wait_idle(60) and log.played["Ready."].completed
        assert streams() == 1, "the stream should still be open right after speech"
        assert wait_for(lambda: streams() == 0), "the idle stream was never closed"
        recording = Recording(pulse_server, tmp_path / "heard.wav")
        q.say(text)
        assert q.wait_idle(60)
        heard, rate = recording.finish()
    finally:
        q.close()
    peak = envelope(source, source_rate).max()
    src = sound_span(source, source_rate, THRESHOLD * peak)
    got = sound_span(heard, rate, THRESHOLD * peak)
    assert src is not None and got is not None, "no speech energy in the recording"
    assert log.played[text].completed
    assert got[1] - got[0] == pytest.approx(src[1] - src[0], rel=0.1, abs=0.1)


@pytest.mark.audio
def test_warm_up_opens_the_closed_output_and_it_closes_again_when_nothing_is_said(
    pulse_server: PulseServer,
) -> None:
    streams = pulse_server.playback_streams
    q = SpeechQueue(SpeechSettings(output_idle_seconds=IDLE), default_voice="en", clock=noon,
                    echo=None)
    try:
        q.say("Ready.")
        assert q.wait_idle(60)
        assert wait_for(lambda: streams() == 0), "the idle stream was never closed"
        q.warm_up()  # someone started to speak
        assert wait_for(lambda: streams() == 1), "warm-up did not open the output"
        assert wait_for(lambda: streams() == 0), "no reply came, yet it stays open"
    finally:
        q.close()


class CountingPlayer:
    """Stands in for the output device: counts opens and closes (no sound needed here)."""

    device = ""

    def __init__(self) -> None:
        self.opens = 0
        self.closes = 0
        self.closed = threading.Event()

    def open(self) -> None:
        self.opens += 1

    def play(self, samples: Samples, rate: int, cut: threading.Event,
             watchdog: float = 10.0) -> Played:
        return Played(True, time.monotonic(), len(samples), time.monotonic())

    def close(self) -> None:
        self.closes += 1
        self.closed.set()


def test_idle_close_runs_once_on_the_speech_thread_after_each_warm_up() -> None:
    player = CountingPlayer()
    playback = Playback(player)
    threads: list[str] = []

    def idle() -> None:
        threads.append(threading.current_thread().name)
        playback.idle()

    worker = SpeechWorker(lambda item, cut: True, on_idle=idle, on_warm=playback.warm,
                          idle_after=0.2)
    try:
        worker.put(Item("hello", "", ""), urgent=False)
        assert player.closed.wait(10)
        player.closed.clear()
        worker.warm()
        assert player.closed.wait(10)
        assert player.opens == 1
        time.sleep(0.5)  # no further closes while nothing happens
        assert player.closes == 2 and threads == ["speech-queue", "speech-queue"]
    finally:
        worker.close()


def test_output_stays_open_while_barge_in_holds_speech_or_idle_time_is_zero() -> None:
    barge_in = Playback(CountingPlayer())
    barge_in.holdable()  # what barge-in asks for when the echo canceller is on
    barge_in.idle()
    assert barge_in.player.inner.closes == 0  # type: ignore[union-attr]
    player = CountingPlayer()
    worker = SpeechWorker(lambda item, cut: True, on_idle=Playback(player).idle, idle_after=0.0)
    try:
        worker.put(Item("hello", "", ""), urgent=False)
        assert worker.wait_idle(10)
        assert not player.closed.wait(0.5)
    finally:
        worker.close()
