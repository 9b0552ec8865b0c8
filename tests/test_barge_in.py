"""Barge-in parts on the private PulseAudio server: the echo canceller found, loaded and
unloaded; speech held mid-sentence and resumed; without a canceller, today's mute while speaking.

The end-to-end figures (a command over a long reply, self-interruptions over 50 replies) are
measured by `python -m bench.barge_in` in a simulated bedroom (tests/room.py)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from intents.language import load_pack
from intents.matcher import IntentMatcher
from skill.asr.models import LoadedModel
from skill.assistant import Assistant
from skill.audio.echo_cancel import echo_canceller_for, find_echo_canceller, pactl, unload
from skill.barge_in import BARGE_COMMIT_MS, BargeIn, command_of, listening_hooks
from skill.config import parse_config
from skill.double_talk import DoubleTalk
from skill.listening import ListeningService, build_gate, build_recognizer
from skill.speech import SpeechQueue
from skill.speech.hold import REWIND_SECONDS
from skill.speech.player import DUCK_GAIN, StreamPlayer
from skill.speech.settings import SpeechSettings
from skill.speech.sound import read_wav
from tests.pulse import SINK, PulseServer
from tests.test_listening import SETTINGS, PcmSource, pcm_of
from tests.test_speech_audio import LONG_TEXT, THRESHOLD, Recording, envelope
from tests.voice_support import KoreanSpeech

pytestmark = pytest.mark.audio

WINDOW = 0.005
"""envelope()'s resolution in seconds."""
HOLD_SECONDS = 1.5


@pytest.fixture
def queue(pulse_server: PulseServer) -> Iterator[SpeechQueue]:
    q = SpeechQueue(SpeechSettings(), default_voice="en",
                    clock=lambda: datetime(2024, 5, 1, 12, 0), echo=None)
    yield q
    q.close()


def test_the_echo_canceller_is_found_only_once_loaded_and_unloaded_again(
    pulse_server: PulseServer,
) -> None:
    none, why = echo_canceller_for("auto")
    assert none is None and 'echo_cancel = "load"' in why
    assert echo_canceller_for("off") == (None, "echo_cancel is off")
    # Loaded on the server's default devices; the canceller refuses a source that is the
    # monitor of its own sink, so the microphone is a second null sink, as in a real room.
    mic = pactl(["load-module", "module-null-sink", "sink_name=mic"]).strip()
    pactl(["set-default-source", "mic.monitor"])
    loaded, why = echo_canceller_for("load")
    try:
        assert loaded is not None and why == "" and loaded.loaded_here
        found = find_echo_canceller()
        assert found is not None
        assert (found.source, found.sink, found.module) == (loaded.source, loaded.sink,
                                                            loaded.module)
        assert echo_canceller_for("auto")[0] == found  # "auto" uses what the server has
    finally:
        if loaded is not None:
            unload(loaded)
        pactl(["set-default-source", f"{SINK}.monitor"])
        pactl(["unload-module", mic])
    assert find_echo_canceller() is None


def test_held_speech_ducks_and_resumes_where_it_paused(
    queue: SpeechQueue, pulse_server: PulseServer, tmp_path: Path
) -> None:
    source, source_rate = read_wav(queue.render(LONG_TEXT) or Path("missing"))
    player = queue.holdable()
    queue.say("Ready.")
    assert queue.wait_idle(60)
    recording = Recording(pulse_server, tmp_path / "heard.wav")
    queue.say(LONG_TEXT)
    while not queue.last_spoken or queue.last_spoken[-1].text != LONG_TEXT:
        time.sleep(0.01)
    time.sleep(1.5)
    held_at = time.monotonic()
    assert queue.hold() and not queue.hold()  # a second hold while held changes nothing
    time.sleep(HOLD_SECONDS)
    queue.resume()
    # The hold as it really lasted: under load the sleep can overrun, which is not the player's.
    held = time.monotonic() - held_at
    assert queue.wait_idle(60)
    heard, rate = recording.finish()

    # Full-level speech is what stands above twice the duck's level.
    peak = envelope(source, source_rate).max()
    levels = envelope(heard, rate)
    loud = levels > 2 * DUCK_GAIN * peak
    first, last = np.flatnonzero(loud)[[0, -1]]
    quiet_runs = np.diff(np.flatnonzero(loud[first:last + 1]))
    longest_gap = (quiet_runs.max() - 1) * WINDOW
    gap_start = first + int(np.flatnonzero(loud[first:last + 1])[np.argmax(quiet_runs)])
    ducked = levels[gap_start + int(0.3 / WINDOW):gap_start + int(1.0 / WINDOW)]
    spoken = (last - first + 1) * WINDOW
    source_span = np.flatnonzero(envelope(source, source_rate) > THRESHOLD * peak)
    source_length = (source_span[-1] - source_span[0] + 1) * WINDOW
    assert player.holds == 1
    assert longest_gap == pytest.approx(held, abs=0.35)
    assert ducked.max() > THRESHOLD * DUCK_GAIN * peak, "the held sentence goes on, quietly"
    # All of the sentence is heard, plus the hold, plus the bit said again after it.
    assert spoken == pytest.approx(source_length + held + REWIND_SECONDS, abs=0.4)


def test_stop_while_held_ends_the_sentence_and_the_next_waits_for_resume(
    queue: SpeechQueue, pulse_server: PulseServer
) -> None:
    queue.holdable()
    queue.say(LONG_TEXT)
    while not queue.last_spoken:
        time.sleep(0.01)
    assert queue.hold()
    queue.stop()
    queue.say("Next.")
    assert not queue.wait_idle(1.0), "the next sentence waits while held"
    queue.resume()
    assert queue.wait_idle(60)
    assert [i.text for i in queue.last_spoken] == [LONG_TEXT, "Next."]


def test_without_an_echo_canceller_the_microphone_is_muted_while_speaking_and_it_says_so(
    pulse_server: PulseServer, ko_model: LoadedModel, caplog: pytest.LogCaptureFixture
) -> None:
    config, _ = parse_config('[general]\nlanguage = "ko"\n[reminders]\nenabled = false\n'
                             '[voice]\necho_cancel = "auto"\n')
    assistant = Assistant(config)
    assistant.start()
    try:
        assert assistant.barge_in is None and assistant.listening is not None
        assert assistant.listening.is_speaking == assistant.speaker.is_busy
        # The voice hook only opens the speaker ahead of the reply (no barge-in hold).
        assert getattr(assistant.listening.on_voice, "__self__", None) is assistant
        notes = assistant.status().notes
        assert any("barge-in is off" in note and "module-echo-cancel" in note for note in notes)
        warned = [r for r in caplog.records if "barge-in is off" in r.getMessage()]
        assert len(warned) == 1
    finally:
        assistant.stop()


def _barge_in_over(queue: SpeechQueue, korean_speech: KoreanSpeech, said: str,
                   words: frozenset[str] = frozenset()) -> tuple[BargeIn, list[str]]:
    """Say LONG_TEXT; once it plays, feed `said` (a clean clip, as the canceller would pass it)
    through the real listening loop with barge-in's hooks; returns the controller and what
    reached the dialogue."""
    handled: list[str] = []
    barge = BargeIn(queue, command_of(IntentMatcher(load_pack("ko"))), handled.append,
                    words=words)
    service = ListeningService(PcmSource(b""), build_recognizer(SETTINGS, "ko"),
                               gate=build_gate(SETTINGS), early_commit_ms=0,
                               **listening_hooks(barge, queue, handled.append))
    queue.holdable()
    queue.say(LONG_TEXT)
    while not queue.last_spoken:
        time.sleep(0.01)
    for chunk in PcmSource(pcm_of(korean_speech(said), gap=1.5)).chunks():
        service.process(chunk)
    return barge, handled


def test_a_command_over_speech_holds_it_and_goes_to_the_dialogue(
    queue: SpeechQueue, ko_model: LoadedModel, korean_speech: KoreanSpeech
) -> None:
    barge, handled = _barge_in_over(queue, korean_speech, "좋아졌어요")
    assert (barge.holds, barge.acted, barge.ignored) == (1, 1, 0)
    assert handled == ["좋아졌어요"]
    queue.stop()


def test_other_speech_over_speech_is_let_go_and_the_sentence_resumes(
    queue: SpeechQueue, ko_model: LoadedModel, korean_speech: KoreanSpeech
) -> None:
    barge, handled = _barge_in_over(queue, korean_speech, "왼쪽 종아리에 쥐가 났어요")
    assert (barge.holds, barge.acted, barge.ignored) == (1, 0, 1)
    assert handled == []
    assert not queue.holdable().held, "not left held"
    assert queue.wait_idle(60)


def test_only_exact_commands_and_danger_signs_act_over_the_assistants_voice() -> None:
    classify = command_of(IntentMatcher(load_pack("ko")))
    assert classify("정지") == "control.stop"
    assert classify("다시 말해 줘") == "control.repeat"
    assert classify("가슴이 아파요") == "safety.red_flag"
    # Fragments of its own voice as the canceller leaves them (heard in the simulated room).
    assert [classify(t) for t in ("쥐 요", "줘 아기 없어요", "고 있어요")] == [None] * 3
    # Its own voice through the canceller, where the red-flag detector finds a swelling.
    assert classify("뒤 쥐 쥐가 부었어요 있어요") is None


def test_the_player_reports_how_loud_what_it_just_played_was(
    queue: SpeechQueue, pulse_server: PulseServer
) -> None:
    player = queue.holdable()
    inner = player.inner
    assert isinstance(inner, StreamPlayer)
    assert inner.played_rms(0.5) == 0.0
    queue.say(LONG_TEXT)
    while not queue.last_spoken:
        time.sleep(0.01)
    deadline = time.monotonic() + 5  # a fresh stream takes ~1.5 s to its first sample
    while not inner.played_rms(0.5) and time.monotonic() < deadline:
        time.sleep(0.05)
    # the loudest half second of the next second: one window may fall in a pause between words
    speaking = 0.0
    for _ in range(10):
        time.sleep(0.1)
        speaking = max(speaking, inner.played_rms(0.5))
    assert queue.hold()
    time.sleep(0.3 + 2 * player.output_latency)
    held = inner.played_rms(0.2)
    queue.stop()
    queue.resume()
    assert speaking > 0.01 and held < 0.3 * speaking  # ducked 25 dB; speech levels vary


def test_leftovers_of_its_own_voice_do_not_count_as_speech_but_a_voice_over_it_does() -> None:
    played = [0.1]
    now = [0.0]
    check = DoubleTalk(lambda _seconds: played[0], clock=lambda: now[0])

    def feed(level: float, chunks: int, learn: bool = True) -> None:
        for _ in range(chunks):
            now[0] += 0.1
            check.level(level, learn)

    feed(0.1 * 10 ** (-60 / 20), 50)  # leftovers 60 dB below what is played
    assert not check.speaking()
    feed(0.1 * 10 ** (-28 / 20), 3, learn=False)  # a burst of leftovers, as on a busy machine
    assert not check.speaking()
    feed(0.1 * 10 ** (-6 / 20), 3, learn=False)  # the user, a little below the echo's level
    assert check.speaking()
    played[0] = 0.0  # the assistant is silent: any voice counts
    feed(0.001, 1, learn=False)
    assert check.speaking()


def test_louder_leftovers_raise_the_bar_for_a_voice() -> None:
    played = 0.1
    check = DoubleTalk(lambda _seconds: played, clock=iter(range(10_000)).__next__)
    for _ in range(300):
        check.level(played * 10 ** (-35 / 20), learn=True)  # a poor canceller: -35 dB typical
    check.level(played * 10 ** (-12 / 20), learn=False)
    assert check.residual_db == pytest.approx(-35, abs=1)
    assert not check.speaking(), "within 30 dB of the typical leftover"


def test_a_stop_with_barge_in_keeps_the_output_stream_running(
    queue: SpeechQueue, pulse_server: PulseServer
) -> None:
    inner = queue.holdable().inner
    assert isinstance(inner, StreamPlayer)
    queue.say(LONG_TEXT)
    while not queue.last_spoken:
        time.sleep(0.01)
    time.sleep(0.5)
    stream = inner.output.stream
    queue.stop()
    assert queue.wait_idle(5)
    # A restarted stream is a new one for PulseAudio (ALSA's pulse plugin), which makes its
    # echo canceller let the assistant's voice through while it resynchronises.
    assert stream is not None and inner.output.stream is stream and stream.active


class _BusySpeaker:
    """A speaker that is always speaking and never lets itself be held (the double-talk check
    refusing), for the commit pace alone."""

    def is_busy(self) -> bool:
        return True

    def hold(self) -> bool:
        return False

    def resume(self) -> None:
        pass


class _Pace:
    def __init__(self) -> None:
        self.asked: list[int | None] = []

    def hurry(self, ms: int | None) -> None:
        self.asked.append(ms)


def test_speech_over_its_voice_is_committed_after_the_short_pause_even_when_not_held() -> None:
    barge = BargeIn(_BusySpeaker(), lambda _text: None, lambda _text: None)
    pace = _Pace()
    barge.listening = pace
    barge.on_voice(True)
    barge.on_voice(False)
    assert pace.asked == [BARGE_COMMIT_MS, None] and barge.holds == 0


KO_WORDS = frozenset(load_pack("ko").meta["barge_in_words"])


def test_with_command_words_only_a_command_holds_and_acts(
    queue: SpeechQueue, ko_model: LoadedModel, korean_speech: KoreanSpeech
) -> None:
    barge, handled = _barge_in_over(queue, korean_speech, "좋아졌어요", KO_WORDS)
    assert (barge.holds, barge.acted, handled) == (1, 1, ["좋아졌어요"])
    queue.stop()


def test_with_command_words_other_speech_neither_holds_nor_acts(
    queue: SpeechQueue, ko_model: LoadedModel, korean_speech: KoreanSpeech
) -> None:
    barge, handled = _barge_in_over(queue, korean_speech, "왼쪽 종아리에 쥐가 났어요", KO_WORDS)
    assert (barge.holds, barge.acted, handled) == (0, 0, [])
    assert queue.wait_idle(60)


def test_words_left_of_its_own_voice_do_not_hold_it_but_a_command_word_does() -> None:
    barge = BargeIn(_Holdable(), lambda _text: None, lambda _text: None, words=KO_WORDS)
    barge.on_voice(True)
    for leftover in ("쥐가 나요", "없어요", "앞쪽 어요", "쥐 겠어"):  # heard in the bedroom
        barge.on_partial(leftover)
    assert barge.holds == 0
    barge.on_partial("다 좋아졌어")
    assert barge.holds == 1


def test_no_command_word_is_in_a_reply_of_its_own_pack() -> None:
    pack = load_pack("ko")
    said = {w for reply in pack.replies.values() for w in re.findall(r"\w+", reply.text)}
    assert said & KO_WORDS == set()


class _Holdable(_BusySpeaker):
    def hold(self) -> bool:
        return True


@pytest.mark.parametrize("level_db", [-50.0, None])
def test_with_comfort_noise_the_stream_plays_faint_noise_between_sentences(
    queue: SpeechQueue, pulse_server: PulseServer, tmp_path: Path, level_db: float | None
) -> None:
    inner = queue.holdable().inner
    assert isinstance(inner, StreamPlayer)
    inner.comfort_noise(level_db)
    queue.say("Ready.")
    assert queue.wait_idle(60)
    recording = Recording(pulse_server, tmp_path / "idle.wav")
    time.sleep(1.0)
    idle, _rate = recording.finish()
    rms = float(np.sqrt(np.mean(idle[-8000:].astype(np.float64) ** 2))) / 32768
    if level_db is None:
        assert rms < 10 ** (-80 / 20)  # digital silence, bar the sound server's resampler
    else:
        assert 20 * np.log10(rms) == pytest.approx(level_db, abs=3)


def test_the_command_after_leftovers_of_its_voice_acts_once_held_on_its_word() -> None:
    handled: list[str] = []
    barge = BargeIn(_Holdable(), command_of(IntentMatcher(load_pack("ko"))), handled.append,
                    words=KO_WORDS)
    barge.on_voice(True)
    barge.on_transcript("쥐 이 쥐 허벅지 다 나았어요")  # not held: let go whole
    barge.on_transcript("어요 다음")  # its own voice ("다음" is in its replies), not held
    heard = "줘 쥐났어 줘 다 좋아졌어"  # heard in the bedroom, the command last
    barge.on_partial(heard)
    barge.on_transcript(heard)
    assert handled == ["다 좋아졌어"] and (barge.acted, barge.ignored) == (1, 2)
