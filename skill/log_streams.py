"""Standard streams that a closed log pipe or a full disk cannot turn into the assistant's exit."""

from __future__ import annotations

import logging
import sys
import threading
from typing import TextIO, cast

log = logging.getLogger(__name__)

__all__ = ["SturdyStream", "guard_streams", "stream_problems"]

_problems: dict[str, str] = {}
_lock = threading.Lock()


class SturdyStream:
    """Writes through to `inner`; a write that fails (EPIPE when journald or the terminal went
    away, ENOSPC for a log file on a full disk) is dropped instead of raised, and noted once.
    Every later write is tried again, so a log file is written again once space is back."""

    def __init__(self, inner: TextIO, name: str) -> None:
        self.inner = inner
        self.name = name

    def write(self, text: str) -> int:
        try:
            return self.inner.write(text)
        except (OSError, ValueError) as exc:  # ValueError: the file object was closed
            self._failed(exc)
            return len(text)

    def flush(self) -> None:
        try:
            self.inner.flush()
        except (OSError, ValueError) as exc:
            self._failed(exc)

    def _failed(self, exc: Exception) -> None:
        with _lock:
            if self.name in _problems:
                return
            _problems[self.name] = (f"{self.name} cannot be written ({exc}): log lines and "
                                    "printed sentences are lost, the assistant goes on")
        # on the other stream, if that one still works; never raises
        log.warning("%s", _problems[self.name])

    def __getattr__(self, name: str) -> object:  # fileno, isatty, encoding, buffer, ...
        return getattr(self.inner, name)


def guard_streams() -> None:
    """Wrap sys.stdout and sys.stderr, and point the log handlers that wrote to them at the
    wrappers: for a long-running service (`run`), not for `ask | head`, which should stop."""
    wrapped = {}
    for name in ("stdout", "stderr"):
        inner = getattr(sys, name)
        if isinstance(inner, SturdyStream):
            continue
        sturdy = SturdyStream(inner, name)
        wrapped[id(inner)] = sturdy
        setattr(sys, name, sturdy)  # print() and console() find it there
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler) and id(handler.stream) in wrapped:
            handler.setStream(cast(TextIO, wrapped[id(handler.stream)]))


def stream_problems() -> list[str]:
    """One line per standard stream that failed since start (status page)."""
    with _lock:
        return list(_problems.values())
