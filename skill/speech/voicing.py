"""How a sentence sounds and where its audio comes from: voice settings, engine, cache, health."""

from __future__ import annotations

import logging
import threading
import wave
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from datetime import time as daytime
from pathlib import Path
from typing import Protocol

from cramp_common.paths import cache_dir
from skill.speech.cache import SpeechCache
from skill.speech.health import EngineHealth
from skill.speech.profile import Profile, profile_for
from skill.speech.settings import SpeechSettings
from skill.speech.sound import Samples, read_wav
from skill.speech.synth import EngineUnavailable, Pyttsx3Synth, SynthError, SynthTimeout, Voice

log = logging.getLogger(__name__)


class Synth(Protocol):
    engine: str

    def synthesize(self, text: str, voice: Voice, path: Path) -> Path: ...

    def close(self) -> None: ...


class Voicing:
    """The speech queue's sound: which voice now, and the audio for a sentence in that voice."""

    def __init__(self, settings: SpeechSettings, synth: Synth | None, cache: SpeechCache | None,
                 *, default_voice: str, quiet_hours: tuple[daytime, daytime] | None,
                 clock: Callable[[], datetime]) -> None:
        self.default_voice = default_voice
        """The language pack's voice, used when settings.voice is empty."""
        self.quiet_hours = quiet_hours
        self.clock = clock
        self.health = EngineHealth()
        self._lock = threading.Lock()
        self._settings = settings
        self._synth: Synth | None = synth
        if synth is None and settings.engine == "pyttsx3":
            self._synth = Pyttsx3Synth(timeout=settings.watchdog_seconds)
        self._cache = cache or SpeechCache(cache_dir() / "speech")

    @property
    def settings(self) -> SpeechSettings:
        return self._settings

    @property
    def voices(self) -> list[dict[str, object]]:
        """The engine's voices (id, name, languages) once it has started; for the admin page."""
        return list(getattr(self._synth, "voices", []))

    def profile(self, when: datetime | None = None) -> Profile:
        """The day or night voice at `when` (default now)."""
        moment = (when or self.clock()).time()
        return profile_for(self._settings, self.default_voice, moment, self.quiet_hours)

    def apply(self, settings: SpeechSettings, *, quiet_hours: tuple[daytime, daytime] | None,
              default_voice: str) -> SpeechSettings:
        """Voice settings, quiet hours and the pack's voice from now on; returns the old ones."""
        with self._lock:
            self.quiet_hours = quiet_hours
            self.default_voice = default_voice
        return self.apply_settings(settings)

    def apply_settings(self, settings: SpeechSettings) -> SpeechSettings:
        """Use new voice settings from the next sentence on (old cached audio no longer matches);
        returns the settings they replace."""
        with self._lock:
            old, self._settings = self._settings, settings
            if settings.engine == "none":
                synth, self._synth = self._synth, None
            elif self._synth is None:
                synth, self._synth = None, Pyttsx3Synth(timeout=settings.watchdog_seconds)
            else:
                synth = None
            if isinstance(self._synth, Pyttsx3Synth):
                self._synth.timeout = settings.watchdog_seconds
            self.health.reset()
        if synth is not None:
            synth.close()
        return old

    def audio(self, text: str, voice: Voice) -> tuple[Samples, int] | None:
        """The samples and rate of `text` in `voice`, from the cache or synthesised while the
        engine is usable; None without an engine or when synthesis failed."""
        synth = self._synth
        if synth is None:
            return None
        path = self._cache.get(text, voice, synth.engine)
        if path is not None:
            cached = _readable(path)
            if cached is not None:
                return cached
        # not cached, or the cached file was damaged (a power cut mid-write): made anew, so a
        # first-aid step is never silent or cut short because of its cache file
        if not self.health.usable():
            return None
        path = self._render(synth, text, voice)
        return None if path is None else _readable(path)

    def precache(self, texts: Iterable[str], night: bool = True) -> int:
        """Synthesise `texts` into the cache now (day voice, and the night voice if enabled)."""
        synth = self._synth
        if synth is None:
            return 0
        settings = self._settings
        voices = {profile_for(settings, self.default_voice, daytime(12), None).voice}
        if night and settings.night_profile:
            voices.add(replace(next(iter(voices)), rate=settings.night_rate,
                               volume=settings.night_volume))
        made = 0
        for text in texts:
            for voice in voices:
                if self._cache.get(text, voice, synth.engine) is None:
                    made += self._render(synth, text, voice) is not None
        self._cache.prune()
        return made

    def render(self, text: str, when: datetime | None = None) -> Path | None:
        """The WAV the queue plays for `text` at `when` (default now), synthesised if needed."""
        synth = self._synth
        if synth is None:
            return None
        voice = self.profile(when).voice
        return self._cache.get(text, voice, synth.engine) or self._render(synth, text, voice)

    def close(self) -> None:
        """End the engine process."""
        if self._synth is not None:
            self._synth.close()

    def _render(self, synth: Synth, text: str, voice: Voice) -> Path | None:
        final = self._cache.path(text, voice, synth.engine)
        staged = self._cache.staging_path(final)
        try:
            synth.synthesize(text, voice, staged)
            path = self._cache.commit(staged, final)
        except EngineUnavailable as exc:
            self.health.unavailable(str(exc))
        except SynthTimeout as exc:
            self.health.timed_out(str(exc))
        except (SynthError, OSError) as exc:
            log.warning("could not synthesise %r: %s", text, exc)
        else:
            self.health.succeeded()
            return path
        staged.unlink(missing_ok=True)
        return None


def _readable(path: Path) -> tuple[Samples, int] | None:
    """The samples of `path`; None (and the file removed) when it is damaged."""
    try:
        return read_wav(path)
    except (OSError, EOFError, ValueError, wave.Error) as exc:
        log.warning("unreadable speech audio %s (%s); removed", path, exc)
        path.unlink(missing_ok=True)
        return None
