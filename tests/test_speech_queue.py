"""The one speech queue: order, many threads, stop per flow, urgent, pauses, watchdog, no engine."""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from skill.speech import SpeechQueue
from skill.speech.player import Played
from skill.speech.settings import SpeechSettings
from skill.speech.synth import Pyttsx3Synth
from tests.pulse import PulseServer

pytestmark = pytest.mark.audio

HANGING_WORKER = """
import json, os, sys, time
from skill.speech.synth_worker import Worker, protocol_stream, serve
out = protocol_stream()
worker = Worker()
out.write(json.dumps({"ready": True, "engine": "hang-test", "voices": []}) + "\\n")
out.flush()
def handle(request):
    if %s:
        time.sleep(600)
    return worker.handle(request)
serve(sys.stdin, out, handle)
"""
"""A real pyttsx3 worker that hangs on a sentence when the condition (over `request`) holds."""

HANG_ON_WORD_WORKER = HANGING_WORKER % '"hang" in request["text"]'
"""Hangs forever on any sentence containing 'hang'."""

HANG_WHILE_FLAG_WORKER = HANGING_WORKER % "os.path.exists(sys.argv[1])"
"""Hangs on every sentence while the file named by argv[1] exists."""


def noon() -> datetime:
    return datetime(2024, 5, 1, 12, 0)


class Heard:
    """on_spoken and on_played hooks, thread-safe."""

    def __init__(self) -> None:
        self.spoken: list[tuple[str, str]] = []
        self.played: dict[str, Played] = {}
        self.lock = threading.Lock()

    def on_spoken(self, text: str, key: str) -> None:
        with self.lock:
            self.spoken.append((text, key))

    def on_played(self, text: str, played: Played) -> None:
        with self.lock:
            self.played[text] = played

    def texts(self) -> list[str]:
        with self.lock:
            return [text for text, _ in self.spoken]


@pytest.fixture
def heard() -> Heard:
    return Heard()


@pytest.fixture
def queue(pulse_server: PulseServer, heard: Heard) -> Iterator[SpeechQueue]:
    q = SpeechQueue(SpeechSettings(rate=300), default_voice="en", clock=noon,
                    on_spoken=heard.on_spoken, on_played=heard.on_played, echo=None)
    yield q
    q.close()


def wait_for(predicate, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_sentences_are_spoken_in_order_with_their_keys(queue: SpeechQueue, heard: Heard) -> None:
    queue.say("Sit down.", key="t.one", flow="calf")
    queue.pause(0.2, flow="calf")
    queue.say("Straighten your leg.", key="t.two", flow="calf")
    assert queue.is_busy()
    assert queue.wait_idle(60)
    assert heard.spoken == [("Sit down.", "t.one"), ("Straighten your leg.", "t.two")]
    assert all(p.completed for p in heard.played.values())
    assert [i.audible for i in queue.last_spoken] == [True, True]
    assert not queue.is_busy()


def test_many_threads_enqueueing_at_once_each_item_spoken_once_in_order(
    queue: SpeechQueue, heard: Heard
) -> None:
    threads, per_thread = 5, 4
    start = threading.Barrier(threads)

    def talk(n: int) -> None:
        start.wait()
        for i in range(per_thread):
            queue.say(f"voice {n} line {i}")

    workers = [threading.Thread(target=talk, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(10)
    assert queue.wait_idle(120), "the queue hung"
    texts = heard.texts()
    assert sorted(texts) == sorted(f"voice {n} line {i}"
                                   for n in range(threads) for i in range(per_thread))
    for n in range(threads):
        mine = [t for t in texts if t.startswith(f"voice {n} ")]
        assert mine == [f"voice {n} line {i}" for i in range(per_thread)]
    assert all(p.completed for p in heard.played.values())


def test_stop_for_a_flow_cuts_it_and_keeps_other_flows(queue: SpeechQueue, heard: Heard) -> None:
    long = "Hold the stretch and keep breathing slowly, in through the nose, out through the mouth."
    queue.say(long, flow="calf")
    queue.say("Next calf step.", flow="calf")
    queue.say("Time to drink some water.", flow="reminder")
    wait_for(lambda: long in heard.texts())
    queue.stop("calf")
    assert queue.wait_idle(60)
    assert heard.texts() == [long, "Time to drink some water."]
    assert not heard.played[long].completed


def test_stop_for_another_flow_does_not_cut_current_speech(
    queue: SpeechQueue, heard: Heard
) -> None:
    queue.say("Drink a glass of water now.", flow="reminder")
    queue.say("Calf step.", flow="calf")
    wait_for(lambda: bool(heard.texts()))
    queue.stop("calf")
    assert queue.wait_idle(60)
    assert heard.texts() == ["Drink a glass of water now."]
    assert heard.played["Drink a glass of water now."].completed


def test_urgent_line_cuts_current_speech_and_drops_the_queue(
    queue: SpeechQueue, heard: Heard
) -> None:
    long = "Now flex your foot slowly and hold it there while you count to thirty with me."
    queue.say(long, flow="calf")
    queue.say("Next step.", flow="calf")
    queue.say("A reminder.", flow="")
    wait_for(lambda: long in heard.texts())
    queue.say("Call the emergency number now.", key="safety.escalate", urgent=True)
    assert queue.wait_idle(60)
    assert heard.spoken == [(long, ""), ("Call the emergency number now.", "safety.escalate")]
    assert not heard.played[long].completed


def test_stop_cuts_a_pause(queue: SpeechQueue) -> None:
    queue.pause(300, flow="hold")
    wait_for(queue.is_busy)
    queue.stop()
    assert queue.wait_idle(5)


def test_hanging_synthesis_is_killed_logged_and_the_queue_goes_on(
    pulse_server: PulseServer, heard: Heard, caplog: pytest.LogCaptureFixture
) -> None:
    synth = Pyttsx3Synth([sys.executable, "-c", HANG_ON_WORD_WORKER], timeout=2.0)
    printed: list[str] = []
    q = SpeechQueue(SpeechSettings(), default_voice="en", clock=noon, synth=synth,
                    on_spoken=heard.on_spoken, on_played=heard.on_played, echo=printed.append)
    try:
        q.say("this one will hang")
        q.say("all is well afterwards")
        with caplog.at_level(logging.WARNING):
            assert q.wait_idle(60)
    finally:
        q.close()
    assert heard.texts() == ["this one will hang", "all is well afterwards"]
    assert printed == ["this one will hang"]
    assert [i.audible for i in q.last_spoken] == [False, True]
    assert heard.played["all is well afterwards"].completed
    assert any("watchdog" in r.getMessage() for r in caplog.records)


def test_engine_hanging_on_every_sentence_is_marked_down_after_two_timeouts(
    pulse_server: PulseServer, heard: Heard, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    """pyttsx3 cannot be made to hang on demand, so the real worker's handler hangs instead."""
    flag = tmp_path / "hang"
    flag.touch()
    synth = Pyttsx3Synth([sys.executable, "-c", HANG_WHILE_FLAG_WORKER, str(flag)], timeout=3.0)
    printed: list[str] = []
    q = SpeechQueue(SpeechSettings(), default_voice="en", clock=noon, synth=synth,
                    on_spoken=heard.on_spoken, on_played=heard.on_played, echo=printed.append)
    later = [0.0]
    q.health.monotonic = lambda: time.monotonic() + later[0]
    lines = [f"Sentence number {n}." for n in range(1, 6)]
    try:
        with caplog.at_level(logging.WARNING):
            for line in lines:
                q.say(line)
            assert q.wait_idle(120)
            assert printed == lines
            assert "speech engine down" in q.problem and "2 times in a row" in q.problem
            later[0] = 301.0  # the down period is over: one sentence probes the engine
            q.say("Probe while still hanging.")
            assert q.wait_idle(60)
            assert "speech engine down" in q.problem
            flag.unlink()
            later[0] = 602.0
            q.say("The engine works again.")
            assert q.wait_idle(60)
    finally:
        q.close()
    watchdogs = [r for r in caplog.records if r.getMessage().startswith("watchdog: TTS")]
    downs = [r for r in caplog.records if "speech engine down" in r.getMessage()]
    assert len(watchdogs) == 3, "two timeouts, then one failed probe; no watchdog per sentence"
    assert len(downs) == 2, "logged once per down period"
    assert printed == [*lines, "Probe while still hanging."]
    assert heard.played["The engine works again."].completed
    assert q.problem == ""


def test_engine_hanging_at_start_is_killed_and_text_still_recorded(
    pulse_server: PulseServer, heard: Heard, caplog: pytest.LogCaptureFixture
) -> None:
    synth = Pyttsx3Synth([sys.executable, "-c", "import time; time.sleep(600)"], timeout=1.0)
    printed: list[str] = []
    q = SpeechQueue(SpeechSettings(), default_voice="en", clock=noon, synth=synth,
                    on_spoken=heard.on_spoken, echo=printed.append)
    try:
        with caplog.at_level(logging.WARNING):
            q.say("Stretch your calf.", key="t.calf")
            q.say("Relax.", key="t.relax")
            assert q.wait_idle(30)
    finally:
        q.close()
    assert heard.spoken == [("Stretch your calf.", "t.calf"), ("Relax.", "t.relax")]
    assert printed == ["Stretch your calf.", "Relax."]
    assert any("watchdog" in r.getMessage() for r in caplog.records)


def test_watchdog_kills_the_worker_process(tmp_path) -> None:  # type: ignore[no-untyped-def]
    pid_file = tmp_path / "pid"
    code = f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(600)"
    synth = Pyttsx3Synth([sys.executable, "-c", code], timeout=1.0)
    with pytest.raises(Exception, match="overran"):
        synth.start()
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_missing_tts_engine_prints_and_records(heard: Heard) -> None:
    printed: list[str] = []
    synth = Pyttsx3Synth(["/nonexistent/tts-engine"])
    q = SpeechQueue(SpeechSettings(), synth=synth, clock=noon, on_spoken=heard.on_spoken,
                    echo=printed.append)
    try:
        q.say("Point your toes up.", key="t.toes")
        assert q.wait_idle(30)
    finally:
        q.close()
    assert printed == ["Point your toes up."]
    assert heard.spoken == [("Point your toes up.", "t.toes")]
    assert q.last_spoken[0].audible is False


def test_engine_none_only_prints(heard: Heard) -> None:
    printed: list[str] = []
    q = SpeechQueue(SpeechSettings(engine="none"), clock=noon, on_spoken=heard.on_spoken,
                    echo=printed.append)
    try:
        q.say("Rub the muscle gently.", key="t.rub")
        assert q.wait_idle(30)
    finally:
        q.close()
    assert printed == ["Rub the muscle gently."]
    assert heard.spoken == [("Rub the muscle gently.", "t.rub")]


def test_closed_queue_refuses_quietly(heard: Heard) -> None:
    q = SpeechQueue(SpeechSettings(engine="none"), clock=noon, on_spoken=heard.on_spoken,
                    echo=None)
    q.close()
    q.say("too late")
    assert q.wait_idle(1)
    assert heard.spoken == []
