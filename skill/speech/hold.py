"""A player wrapper that can hold speech mid-sentence and resume where it stopped (barge-in).

It sits between the speech queue and the real player: hold() cuts the clip playing now the
same way stop does (the player drops what PortAudio buffered), remembers how far it had been
heard, and play() waits; resume() plays the rest, from a little before where it was cut so the
interrupted word is heard whole. A real stop (the queue's cut) while held ends the sentence.
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
"""Resume this much before the cut, so the word that was cut is heard again from its start."""
MAX_HOLD_SECONDS = 10.0
"""A hold nobody releases (a lost event) ends by itself: speech must not stay silent forever."""
POLL_SECONDS = 0.02
"""How often a held sentence checks for resume, stop, or the end of MAX_HOLD_SECONDS."""


class Player(Protocol):
    device: str

    def open(self) -> None: ...

    def play(self, samples: Samples, rate: int, cut: threading.Event,
             watchdog: float = 10.0) -> Played: ...

    def close(self) -> None: ...


class _Either(threading.Event):
    """Set when this event or the queue's cut is: what the inner player watches while playing.

    The player only reads it (is_set / wait); a subclass avoids a bridging thread per sentence.
    """

    def __init__(self, cut: threading.Event) -> None:
        super().__init__()
        self._other = cut

    def is_set(self) -> bool:
        return super().is_set() or self._other.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.is_set():
            left = POLL_SECONDS if deadline is None else min(POLL_SECONDS,
                                                             deadline - time.monotonic())
            if left <= 0:
                return False
            super().wait(left)
        return True


class HoldingPlayer:
    """Implements the speech queue's Player protocol around another player."""

    def __init__(self, inner: Player, *, max_hold: float = MAX_HOLD_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.inner = inner
        self.max_hold = max_hold
        self.clock = clock
        self._lock = threading.Lock()
        self._held = False
        self._held_since = 0.0
        self._link: _Either | None = None
        self.holds = 0
        """How many times speech was held (for the status page and the tests)."""

    # -- what barge-in calls

    def hold(self) -> bool:
        """Pause now: the sentence playing is cut where it is, the next one waits. True if this
        started a hold (False: already held)."""
        with self._lock:
            if self._held:
                return False
            self._held, self._held_since = True, self.clock()
            self.holds += 1
            if self._link is not None:
                self._link.set()
        return True

    def resume(self) -> None:
        """Go on from where the hold cut the sentence (nothing happens if it was stopped)."""
        with self._lock:
            self._held = False

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

    def open(self) -> None:
        self.inner.open()

    def close(self) -> None:
        self.inner.close()

    def play(self, samples: Samples, rate: int, cut: threading.Event,
             watchdog: float = 10.0) -> Played:
        """Play `samples`, holding and resuming as told; returns when done or stopped."""
        start, started_at = 0, None
        while True:
            if not self._wait_while_held(cut):
                return Played(False, started_at, start, self.clock())
            with self._lock:
                link = self._link = _Either(cut)
                if self._held:  # held again between the wait and here
                    link.set()
            played = self.inner.play(samples[start:], rate, link, watchdog)
            with self._lock:
                self._link = None
                held = self._held
            started_at = started_at or played.started_at
            heard = start + self._source_frames(played, rate)
            if played.completed or cut.is_set() or not held:
                # Done, stopped, or the inner player's watchdog gave up: nothing to resume.
                return Played(played.completed, started_at, heard, played.ended_at)
            start = max(start, heard - int(REWIND_SECONDS * rate))

    def _wait_while_held(self, cut: threading.Event) -> bool:
        """Wait for resume(); False when stopped meanwhile. A forgotten hold ends by itself."""
        while self._held:
            if cut.wait(POLL_SECONDS):
                return False
            if self.clock() - self._held_since > self.max_hold:
                log.warning("speech held for %.0f s without a resume; going on", self.max_hold)
                self.resume()
        return not cut.is_set()

    def _source_frames(self, played: Played, rate: int) -> int:
        """How many of the clip's own frames were heard: the inner player counts frames at its
        rate, and what it had buffered for the device but not yet played was dropped by the cut."""
        inner_rate = self.rate or rate
        seconds = played.frames / inner_rate
        if not played.completed:
            seconds = max(0.0, seconds - self.output_latency)
        return int(seconds * rate)
