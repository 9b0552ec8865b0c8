"""A player wrapper that can hold speech mid-sentence and resume where it stopped (barge-in).

hold() makes the real player duck the sentence (it plays on 25 dB quieter on the running
stream, so the sound server's echo canceller stays in step) and keeps the next sentence waiting;
resume() goes on from a little before where it was held, so the interrupted word is heard whole.
A stop (the queue's cut) while held ends the sentence as usual.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

from skill.speech.player import Played
from skill.speech.sound import Samples

log = logging.getLogger(__name__)

REWIND_SECONDS = 0.3
"""Resume this much before the hold, so the word that was cut is heard again from its start."""
MAX_HOLD_SECONDS = 5.0
"""A hold nobody releases (a lost event) ends by itself: speech must not stay silent, and the
player's watchdog counts held time as playing time."""
POLL_SECONDS = 0.02
"""How often a sentence waiting for a resume checks for a stop."""


class Player(Protocol):
    device: str

    def open(self) -> None: ...

    def play(self, samples: Samples, rate: int, cut: threading.Event,
             watchdog: float = 10.0) -> Played: ...

    def hold(self, held: bool, rewind: float = 0.0) -> None: ...

    def close(self) -> None: ...


class HoldingPlayer:
    """Implements the speech queue's Player protocol around a StreamPlayer."""

    def __init__(self, inner: Player, *, max_hold: float = MAX_HOLD_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.inner = inner
        self.max_hold = max_hold
        self.clock = clock
        self._lock = threading.Lock()
        self._held = False
        self._timer: threading.Timer | None = None
        self.holds = 0
        """How many times speech was held."""

    def hold(self) -> bool:
        """Hold now (the sentence ducked; the next one waits). True if this
        started a hold (False: already held)."""
        with self._lock:
            if self._held:
                return False
            self._held = True
            self.holds += 1
            self.inner.hold(True)
            self._timer = threading.Timer(self.max_hold, self._expire)
            self._timer.daemon = True
            self._timer.start()
        return True

    def resume(self) -> None:
        """Go on from just before where the hold paused (after a stop: with the next sentence)."""
        with self._lock:
            if not self._held:
                return
            self._held = False
            self.inner.hold(False, REWIND_SECONDS)
            if self._timer is not None:
                self._timer.cancel()

    def _expire(self) -> None:
        log.warning("speech held for %.0f s without a resume; going on", self.max_hold)
        self.resume()

    @property
    def held(self) -> bool:
        return self._held

    # -- the Player protocol

    @property
    def device(self) -> str:
        return self.inner.device

    @device.setter
    def device(self, value: str) -> None:
        self.inner.device = value

    @property
    def rate(self) -> int:
        return int(getattr(self.inner, "rate", 0))

    @property
    def output_latency(self) -> float:
        return float(getattr(self.inner, "output_latency", 0.0))

    def __getattr__(self, name: str) -> object:
        # Anything else the queue or the status page asks the player (e.g. its problem).
        return getattr(self.inner, name)

    def open(self) -> None:
        self.inner.open()

    def close(self) -> None:
        self.inner.close()

    def play(self, samples: Samples, rate: int, cut: threading.Event,
             watchdog: float = 10.0) -> Played:
        """Wait while held (or until stopped), then play as the real player does."""
        while self._held:
            if cut.wait(POLL_SECONDS):
                return Played(False, None, 0, self.clock())
        return self.inner.play(samples, rate, cut, watchdog)
