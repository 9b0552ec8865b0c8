"""TTS engine health: a hung or missing engine is left alone for a while instead of paying the
watchdog on every sentence; sentences are printed meanwhile."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

log = logging.getLogger(__name__)

ENGINE_RETRY_SECONDS = 60.0
"""After the engine failed to start, sentences are only printed for this long before a retry."""
TIMEOUTS_BEFORE_DOWN = 2
"""Synthesis timeouts in a row that mark the engine down (each one costs the full watchdog)."""
ENGINE_DOWN_SECONDS = 300.0
"""How long a hung engine is left alone before one sentence probes it."""


class EngineHealth:
    """Counts synthesis timeouts; says whether the engine may be asked now and why not."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.monotonic = monotonic
        """The clock of the down period (a test moves it on)."""
        self._down_until = 0.0
        self._problem = ""
        self.timeouts = 0
        """Synthesis timeouts in a row."""

    def usable(self) -> bool:
        """False while the engine is marked down; afterwards one sentence probes it."""
        return self.monotonic() >= self._down_until

    @property
    def problem(self) -> str:
        """Why replies are printed right now, or ''."""
        return "" if self.usable() else self._problem

    def reset(self) -> None:
        self._down_until, self.timeouts = 0.0, 0

    def succeeded(self) -> None:
        if self.timeouts >= TIMEOUTS_BEFORE_DOWN:
            log.info("the TTS engine answers again; speaking aloud")
        self.timeouts = 0

    def timed_out(self, detail: str) -> None:
        """One sentence overran the watchdog; the second in a row (or a failed probe) marks
        the engine down."""
        self.timeouts += 1
        if self.timeouts >= TIMEOUTS_BEFORE_DOWN:
            self.down(f"the TTS engine timed out {self.timeouts} times in a row ({detail})",
                      ENGINE_DOWN_SECONDS)

    def unavailable(self, detail: str) -> None:
        self.down(f"no TTS engine ({detail})", ENGINE_RETRY_SECONDS)

    def down(self, why: str, seconds: float) -> None:
        """Print instead of synthesising for `seconds` (cached sentences still play); logged
        once per period."""
        self._down_until = self.monotonic() + seconds
        until = (datetime.now() + timedelta(seconds=seconds)).strftime("%H:%M:%S")
        self._problem = f"speech engine down: {why}; replies printed until {until}"
        log.error("%s, then one sentence tries it again", self._problem)
