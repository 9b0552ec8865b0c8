"""The one speech queue: every sentence and pause in order on one thread, cut at once by stop.

Three parts by role: `SpeechWorker` (worker.py) the queue and its thread, `Voicing`
(voicing.py) the voice and the audio for a sentence, `Playback` (playback.py) the output
device, held and resumed for barge-in. `SpeechQueue` ties them into the one `Speaker`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from datetime import time as daytime
from pathlib import Path

from skill.speech.cache import SpeechCache
from skill.speech.hold import HoldingPlayer
from skill.speech.playback import Playback, Player
from skill.speech.player import Played, StreamPlayer
from skill.speech.settings import SpeechSettings
from skill.speech.sound import soft_chime
from skill.speech.spoken import OnSpoken, SpokenItem, SpokenLog
from skill.speech.voicing import Synth, Voicing
from skill.speech.worker import Item, SpeechWorker

__all__ = ["CHIME_AFTER_SILENCE", "Player", "SpeechQueue", "Synth"]

CHIME_AFTER_SILENCE = 5.0
"""At night the chime comes before the first sentence after this many quiet seconds."""


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
        self.voicing = Voicing(settings, synth, cache, default_voice=default_voice,
                               quiet_hours=quiet_hours, clock=clock)
        self.health = self.voicing.health
        self.playback = Playback(player or StreamPlayer(settings.output_device), on_played)
        self.spoken = SpokenLog(history, on_spoken)
        self.echo = echo
        """Where a sentence goes when it cannot be heard (no engine, no device); None: log only."""
        self._worker = SpeechWorker(self._speak, on_idle=self.playback.idle,
                                    on_warm=self.playback.warm,
                                    idle_after=settings.output_idle_seconds)

    # -- the Speaker protocol ------------------------------------------------------------

    def say(self, text: str, *, key: str = "", flow: str = "", urgent: bool = False,
            on_done: Callable[[bool], None] | None = None) -> None:
        """Queue a sentence; `urgent` first stops everything (the escalation line).

        `on_done(True)` once it was played (or printed) in full, `on_done(False)` when it was
        cut, dropped or failed: for reminders, which count only once heard."""
        self._worker.put(Item(text, key, flow, on_done=on_done), urgent)

    def pause(self, seconds: float, *, flow: str = "") -> None:
        self._worker.put(Item("", "", flow, pause=max(0.0, seconds)), False)

    def stop(self, flow: str = "") -> None:
        self._worker.stop(flow)

    def is_busy(self) -> bool:
        return self._worker.is_busy()

    def warm_up(self) -> None:
        """Someone started to speak: have the output open by the time the reply is ready."""
        self._worker.warm()

    def wait_idle(self, timeout: float | None = None) -> bool:
        return self._worker.wait_idle(timeout)

    # -- barge-in (skill/barge_in.py) -----------------------------------------------------

    def holdable(self) -> HoldingPlayer:
        """Let speech be held and resumed mid-sentence from now on (wraps the player once)."""
        return self.playback.holdable()

    def hold(self) -> bool:
        """Pause what is being said where it is, until resume() or stop(); False when not
        holdable() or already held."""
        return self.playback.hold()

    def resume(self) -> None:
        """Go on from where hold() paused (nothing to do after a stop)."""
        self.playback.resume()

    # -- admin and lifecycle -------------------------------------------------------------

    @property
    def settings(self) -> SpeechSettings:
        return self.voicing.settings

    @property
    def last_spoken(self) -> list[SpokenItem]:
        return self.spoken.items()

    @property
    def voices(self) -> list[dict[str, object]]:
        """The engine's voices (id, name, languages) once it has started; for the admin page."""
        return self.voicing.voices

    @property
    def problem(self) -> str:
        """Why sentences are printed instead of heard right now, for the status page; or ''."""
        notes = [self.health.problem] if self.health.problem else []
        output = self.playback.problem
        if output:
            notes.append(f"no audio output: {output}")
        return "; ".join(notes)

    def apply(self, settings: SpeechSettings, *, quiet_hours: tuple[daytime, daytime] | None,
              default_voice: str) -> None:
        """Everything that changes live: voice settings, quiet hours and the pack's voice."""
        old = self.voicing.apply(settings, quiet_hours=quiet_hours, default_voice=default_voice)
        self._apply_output(old, settings)

    def apply_settings(self, settings: SpeechSettings) -> None:
        """Use new voice settings from the next sentence on (old cached audio no longer matches)."""
        self._apply_output(self.voicing.apply_settings(settings), settings)

    def precache(self, texts: Iterable[str], night: bool = True) -> int:
        """Synthesise `texts` into the cache now (day voice, and the night voice if enabled)."""
        return self.voicing.precache(texts, night)

    def render(self, text: str, when: datetime | None = None) -> Path | None:
        """The WAV the queue plays for `text` at `when` (default now), synthesised if needed."""
        return self.voicing.render(text, when)

    def close(self, timeout: float = 5.0) -> None:
        """Stop speaking, end the worker thread and the engine process."""
        self._worker.close(timeout)
        self.voicing.close()
        self.playback.close()

    # -- on the speech thread ------------------------------------------------------------

    def _apply_output(self, old: SpeechSettings, new: SpeechSettings) -> None:
        """The output device and when it closes, from the next sentence on."""
        self._worker.idle_after = new.output_idle_seconds
        if new.output_device != old.output_device:
            self.playback.move_to(new.output_device)

    def _speak(self, item: Item, cut: threading.Event) -> bool:
        """Say one sentence; True when it was played, or printed, in full."""
        voicing, playback = self.voicing, self.playback
        profile = voicing.profile()
        audio = voicing.audio(item.text, profile.voice)
        if cut.is_set():
            return False
        watchdog = voicing.settings.watchdog_seconds
        if audio is not None and profile.chime and playback.silent_for() > CHIME_AFTER_SILENCE:
            playback.play(soft_chime(audio[1], profile.voice.volume), audio[1], "", cut, watchdog)
        if cut.is_set():
            return False
        audible = audio is not None and playback.ready_or_back(cut)
        self.spoken.record(SpokenItem(item.text, item.key, item.flow, voicing.clock(), audible))
        heard = audio is not None and audible and playback.play(*audio, item.text, cut, watchdog)
        if not heard and self.echo is not None:
            self.echo(item.text)
            return True
        return heard and playback.completed
