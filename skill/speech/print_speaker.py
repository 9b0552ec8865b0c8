"""A Speaker that only prints and records: for --silent, `ask`, and machines with no audio."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import datetime
from typing import TextIO

from skill.speech.spoken import OnSpoken, SpokenItem, SpokenLog


class PrintSpeaker:
    """Writes each sentence to `stream` (None: nowhere) and keeps the same `last_spoken` record."""

    def __init__(self, stream: TextIO | None = sys.stdout, *, on_spoken: OnSpoken | None = None,
                 realtime: bool = False, clock: Callable[[], datetime] = datetime.now,
                 history: int = 50) -> None:
        self.stream = stream
        self.realtime = realtime
        """Sleep through pauses (hold steps) instead of returning at once."""
        self.clock = clock
        self.spoken = SpokenLog(history, on_spoken)

    def say(self, text: str, *, key: str = "", flow: str = "", urgent: bool = False,
            on_done: Callable[[bool], None] | None = None) -> None:
        self.spoken.record(SpokenItem(text, key, flow, self.clock(), audible=False))
        if self.stream is not None:
            print(text, file=self.stream, flush=True)
        if on_done is not None:
            on_done(True)  # printed in full: as heard as this speaker gets

    def pause(self, seconds: float, *, flow: str = "") -> None:
        if self.realtime:
            time.sleep(seconds)

    def stop(self, flow: str = "") -> None:
        return None

    def is_busy(self) -> bool:
        return False

    def wait_idle(self, timeout: float | None = None) -> bool:
        return True

    @property
    def last_spoken(self) -> list[SpokenItem]:
        return self.spoken.items()

    def close(self) -> None:
        return None


def NullSpeaker(*, on_spoken: OnSpoken | None = None) -> PrintSpeaker:  # noqa: N802
    """A speaker that says nothing anywhere but still records what would have been said."""
    return PrintSpeaker(None, on_spoken=on_spoken)
