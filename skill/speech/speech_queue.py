"""The one speech queue: every sentence and pause in order on one thread, cut at once by stop."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from datetime import time as daytime
from pathlib import Path
from typing import Protocol

from cramp_common.paths import cache_dir
from skill.speech.cache import SpeechCache
from skill.speech.health import EngineHealth
from skill.speech.hold import HoldingPlayer
from skill.speech.player import PlaybackError, Played, StreamPlayer
from skill.speech.profile import profile_for
from skill.speech.settings import SpeechSettings
from skill.speech.sound import Samples, read_wav, soft_chime
from skill.speech.spoken import OnSpoken, SpokenItem, SpokenLog
from skill.speech.synth import EngineUnavailable, Pyttsx3Synth, SynthError, SynthTimeout, Voice

log = logging.getLogger(__name__)

CHIME_AFTER_SILENCE = 5.0
"""At night the chime comes before the first sentence after this many quiet seconds."""


class Synth(Protocol):
    engine: str

    def synthesize(self, text: str, voice: Voice, path: Path) -> Path: ...

    def close(self) -> None: ...


class Player(Protocol):
    device: str

    def open(self) -> None: ...

    def play(self, samples: Samples, rate: int, cut: threading.Event,
             watchdog: float = 10.0) -> Played: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class _Item:
    text: str
    key: str
    flow: str
    pause: float = 0.0
    """Seconds of silence instead of a sentence when text is empty."""
    on_done: Callable[[bool], None] | None = None
    """Told, from the speech thread, whether the sentence was heard (or printed) in full."""


class SpeechQueue:
    """The `Speaker`: thread-safe enqueue from anywhere, one worker thread that speaks."""

    def __init__(
        self,
        settings: SpeechSettings,
        *,
        default_voice: str = "",
        quiet_hours: tuple[daytime, daytime] | None = None,
        clock: Callable[[], datetime] = datetime.now,
        synth: Synth | None = None,
        player: Player | None = None,
        cache: SpeechCache | None = None,
        on_spoken: OnSpoken | None = None,
        on_played: Callable[[str, Played], None] | None = None,
        echo: Callable[[str], None] | None = print,
        history: int = 50,
    ) -> None:
        self.default_voice = default_voice
        """The language pack's voice, used when settings.voice is empty."""
        self.quiet_hours = quiet_hours
        self.clock = clock
        self.spoken = SpokenLog(history, on_spoken)
        self.on_played = on_played
        self.echo = echo
        """Where a sentence goes when it cannot be heard (no engine, no device); None: log only."""
        self._settings = settings
        self._synth: Synth | None = synth
        if synth is None and settings.engine == "pyttsx3":
            self._synth = Pyttsx3Synth(timeout=settings.watchdog_seconds)
        self._player: Player = player or StreamPlayer(settings.output_device)
        self._cache = cache or SpeechCache(cache_dir() / "speech")
        self._cond = threading.Condition()
        self._items: deque[_Item] = deque()
        self._current: _Item | None = None
        self._cut = threading.Event()
        self._dropped: list[_Item] = []
        """Sentences stop took off the queue, to be told on_done(False) by the speech thread."""
        self._completed = False
        self._closed = False
        self.health = EngineHealth()
        self._last_sound_end = 0.0
        self._thread = threading.Thread(target=self._run, name="speech-queue", daemon=True)
        self._thread.start()

    # -- the Speaker protocol ------------------------------------------------------------

    def say(self, text: str, *, key: str = "", flow: str = "", urgent: bool = False,
            on_done: Callable[[bool], None] | None = None) -> None:
        """Queue a sentence; `urgent` first stops everything (the escalation line).

        `on_done(True)` once it was played (or printed) in full, `on_done(False)` when it was
        cut, dropped or failed: for reminders, which count only once heard."""
        self._put(_Item(text, key, flow, on_done=on_done), urgent)

    def pause(self, seconds: float, *, flow: str = "") -> None:
        self._put(_Item("", "", flow, pause=max(0.0, seconds)), False)

    def stop(self, flow: str = "") -> None:
        with self._cond:
            self._stop_locked(flow)

    def is_busy(self) -> bool:
        with self._cond:
            return self._current is not None or bool(self._items)

    def wait_idle(self, timeout: float | None = None) -> bool:
        with self._cond:
            return self._cond.wait_for(
                lambda: self._current is None and not self._items, timeout)

    # -- barge-in (skill/barge_in.py) -----------------------------------------------------

    def holdable(self) -> HoldingPlayer:
        """Let speech be held and resumed mid-sentence from now on (wraps the player once)."""
        with self._cond:
            if not isinstance(self._player, HoldingPlayer):
                self._player = HoldingPlayer(self._player)  # type: ignore[arg-type]
            return self._player

    def hold(self) -> bool:
        """Pause what is being said where it is, until resume() or stop(); False when not
        holdable() or already held."""
        player = self._player
        return isinstance(player, HoldingPlayer) and player.hold()

    def resume(self) -> None:
        """Go on from where hold() paused (nothing to do after a stop)."""
        player = self._player
        if isinstance(player, HoldingPlayer):
            player.resume()

    # -- admin and lifecycle -------------------------------------------------------------

    @property
    def settings(self) -> SpeechSettings:
        return self._settings

    @property
    def last_spoken(self) -> list[SpokenItem]:
        return self.spoken.items()

    @property
    def voices(self) -> list[dict[str, object]]:
        """The engine's voices (id, name, languages) once it has started; for the admin page."""
        return list(getattr(self._synth, "voices", []))

    @property
    def problem(self) -> str:
        """Why sentences are printed instead of heard right now, for the status page; or ''."""
        notes = [self.health.problem] if self.health.problem else []
        output = str(getattr(self._player, "problem", ""))
        if output:
            notes.append(f"no audio output: {output}")
        return "; ".join(notes)

    def apply(self, settings: SpeechSettings, *, quiet_hours: tuple[daytime, daytime] | None,
              default_voice: str) -> None:
        """Everything that changes live: voice settings, quiet hours and the pack's voice."""
        with self._cond:
            self.quiet_hours = quiet_hours
            self.default_voice = default_voice
        self.apply_settings(settings)

    def apply_settings(self, settings: SpeechSettings) -> None:
        """Use new voice settings from the next sentence on (old cached audio no longer matches)."""
        with self._cond:
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
            if settings.output_device != old.output_device:
                self._player.close()
                self._player.device = settings.output_device
        if synth is not None:
            synth.close()

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
        moment = (when or self.clock()).time()
        voice = profile_for(self._settings, self.default_voice, moment, self.quiet_hours).voice
        return self._cache.get(text, voice, synth.engine) or self._render(synth, text, voice)

    def close(self, timeout: float = 5.0) -> None:
        """Stop speaking, end the worker thread and the engine process."""
        with self._cond:
            self._closed = True
            self._stop_locked("")
        self._thread.join(timeout)
        if self._synth is not None:
            self._synth.close()
        self._player.close()

    # -- the worker ----------------------------------------------------------------------

    def _put(self, item: _Item, urgent: bool) -> None:
        with self._cond:
            if self._closed:
                log.warning("speech queue closed; not said: %s", item.text)
                return
            if urgent:
                self._stop_locked("")
            self._items.append(item)
            self._cond.notify_all()

    def _stop_locked(self, flow: str) -> None:
        dropped = [i for i in self._items if not flow or i.flow == flow]
        self._items = deque(i for i in self._items if flow and i.flow != flow)
        self._dropped.extend(i for i in dropped if i.on_done is not None)
        current = self._current
        if current is not None and (not flow or current.flow == flow):
            self._cut.set()
        self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                self._current = None
                self._cond.notify_all()
                self._cond.wait_for(lambda: self._closed or bool(self._items or self._dropped))
                dropped, self._dropped = self._dropped, []
                item: _Item | None = None
                if not self._closed and self._items:
                    item = self._current = self._items.popleft()
                    self._cut.clear()
            _tell(dropped, False)
            if item is None:
                if self._closed:
                    return
                continue
            done = False
            try:
                if item.text:
                    done = self._speak(item)
                else:
                    self._cut.wait(item.pause)
            except Exception:  # the queue must outlive any one sentence
                log.exception("speech queue: failed on %r", item.text or f"pause {item.pause}s")
            _tell([item], done)

    def _speak(self, item: _Item) -> bool:
        """Say one sentence; True when it was played, or printed, in full."""
        profile = profile_for(self._settings, self.default_voice, self.clock().time(),
                              self.quiet_hours)
        audio = self._audio_for(item.text, profile.voice)
        if self._cut.is_set():
            return False
        if audio is not None and profile.chime and self._silent_for() > CHIME_AFTER_SILENCE:
            self._play(soft_chime(audio[1], profile.voice.volume), audio[1], "")
        if self._cut.is_set():
            return False
        audible = audio is not None and self._player_ready()
        self.spoken.record(SpokenItem(item.text, item.key, item.flow, self.clock(), audible))
        heard = audio is not None and audible and self._play(audio[0], audio[1], item.text)
        if not heard and self.echo is not None:
            self.echo(item.text)
            return True
        return heard and self._completed

    def _audio_for(self, text: str, voice: Voice) -> tuple[Samples, int] | None:
        synth = self._synth
        if synth is None:
            return None
        path = self._cache.get(text, voice, synth.engine)
        if path is None and self.health.usable():
            path = self._render(synth, text, voice)
        if path is None:
            return None
        try:
            return read_wav(path)
        except (OSError, EOFError, ValueError) as exc:
            log.warning("unreadable speech audio %s (%s); removed", path, exc)
            path.unlink(missing_ok=True)
            return None

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

    def _player_ready(self) -> bool:
        try:
            self._player.open()
        except PlaybackError as exc:
            log.warning("no audio output: %s", exc)
            return False
        return True

    def _play(self, samples: Samples, rate: int, text: str) -> bool:
        """Play, cut by stop; False only when there was no output device to play on."""
        try:
            played = self._player.play(samples, rate, self._cut, self._settings.watchdog_seconds)
        except PlaybackError as exc:
            log.warning("no audio output: %s", exc)
            return False
        self._last_sound_end = time.monotonic()
        self._completed = played.completed
        if text and self.on_played is not None:
            self.on_played(text, played)
        return True

    def _silent_for(self) -> float:
        return time.monotonic() - self._last_sound_end if self._last_sound_end else float("inf")


def _tell(items: list[_Item], done: bool) -> None:
    """Report each item's outcome to its on_done; a failing callback never stops the queue."""
    for item in items:
        if item.on_done is None:
            continue
        try:
            item.on_done(done)
        except Exception:
            log.exception("speech queue: on_done for %r failed", item.text)
