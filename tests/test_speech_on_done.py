"""SpeechQueue.say(on_done=...): told True only after a sentence was heard (or printed) in full.

Real espeak-ng audio through the private PulseAudio server, as in test_speech_queue.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from skill.speech import PrintSpeaker, SpeechQueue
from skill.speech.settings import SpeechSettings
from tests.pulse import PulseServer
from tests.test_speech_queue import Heard, noon, wait_for

pytestmark = pytest.mark.audio

LONG = "Hold the stretch and keep breathing slowly, in through the nose, out through the mouth."
DEADLINE = 60.0


class Outcomes:
    """on_done results per sentence, and which thread reported them."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.done: dict[str, bool] = {}
        self.threads: set[str] = set()

    def for_(self, text: str):  # type: ignore[no-untyped-def]
        def on_done(completely: bool) -> None:
            with self.lock:
                self.done[text] = completely
                self.threads.add(threading.current_thread().name)
        return on_done

    def has(self, *texts: str) -> bool:
        with self.lock:
            return all(text in self.done for text in texts)


@pytest.fixture
def queue(pulse_server: PulseServer) -> Iterator[tuple[SpeechQueue, Heard]]:
    heard = Heard()
    q = SpeechQueue(SpeechSettings(rate=300), default_voice="en", clock=noon,
                    on_spoken=heard.on_spoken, on_played=heard.on_played, echo=None)
    yield q, heard
    q.close()


def test_on_done_is_true_after_the_sentence_played_in_full(
    queue: tuple[SpeechQueue, Heard]
) -> None:
    q, heard = queue
    outcomes = Outcomes()
    q.say("Drink a glass of water now.", flow="reminder",
          on_done=outcomes.for_("Drink a glass of water now."))
    assert q.wait_idle(DEADLINE)
    wait_for(lambda: outcomes.has("Drink a glass of water now."))
    assert outcomes.done == {"Drink a glass of water now.": True}
    assert heard.played["Drink a glass of water now."].completed
    assert outcomes.threads == {"speech-queue"}


def test_on_done_is_false_when_stop_cuts_it_and_for_what_stop_dropped(
    queue: tuple[SpeechQueue, Heard]
) -> None:
    q, heard = queue
    outcomes = Outcomes()
    q.say(LONG, flow="reminder", on_done=outcomes.for_(LONG))
    q.say("Time to stretch.", flow="reminder", on_done=outcomes.for_("Time to stretch."))
    wait_for(lambda: LONG in heard.texts())
    q.stop()
    assert q.wait_idle(DEADLINE)
    wait_for(lambda: outcomes.has(LONG, "Time to stretch."))
    assert outcomes.done == {LONG: False, "Time to stretch.": False}
    assert outcomes.threads == {"speech-queue"}


def test_on_done_is_true_when_the_text_fallback_printed_it() -> None:
    printed: list[str] = []
    outcomes = Outcomes()
    q = SpeechQueue(SpeechSettings(engine="none"), clock=noon, echo=printed.append)
    try:
        q.say("Rub the muscle gently.", on_done=outcomes.for_("Rub the muscle gently."))
        assert q.wait_idle(DEADLINE)
        wait_for(lambda: outcomes.has("Rub the muscle gently."))
    finally:
        q.close()
    assert printed == ["Rub the muscle gently."]
    assert outcomes.done == {"Rub the muscle gently.": True}


def test_print_speaker_reports_printed_sentences_as_heard() -> None:
    outcomes = Outcomes()
    PrintSpeaker(None).say("Reminder: walk.", on_done=outcomes.for_("Reminder: walk."))
    assert outcomes.done == {"Reminder: walk.": True}
