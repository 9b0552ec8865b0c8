"""Real audio: speech through the queue into a PulseAudio null sink, heard on its monitor."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from skill.speech import SpeechQueue
from skill.speech.player import Played, StreamPlayer
from skill.speech.settings import SpeechSettings
from skill.speech.sound import Samples, read_wav, resample
from tests.pulse import PulseServer

pytestmark = pytest.mark.audio

WINDOW = 0.005
"""Energy analysis resolution in seconds."""
THRESHOLD = 0.02
"""Energy above this fraction of the clip's peak window counts as sound."""
LONG_TEXT = (
    "Sit down on the floor and straighten the cramped leg, then gently pull your toes "
    "towards your knee and keep breathing slowly while the muscle lets go."
)


def noon() -> datetime:
    return datetime(2024, 5, 1, 12, 0)


def envelope(samples: Samples, rate: int) -> np.ndarray:
    win = max(1, int(rate * WINDOW))
    count = len(samples) // win
    frames = samples[: count * win].astype(np.float64).reshape(count, win)
    return np.sqrt((frames**2).mean(axis=1))


def sound_span(samples: Samples, rate: int, floor: float) -> tuple[float, float] | None:
    """(first, last) second with energy above `floor`, or None for silence."""
    loud = np.flatnonzero(envelope(samples, rate) > floor)
    if len(loud) == 0:
        return None
    return loud[0] * WINDOW, (loud[-1] + 1) * WINDOW


def end_in_source(heard: Samples, rate: int, source: Samples, source_rate: int,
                  prefix: float) -> float:
    """Where in the source (seconds) the heard audio stops, aligning by cross-correlation.

    The envelopes of the recording and of the source's first `prefix` seconds are correlated at
    WINDOW resolution, so a recording that missed the first moments still aligns.
    """
    heard_env = envelope(heard, rate)
    source_env = envelope(source, source_rate)[: int(prefix / WINDOW)]
    floor = THRESHOLD * source_env.max()
    corr = np.correlate(heard_env - heard_env.mean(), source_env - source_env.mean(), "full")
    lag = int(np.argmax(corr)) - (len(source_env) - 1)
    loud = np.flatnonzero(heard_env > floor)
    assert len(loud), "no speech energy in the recording"
    return float((loud[-1] + 1 - lag) * WINDOW)


class Recording:
    """parecord of the null sink's monitor, started and warmed up before anything plays."""

    def __init__(self, server: PulseServer, path: Path) -> None:
        self.path = path
        self.process = server.record(path, 0)
        deadline = time.monotonic() + 10
        # A fresh monitor may deliver nothing for a while; wait until audio frames arrive.
        while time.monotonic() < deadline and (not path.exists() or path.stat().st_size < 8000):
            time.sleep(0.05)

    def finish(self) -> tuple[Samples, int]:
        time.sleep(0.5)
        self.process.terminate()
        self.process.wait(timeout=10)
        return read_wav(self.path)


class PlayLog:
    """on_played hook: what each sentence did, with a threading.Event per text."""

    def __init__(self) -> None:
        self.played: dict[str, Played] = {}
        self.order: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, text: str, played: Played) -> None:
        with self.lock:
            self.played[text] = played
            self.order.append(text)


@pytest.fixture
def queue(pulse_server: PulseServer) -> Iterator[tuple[SpeechQueue, PlayLog]]:
    log = PlayLog()
    q = SpeechQueue(SpeechSettings(), default_voice="en", clock=noon, on_played=log, echo=None)
    yield q, log
    q.close()


def reference(q: SpeechQueue, text: str) -> tuple[Samples, int]:
    """The exact audio the queue will play for `text` (synthesised into the cache first)."""
    path = q.render(text)
    assert path is not None, "pyttsx3 produced no audio"
    return read_wav(path)


def wait_until_speaking(q: SpeechQueue, text: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not any(i.text == text for i in q.last_spoken):
        assert time.monotonic() < deadline, f"never started saying {text!r}"
        time.sleep(0.01)


def test_spoken_sentence_reaches_the_speaker_at_full_length(
    queue: tuple[SpeechQueue, PlayLog], pulse_server: PulseServer, tmp_path: Path
) -> None:
    q, log = queue
    text = "Point your toes up towards the ceiling and hold the stretch."
    source, source_rate = reference(q, text)
    recording = Recording(pulse_server, tmp_path / "heard.wav")
    q.say(text, key="test.sentence")
    assert q.wait_idle(60)
    heard, rate = recording.finish()

    peak = envelope(source, source_rate).max()
    src = sound_span(source, source_rate, THRESHOLD * peak)
    got = sound_span(heard, rate, THRESHOLD * peak)
    assert src is not None and got is not None, "no speech energy in the recording"
    assert log.played[text].completed
    source_length, heard_length = src[1] - src[0], got[1] - got[0]
    assert heard_length == pytest.approx(source_length, rel=0.1, abs=0.1)


def test_stop_cuts_speech_mid_sentence_within_200_ms(
    queue: tuple[SpeechQueue, PlayLog], pulse_server: PulseServer, tmp_path: Path
) -> None:
    """Stop latency from the recording: where the heard audio ends, in the source's own timeline.

    The recording is aligned to the source by envelope cross-correlation (error: about one 5 ms
    window; a monitor that drops the first moments of a stream still aligns). The
    position playing when the cut took effect is (frames handed to PortAudio) minus PortAudio's
    output latency; latency = heard end - that position + (cut time - stop call), both times on
    one monotonic clock. The null sink hands audio to its monitor as soon as it
    renders it, so the recording shows when audio left the stream, not a loudspeaker's delay.
    """
    q, log = queue
    source, source_rate = reference(q, LONG_TEXT)
    q.say("Ready.")
    assert q.wait_idle(60)
    recording = Recording(pulse_server, tmp_path / "heard.wav")
    q.say(LONG_TEXT, flow="test")
    q.say("This must never be heard.", flow="test")
    wait_until_speaking(q, LONG_TEXT)
    time.sleep(1.5)
    stopped_at = time.monotonic()
    q.stop("test")
    assert q.wait_idle(10)
    heard, rate = recording.finish()

    played = log.played[LONG_TEXT]
    assert not played.completed and played.started_at is not None
    assert "This must never be heard." not in [i.text for i in q.last_spoken]
    assert isinstance(q.playback.player, StreamPlayer)
    player = q.playback.player
    # Counted in frames, not wall time: a stalled stream (busy CPU) plays less than time passed.
    # Frames that went out after the stop call, before the cut, count against the latency.
    position = played.frames / player.rate - player.output_latency
    late = played.ended_at - stopped_at

    heard_end_in_source = end_in_source(heard, rate, source, source_rate, position + 0.3)
    full = len(source) / source_rate
    assert heard_end_in_source < full - 1.0, "the sentence was not cut"
    latency = heard_end_in_source - position + late
    print(f"stop latency from recording: {latency * 1000:.0f} ms "
          f"(played {position:.2f} s of {full:.2f} s)")
    assert latency <= 0.2


def test_sentence_after_a_stop_plays_in_full_on_the_same_running_stream(
    queue: tuple[SpeechQueue, PlayLog], pulse_server: PulseServer, tmp_path: Path
) -> None:
    """A stop leaves the output stream running (a restarted pulse stream is silent for ~1.5 s
    before its first sound), so the next reply is heard at once and whole."""
    q, log = queue
    text = "Point your toes up towards the ceiling and hold the stretch."
    source, source_rate = reference(q, text)
    q.say("Ready.")
    assert q.wait_idle(60)
    player = q.playback.player
    assert isinstance(player, StreamPlayer)
    q.say(LONG_TEXT, flow="test")
    wait_until_speaking(q, LONG_TEXT)
    time.sleep(1.0)
    stream = player.output.stream
    q.stop("test")
    assert q.wait_idle(10)
    # the block the stop let through (its 200 ms at most) drains first: not part of the reply
    time.sleep(0.5)
    recording = Recording(pulse_server, tmp_path / "heard.wav")
    q.say(text)
    assert q.wait_idle(60)
    heard, rate = recording.finish()

    assert not log.played[LONG_TEXT].completed and log.played[text].completed
    assert stream is not None and player.output.stream is stream and stream.active
    peak = envelope(source, source_rate).max()
    src = sound_span(source, source_rate, THRESHOLD * peak)
    got = sound_span(heard, rate, THRESHOLD * peak)
    assert src is not None and got is not None, "no speech energy in the recording"
    assert got[1] - got[0] == pytest.approx(src[1] - src[0], rel=0.1, abs=0.1)

def test_night_profile_plays_a_soft_chime_then_slower_quieter_speech(
    pulse_server: PulseServer,
) -> None:
    clips: list[tuple[int, int]] = []

    class SpyPlayer(StreamPlayer):
        """The real player, noting the length and peak of each clip it is given."""

        def play(self, samples: Samples, rate: int, cut: threading.Event,
                 watchdog: float = 10.0) -> Played:
            clips.append((len(resample(samples, rate, 16000)), int(np.abs(samples).max())))
            return super().play(samples, rate, cut, watchdog)

    settings = SpeechSettings(night_chime=True)
    quiet = (datetime(2024, 1, 1, 22, 30).time(), datetime(2024, 1, 1, 7, 30).time())
    now = {"t": datetime(2024, 5, 1, 12, 0)}
    q = SpeechQueue(settings, default_voice="en", quiet_hours=quiet, clock=lambda: now["t"],
                    player=SpyPlayer(), echo=None)
    try:
        q.say("Relax your foot.")
        assert q.wait_idle(60)
        now["t"] = datetime(2024, 5, 1, 2, 15)
        q.playback.last_sound_end = 0.0  # as after a quiet evening
        q.say("Relax your foot.")
        assert q.wait_idle(60)
    finally:
        q.close()
    day, chime, night = clips
    assert chime[0] < day[0], "a short chime comes first at night"
    assert night[0] > day[0], "the night voice is slower"
    assert night[1] < day[1], "the night voice is quieter"


def test_missing_output_device_still_records_the_sentence(pulse_server: PulseServer) -> None:
    printed: list[str] = []
    settings = SpeechSettings(output_device="no-such-speaker")
    q = SpeechQueue(settings, default_voice="en", clock=noon, echo=printed.append)
    try:
        q.say("Drink a glass of water.", key="test.water")
        assert q.wait_idle(60)
    finally:
        q.close()
    assert printed == ["Drink a glass of water."]
    [item] = q.last_spoken
    assert (item.key, item.audible) == ("test.water", False)

