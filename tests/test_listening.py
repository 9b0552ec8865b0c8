"""The listening loop on real audio: files, the mute while speaking, and a real PulseAudio
microphone that is killed and restarted mid-session."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from skill.asr.models import LoadedModel
from skill.audio.microphone import MicrophoneSource
from skill.audio.settings import VoiceSettings
from skill.audio.sources import WavFileSource
from skill.listening import ListeningService, build_gate, build_recognizer
from tests.pulse import PulseServer
from tests.voice_support import Heard, KoreanSpeech

SETTINGS = VoiceSettings()
CALF = "왼쪽 종아리에 쥐가 났어요"


class PcmSource:
    def __init__(self, pcm: bytes) -> None:
        self.pcm = pcm

    def chunks(self) -> Iterator[bytes]:
        for start in range(0, len(self.pcm), 3200):
            yield self.pcm[start : start + 3200]

    def close(self) -> None:
        pass


def pcm_of(*wavs: Path, gap: float = 1.0) -> bytes:
    silence = bytes(int(gap * 16000) * 2)
    return silence.join(b"".join(WavFileSource(w).chunks()) for w in wavs)


def listen(pcm: bytes, on_transcript: Callable[[str], object], **kwargs: object) -> None:
    service = ListeningService(PcmSource(pcm), build_recognizer(SETTINGS, "ko"), on_transcript,
                               gate=build_gate(SETTINGS), **kwargs)  # type: ignore[arg-type]
    service.run()


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_each_utterance_reaches_the_callback(ko_model: LoadedModel,
                                             korean_speech: KoreanSpeech) -> None:
    heard: list[str] = []
    listen(pcm_of(korean_speech("좋아졌어요"), korean_speech(CALF, 130)), heard.append)
    assert len(heard) == 2 and heard[0] == "좋아졌어요" and "종아리" in heard[1]


def test_a_failing_consumer_does_not_end_listening(ko_model: LoadedModel,
                                                   korean_speech: KoreanSpeech) -> None:
    heard: list[str] = []

    def fragile(text: str) -> None:
        heard.append(text)
        if len(heard) == 1:
            raise RuntimeError("dialogue broke")

    listen(pcm_of(korean_speech("좋아졌어요"), korean_speech(CALF, 130)), fragile)
    assert len(heard) == 2 and heard[0] == "좋아졌어요" and "종아리" in heard[1]


def test_input_is_discarded_while_the_assistant_speaks(ko_model: LoadedModel,
                                                       korean_speech: KoreanSpeech) -> None:
    heard: list[str] = []
    listen(pcm_of(korean_speech("정지")), heard.append, is_speaking=lambda: True)
    assert heard == []


def test_listening_resumes_after_speech_and_its_tail(ko_model: LoadedModel,
                                                     korean_speech: KoreanSpeech) -> None:
    # Audio time as the clock: one 100 ms chunk per call. Speaking covers the first question;
    # the second comes after the tail.
    ticks = iter(range(10**6))
    clock = lambda: next(ticks) / 10  # noqa: E731
    pcm = pcm_of(korean_speech("정지"), korean_speech("좋아졌어요"), gap=1.5)
    speaking_until = len(b"".join(WavFileSource(korean_speech("정지")).chunks())) / 32000
    heard: list[str] = []
    now = [0.0]

    def timed_clock() -> float:
        now[0] = clock()
        return now[0]

    listen(pcm, heard.append, is_speaking=lambda: now[0] < speaking_until,
           speaking_tail=0.6, clock=timed_clock)
    assert heard == ["좋아졌어요"]


def test_silence_and_noise_give_no_transcript(ko_model: LoadedModel) -> None:
    rng = np.random.default_rng(3)
    quiet = rng.normal(0, 20, 16000 * 10)
    fan = np.cumsum(rng.normal(0, 1, 16000 * 10))
    fan = (fan - np.convolve(fan, np.ones(400) / 400, mode="same")) * 3000 / np.std(fan)
    heard: list[str] = []
    for samples in (quiet, fan):
        listen(np.clip(samples, -32768, 32767).astype("<i2").tobytes(), heard.append)
    assert heard == []


def test_status_tells_when_audio_was_last_heard(ko_model: LoadedModel,
                                                korean_speech: KoreanSpeech) -> None:
    service = ListeningService(PcmSource(pcm_of(korean_speech("좋아졌어요"))),
                               build_recognizer(SETTINGS, "ko"), lambda _t: None,
                               gate=build_gate(SETTINGS))
    assert service.status.last_audio is None
    service.run()
    status = service.status
    assert status.last_audio is not None and status.last_heard is not None
    assert status.utterances == 1 and status.last_transcript == "좋아졌어요"
    assert status.level is not None and status.level < 0.001  # the file ends in silence


@pytest.mark.audio
def test_microphone_loop_survives_a_sound_server_crash(
    pulse_server: PulseServer, ko_model: LoadedModel, korean_speech: KoreanSpeech
) -> None:
    from intents.language import load_pack
    from intents.matcher import IntentMatcher

    matcher = IntentMatcher(load_pack("ko"))
    heard = Heard()
    microphone = MicrophoneSource(device="pulse", stall_seconds=2.0, backoff=0.2, max_backoff=1.0)
    service = ListeningService(microphone, build_recognizer(SETTINGS, "ko"), heard,
                               gate=build_gate(SETTINGS))
    service.start()
    try:
        assert wait_for(lambda: service.status.last_audio is not None)
        intents = heard.calf_tries(pulse_server.play, korean_speech, matcher)
        assert intents[-1] == "cramp.calf" and set(intents) <= {"cramp.calf", None}, heard.texts

        pulse_server.kill()
        pulse_server.start()
        restarted = time.time()
        assert wait_for(lambda: microphone.reconnects > 0 and service.status.last_audio
                        is not None and service.status.last_audio.timestamp() > restarted + 0.3)
        said = heard.next_intent(pulse_server.play, korean_speech("좋아졌어요"), matcher)
        assert said == "control.better"
    finally:
        service.stop()


def _chunk_when_heard(pcm: bytes, before: Callable[[ListeningService], object] = lambda _s: None,
                      **kwargs: object) -> tuple[int, list[str]]:
    """Feed 100 ms chunks; return the index of the chunk after which the transcript came.
    `before` gets the service before the first chunk (to apply settings live)."""
    heard: list[str] = []
    service = ListeningService(PcmSource(pcm), build_recognizer(SETTINGS, "ko"), heard.append,
                               gate=build_gate(SETTINGS), **kwargs)  # type: ignore[arg-type]
    before(service)
    for index, chunk in enumerate(PcmSource(pcm).chunks()):
        service.process(chunk)
        if heard:
            return index, heard
    return -1, heard


def test_a_complete_command_is_answered_without_waiting_for_the_full_hangover(
    ko_model: LoadedModel, korean_speech: KoreanSpeech
) -> None:
    from intents.language import load_pack
    from intents.matcher import IntentMatcher
    from skill.listening import complete_command

    matcher = IntentMatcher(load_pack("ko"))
    pcm = pcm_of(korean_speech("좋아졌어요"), gap=2.0) + bytes(64000)
    waited, heard_late = _chunk_when_heard(pcm)
    early, heard_early = _chunk_when_heard(
        pcm, is_complete=complete_command(matcher), early_commit_ms=210)
    assert heard_late == ["좋아졌어요"]
    # The early commit answers the partial, which may already be whole without its polite
    # ending ("좋아졌어"): the same command.
    assert [matcher.match(text).intent for text in heard_early] == ["control.better"]
    # In audio time: 210 ms of pause instead of 450 ms, two chunks sooner at least.
    assert early <= waited - 2


def test_an_incomplete_utterance_waits_for_the_full_hangover(
    ko_model: LoadedModel, korean_speech: KoreanSpeech
) -> None:
    pcm = pcm_of(korean_speech("좋아졌어요"), gap=2.0) + bytes(64000)
    waited, _ = _chunk_when_heard(pcm)
    never_complete, heard = _chunk_when_heard(pcm, is_complete=lambda _t: False,
                                              early_commit_ms=210)
    assert never_complete == waited and heard == ["좋아졌어요"]


def test_a_near_miss_the_matcher_is_sure_of_commits_early_but_a_fragment_does_not() -> None:
    from intents.language import load_pack
    from intents.matcher import IntentMatcher
    from skill.listening import complete_command

    matcher = IntentMatcher(load_pack("en"))
    sure, exact_only = complete_command(matcher, 0.85), complete_command(matcher)
    assert matcher.match("my calf is crampin").method == "fuzzy"
    assert sure("my calf is crampin") and not exact_only("my calf is crampin")
    assert sure("calf muscle cramping hard")
    # Halting speech and unrelated speech still wait for the full hangover.
    assert not sure("i have a cramp in my") and not sure("what is the weather")


def test_early_commit_applied_live_answers_as_soon_as_when_configured_at_start(
    ko_model: LoadedModel, korean_speech: KoreanSpeech
) -> None:
    from intents.language import load_pack
    from intents.matcher import IntentMatcher
    from skill.listening import complete_command

    matcher = IntentMatcher(load_pack("ko"))
    complete = complete_command(matcher)
    pcm = pcm_of(korean_speech("좋아졌어요"), gap=2.0) + bytes(64000)
    at_start, _ = _chunk_when_heard(pcm, is_complete=complete, early_commit_ms=210)
    waited, _ = _chunk_when_heard(pcm, is_complete=complete, early_commit_ms=0)
    live, heard = _chunk_when_heard(
        pcm, lambda s: s.apply(replace(SETTINGS, early_commit_ms=210), complete),
        is_complete=complete, early_commit_ms=0)
    hurried, _ = _chunk_when_heard(pcm, lambda s: s.hurry(210), is_complete=complete,
                                   early_commit_ms=0)
    assert [matcher.match(text).intent for text in heard] == ["control.better"]
    assert live == hurried == at_start < waited


def test_a_longer_speaking_tail_applied_live_drops_what_follows_speech(
    ko_model: LoadedModel, korean_speech: KoreanSpeech
) -> None:
    # As test_listening_resumes_after_speech_and_its_tail, with the tail made 5 s live.
    ticks = iter(range(10**6))
    pcm = pcm_of(korean_speech("정지"), korean_speech("좋아졌어요"), gap=1.5)
    speaking_until = len(b"".join(WavFileSource(korean_speech("정지")).chunks())) / 32000
    now = [0.0]

    def clock() -> float:
        now[0] = next(ticks) / 10
        return now[0]

    heard: list[str] = []
    service = ListeningService(PcmSource(pcm), build_recognizer(SETTINGS, "ko"), heard.append,
                               gate=build_gate(SETTINGS), speaking_tail=0.6, clock=clock,
                               is_speaking=lambda: now[0] < speaking_until)
    service.apply(replace(SETTINGS, speaking_tail=5.0))
    service.run()
    assert heard == []
    assert service.speaking_tail == 5.0
