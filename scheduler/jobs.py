"""Job functions the job store refers to by name; they reach the live service through a registry.

Jobs carry only plain data (reminder id, kind) so the SQLite job store never pickles a service;
the functions must stay module-level under these names, because stored jobs name them.
"""

from __future__ import annotations

import logging
import threading
from typing import Protocol

log = logging.getLogger(__name__)


class JobTarget(Protocol):
    """What a job hands its reminder to (scheduler.delivery.Delivery in the running service)."""

    def fire(self, reminder_id: str, kind: str, snoozed: bool) -> None: ...

    def fire_summary(self) -> None: ...


_active: JobTarget | None = None
_guard = threading.Lock()


def register(target: JobTarget) -> None:
    global _active
    with _guard:
        if _active is not None and _active is not target:
            raise RuntimeError("another ReminderService is already running in this process")
        _active = target


def unregister(target: JobTarget) -> None:
    global _active
    with _guard:
        if _active is target:
            _active = None


def _target() -> JobTarget | None:
    if _active is None:
        log.warning("a reminder job ran with no reminder service registered; skipped")
    return _active


def fire(reminder_id: str, kind: str) -> None:
    """A reminder is due."""
    target = _target()
    if target is not None:
        target.fire(reminder_id, kind, False)


def fire_snoozed(reminder_id: str, kind: str) -> None:
    """A snoozed reminder is due again."""
    target = _target()
    if target is not None:
        target.fire(reminder_id, kind, True)


def fire_summary() -> None:
    """Quiet hours are over: summarise what they held back."""
    target = _target()
    if target is not None:
        target.fire_summary()
