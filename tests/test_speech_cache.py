"""Speech cache: pre-synthesised sentences play without the engine; new voice settings miss."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from cramp_common.paths import cache_dir
from skill.speech import SpeechQueue
from skill.speech.cache import SpeechCache
from skill.speech.settings import SpeechSettings
from skill.speech.synth import Pyttsx3Synth, Voice
from tests.pulse import PulseServer

STEPS = ["Straighten your leg.", "Pull your toes towards you."]


def noon() -> datetime:
    return datetime(2024, 5, 1, 12, 0)


def cached_files() -> set[Path]:
    return set((cache_dir() / "speech").glob("*.wav"))


@pytest.fixture
def silent_queue() -> Iterator[SpeechQueue]:
    """A real engine, no playback needed: only the cache is looked at."""
    q = SpeechQueue(SpeechSettings(), default_voice="en", clock=noon, echo=None)
    yield q
    q.close()


def test_key_changes_with_every_voice_setting_and_engine() -> None:
    base = Voice("en", 150, 0.9)
    keys = {
        SpeechCache.key("Stretch.", base, "pyttsx3-2.99"),
        SpeechCache.key("Stretch!", base, "pyttsx3-2.99"),
        SpeechCache.key("Stretch.", replace(base, voice="ko"), "pyttsx3-2.99"),
        SpeechCache.key("Stretch.", replace(base, rate=151), "pyttsx3-2.99"),
        SpeechCache.key("Stretch.", replace(base, volume=0.5), "pyttsx3-2.99"),
        SpeechCache.key("Stretch.", base, "pyttsx3-3.0"),
    }
    assert len(keys) == 6
    assert SpeechCache.key("Stretch.", base, "e") == SpeechCache.key("Stretch.", base, "e")


def test_precache_writes_day_and_night_voices(silent_queue: SpeechQueue) -> None:
    assert silent_queue.precache(STEPS) == 4
    assert len(cached_files()) == 4
    assert silent_queue.precache(STEPS) == 0, "already cached"


def test_cached_first_aid_plays_even_when_the_engine_is_gone(pulse_server: PulseServer) -> None:
    warm = SpeechQueue(SpeechSettings(), default_voice="en", clock=noon, echo=None)
    warm.precache(STEPS[:1], night=False)
    warm.close()
    printed: list[str] = []
    q = SpeechQueue(SpeechSettings(), default_voice="en", clock=noon, echo=printed.append,
                    synth=Pyttsx3Synth(["/nonexistent/tts-engine"]))
    try:
        q.say(STEPS[0])
        q.say("Not in the cache.")
        assert q.wait_idle(60)
    finally:
        q.close()
    assert [(i.text, i.audible) for i in q.last_spoken] == [
        (STEPS[0], True), ("Not in the cache.", False)]
    assert printed == ["Not in the cache."]


def test_apply_settings_changes_the_voice_and_misses_the_old_cache(
    silent_queue: SpeechQueue,
) -> None:
    first = silent_queue.render(STEPS[0])
    assert first is not None
    silent_queue.apply_settings(replace(silent_queue.settings, rate=110, volume=0.6))
    second = silent_queue.render(STEPS[0])
    assert second is not None and second != first
    assert second.stat().st_size > first.stat().st_size, "slower speech is longer"
    assert silent_queue.render(STEPS[0]) == second


def test_apply_settings_engine_none_then_back(silent_queue: SpeechQueue) -> None:
    silent_queue.apply_settings(replace(silent_queue.settings, engine="none"))
    assert silent_queue.render(STEPS[0]) is None
    silent_queue.apply_settings(replace(silent_queue.settings, engine="pyttsx3"))
    assert silent_queue.render(STEPS[0]) is not None


def test_prune_keeps_the_newest(tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path, max_files=2)
    for n in range(4):
        path = tmp_path / f"{n}.wav"
        path.write_bytes(b"x" * 100)
        stamp = 1_700_000_000 + n
        os.utime(path, (stamp, stamp))
    assert cache.prune() == 2
    assert sorted(p.name for p in tmp_path.glob("*.wav")) == ["2.wav", "3.wav"]
