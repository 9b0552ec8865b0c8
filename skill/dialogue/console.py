"""A Speaker for the terminal: prints each sentence and sleeps through pauses (`ask --realtime`)."""

from __future__ import annotations

import sys
import threading
from typing import TextIO


class ConsoleSpeaker:
    """Synchronous stand-in for the speech queue: say() prints at once, pause() sleeps."""

    def __init__(self, out: TextIO | None = None, echo: bool = True) -> None:
        self.out = out if out is not None else sys.stdout
        self.echo = echo
        self._stopped = threading.Event()

    def say(self, text: str, *, key: str = "", flow: str = "") -> None:
        self._stopped.clear()
        if self.echo:
            print(text, file=self.out, flush=True)

    def pause(self, seconds: float, *, flow: str = "") -> None:
        self._stopped.wait(seconds)

    def stop(self, flow: str = "") -> None:
        self._stopped.set()

    def is_busy(self) -> bool:
        return False

    def wait_idle(self, timeout: float | None = None) -> bool:
        return True
