"""Job functions the job store refers to by name; they reach the live service through a registry.

Jobs carry only plain data (reminder id, kind) so the SQLite job store never pickles a service.
"""

from __future__ import annotations

import logging
import threading
from typing import Protocol

log = logging.getLogger(__name__)


class _Target(Protocol):
    def _fire(self, reminder_id: str, kind: str, snoozed: bool) -> None: ...

    def _fire_summary(self) -> None: ...


_active: _Target | None = None
_guard = threading.Lock()


def register(service: _Target) -> None:
    global _active
    with _guard:
        if _active is not None and _active is not service:
            raise RuntimeError("another ReminderService is already running in this process")
        _active = service


def unregister(service: _Target) -> None:
    global _active
    with _guard:
        if _active is service:
            _active = None


def _target() -> _Target | None:
    if _active is None:
        log.warning("a reminder job ran with no reminder service registered; skipped")
    return _active


def fire(reminder_id: str, kind: str) -> None:
    """A reminder is due."""
    service = _target()
    if service is not None:
        service._fire(reminder_id, kind, False)


def fire_snoozed(reminder_id: str, kind: str) -> None:
    """A snoozed reminder is due again."""
    service = _target()
    if service is not None:
        service._fire(reminder_id, kind, True)


def fire_summary() -> None:
    """Quiet hours are over: summarise what they held back."""
    service = _target()
    if service is not None:
        service._fire_summary()
