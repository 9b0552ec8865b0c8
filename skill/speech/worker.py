"""The speech worker: one thread takes sentences and pauses off a queue in order; stop cuts."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Item:
    text: str
    key: str
    flow: str
    pause: float = 0.0
    """Seconds of silence instead of a sentence when text is empty."""
    on_done: Callable[[bool], None] | None = None
    """Told, from the speech thread, whether the sentence was heard (or printed) in full."""


Speak = Callable[[Item, threading.Event], bool]
"""Say one sentence, cut when the event is set; True when it was heard (or printed) in full."""


class SpeechWorker:
    """Thread-safe enqueue from anywhere; one thread hands each item to `speak` in order."""

    def __init__(self, speak: Speak) -> None:
        self._speak = speak
        self._cond = threading.Condition()
        self._items: deque[Item] = deque()
        self._current: Item | None = None
        self._cut = threading.Event()
        self._dropped: list[Item] = []
        """Sentences stop took off the queue, to be told on_done(False) by the speech thread."""
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="speech-queue", daemon=True)
        self._thread.start()

    def put(self, item: Item, urgent: bool) -> None:
        """Queue `item`; `urgent` first stops everything."""
        with self._cond:
            if self._closed:
                log.warning("speech queue closed; not said: %s", item.text)
                return
            if urgent:
                self._stop_locked("")
            self._items.append(item)
            self._cond.notify_all()

    def stop(self, flow: str = "") -> None:
        """Cut `flow` ('' for everything): what is playing and what waits."""
        with self._cond:
            self._stop_locked(flow)

    def is_busy(self) -> bool:
        with self._cond:
            return self._current is not None or bool(self._items)

    def wait_idle(self, timeout: float | None = None) -> bool:
        with self._cond:
            return self._cond.wait_for(
                lambda: self._current is None and not self._items, timeout)

    def close(self, timeout: float = 5.0) -> None:
        """Stop everything and end the thread."""
        with self._cond:
            self._closed = True
            self._stop_locked("")
        self._thread.join(timeout)

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
                item: Item | None = None
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
                    done = self._speak(item, self._cut)
                else:
                    self._cut.wait(item.pause)
            except Exception:  # the queue must outlive any one sentence
                log.exception("speech queue: failed on %r", item.text or f"pause {item.pause}s")
            _tell([item], done)


def _tell(items: list[Item], done: bool) -> None:
    """Report each item's outcome to its on_done; a failing callback never stops the queue."""
    for item in items:
        if item.on_done is None:
            continue
        try:
            item.on_done(done)
        except Exception:
            log.exception("speech queue: on_done for %r failed", item.text)
