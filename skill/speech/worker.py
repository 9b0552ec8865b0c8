"""The speech worker: one thread takes sentences and pauses off a queue in order; stop cuts."""

from __future__ import annotations

import logging
import threading
import time
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
    """Thread-safe enqueue from anywhere; one thread hands each item to `speak` in order.

    The same thread runs `on_warm` when warm() asks (before a reply is due) and `on_idle` once
    `idle_after` seconds passed without an item or a warm-up (0: never), so the output device
    is only ever opened and closed on the thread that plays on it."""

    def __init__(self, speak: Speak, on_idle: Callable[[], None] | None = None,
                 on_warm: Callable[[], None] | None = None, idle_after: float = 0.0) -> None:
        self._speak = speak
        self._on_idle = on_idle
        self._on_warm = on_warm
        self.idle_after = idle_after
        self._idle_due: float | None = None
        """time.monotonic() when on_idle runs, unless an item or a warm-up comes first."""
        self._warm = False
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

    def warm(self) -> None:
        """Have the speech thread run on_warm soon (someone started to speak to us)."""
        with self._cond:
            self._warm = True
            self._cond.notify_all()

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
                idle = self._wait()
                warm, self._warm = self._warm and not self._closed, False
                dropped, self._dropped = self._dropped, []
                item: Item | None = None
                if not self._closed and self._items:
                    item = self._current = self._items.popleft()
                    self._cut.clear()
            _tell(dropped, False)
            self._housekeep(idle, warm)
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
            self._arm_idle()

    def _wait(self) -> bool:
        """Wait (lock held) for work; True when instead the idle time ran out."""
        while not (self._closed or self._items or self._dropped or self._warm):
            due = self._idle_due
            if due is not None and due <= time.monotonic():
                self._idle_due = None
                return True
            self._cond.wait(None if due is None else due - time.monotonic())
        return False

    def _housekeep(self, idle: bool, warm: bool) -> None:
        """Run on_idle or on_warm on this thread; neither may stop the queue."""
        call = self._on_warm if warm else self._on_idle if idle else None
        if warm:
            self._arm_idle()
        if call is None:
            return
        try:
            call()
        except Exception:
            log.exception("speech queue: %s failed", "warm-up" if warm else "idle close")

    def _arm_idle(self) -> None:
        with self._cond:
            self._idle_due = time.monotonic() + self.idle_after if self.idle_after > 0 else None


def _tell(items: list[Item], done: bool) -> None:
    """Report each item's outcome to its on_done; a failing callback never stops the queue."""
    for item in items:
        if item.on_done is None:
            continue
        try:
            item.on_done(done)
        except Exception:
            log.exception("speech queue: on_done for %r failed", item.text)
