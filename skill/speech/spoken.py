"""What was said: a short in-memory record for the admin page, and the `on_spoken` hook."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

log = logging.getLogger(__name__)

OnSpoken = Callable[[str, str], None]
"""on_spoken(text, key): called once per sentence as it starts to be said (or printed)."""


@dataclass(frozen=True)
class SpokenItem:
    text: str
    key: str
    """Reply key the text came from; empty for free text such as a custom reminder."""
    flow: str
    at: datetime
    audible: bool
    """False when it was only printed/logged (no TTS engine or no output device)."""


class SpokenLog:
    """The last `size` sentences, thread-safe; forwards each to `on_spoken` (errors logged)."""

    def __init__(self, size: int = 50, on_spoken: OnSpoken | None = None) -> None:
        self.on_spoken = on_spoken
        self._items: deque[SpokenItem] = deque(maxlen=size)
        self._lock = threading.Lock()

    def record(self, item: SpokenItem) -> None:
        with self._lock:
            self._items.append(item)
        log.info("%s: %s", "said" if item.audible else "said (silent)", item.text)
        if self.on_spoken is not None:
            try:
                self.on_spoken(item.text, item.key)
            except Exception:  # a broken hook must never silence first aid
                log.exception("on_spoken hook failed")

    def items(self) -> list[SpokenItem]:
        with self._lock:
            return list(self._items)
