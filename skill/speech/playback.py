"""The speech queue's output: the player (held and resumed for barge-in), and how playing went."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

from skill.speech.hold import HoldingPlayer
from skill.speech.player import PlaybackError, Played
from skill.speech.sound import Samples

log = logging.getLogger(__name__)

OUTPUT_RETURN_SECONDS = 15.0
"""How long sentences wait for a sound server that went away after playing (PulseAudio killed
and restarted, or restarting after an update): a first-aid step is heard a few seconds late
instead of lost. Counted from the outage's start, so a server that stays away costs one wait."""
RETRY_SECONDS = 0.5


class Player(Protocol):
    device: str

    def open(self) -> None: ...

    def play(self, samples: Samples, rate: int, cut: threading.Event,
             watchdog: float = 10.0) -> Played: ...

    def close(self) -> None: ...


class Playback:
    """Plays what the queue says on one player; remembers when sound last ended and whether
    the last sentence was played to its end."""

    def __init__(self, player: Player,
                 on_played: Callable[[str, Played], None] | None = None) -> None:
        self.player = player
        self.on_played = on_played
        self.completed = False
        """Whether the last play ran to its end (not cut, not stalled)."""
        self.last_sound_end = 0.0
        """time.monotonic() when the last sound ended; 0 before any."""
        self.keep_open = False
        """idle() leaves the output open (barge-in: the echo canceller follows the stream)."""
        self._lock = threading.Lock()
        self._lost_at: float | None = None
        """time.monotonic() when a working output was found gone, until it is back."""

    # -- barge-in (skill/barge_in.py) -----------------------------------------------------

    def holdable(self) -> HoldingPlayer:
        """Let speech be held and resumed mid-sentence from now on (wraps the player once)."""
        with self._lock:
            if not isinstance(self.player, HoldingPlayer):
                self.player = HoldingPlayer(self.player)  # type: ignore[arg-type]
            # Only barge-in holds, and its echo canceller re-learns the room on every new stream.
            self.keep_open = True
            return self.player

    def hold(self) -> bool:
        """Pause what is being played where it is; False when not holdable() or already held."""
        player = self.player
        return isinstance(player, HoldingPlayer) and player.hold()

    def resume(self) -> None:
        """Go on from where hold() paused (nothing to do after a stop)."""
        player = self.player
        if isinstance(player, HoldingPlayer):
            player.resume()

    # -- playing ---------------------------------------------------------------------------

    @property
    def problem(self) -> str:
        """Why there is no audio output right now, or ''."""
        return str(getattr(self.player, "problem", ""))

    def ready(self) -> bool:
        """Open the output device; False (and a log line) when there is none."""
        try:
            self.player.open()
        except PlaybackError as exc:
            log.warning("no audio output: %s", exc)
            return False
        return True

    def ready_or_back(self, cut: threading.Event) -> bool:
        """ready(), but when sound played before, wait (cut by `cut`) for an output that has
        just gone away, up to OUTPUT_RETURN_SECONDS since it went."""
        if self.ready():
            self._lost_at = None
            return True
        if not self.last_sound_end:  # never had sound (a headless machine): print at once
            return False
        lost = self._lost_at = self._lost_at or time.monotonic()
        while time.monotonic() - lost < OUTPUT_RETURN_SECONDS:
            if cut.wait(RETRY_SECONDS):
                return False
            try:
                self.player.open()  # quietly: ready() said the fault once already
            except PlaybackError:
                continue
            log.info("audio output is back; speaking again")
            self._lost_at = None
            return True
        return False

    def warm(self) -> None:
        """Open the output ahead of a reply: a fresh PulseAudio stream stalls ~1.5 s before
        its first sound (PortAudio's ALSA poll times out once), so opening it only when the
        reply is ready would hold the reply's first word back by that much."""
        try:
            self.player.open()
        except PlaybackError as exc:  # said by the reply's own open, once
            log.debug("warm-up: %s", exc)

    def idle(self) -> None:
        """Nothing was said for a while: close the output (its silence costs CPU all night)."""
        if not self.keep_open:
            self.player.close()

    def play(self, samples: Samples, rate: int, text: str, cut: threading.Event,
             watchdog: float) -> bool:
        """Play, cut by `cut`; False only when there was no output device to play on."""
        try:
            played = self.player.play(samples, rate, cut, watchdog)
        except PlaybackError as exc:
            log.warning("no audio output: %s", exc)
            return False
        self.last_sound_end = time.monotonic()
        self.completed = played.completed
        if text and self.on_played is not None:
            self.on_played(text, played)
        return True

    def silent_for(self) -> float:
        """Seconds since sound last ended (infinite before any)."""
        return time.monotonic() - self.last_sound_end if self.last_sound_end else float("inf")

    def move_to(self, device: str) -> None:
        """Play on `device` from the next sentence on."""
        self.player.close()
        self.player.device = device

    def close(self) -> None:
        self.player.close()
