"""Problems: the storage faults the reminder service is working around, one line each."""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)


class Problems:
    """One message per named store ("definitions", "jobs", "ledger"); empty means fine."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: dict[str, str] = {}

    def note(self, name: str, message: str) -> None:
        """Set (or clear, with "") the problem of `name`; a new one is logged once."""
        with self._lock:
            if message and self._messages.get(name) != message:
                log.warning("%s", message)
            self._messages[name] = message

    def lines(self) -> list[str]:
        with self._lock:
            return [message for message in self._messages.values() if message]
