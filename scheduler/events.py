"""ReminderEvents: what happened to each reminder, handed to the skill's `on_event` callback."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any

from scheduler.due import DueReminder

log = logging.getLogger(__name__)

OnEvent = Callable[[str, dict[str, Any]], None]


class ReminderEvents:
    """Builds the event records (id, kind, at, extras); a failing callback is logged, never
    raised, so bookkeeping can never stop a reminder."""

    def __init__(self, on_event: OnEvent, clock: Callable[[], datetime]) -> None:
        self._on_event = on_event
        self._clock = clock

    def event(self, kind: str, due: DueReminder, **extra: Any) -> None:
        """`kind` (spoken, cut, missed, done, ...) for `due`; extras that are None are left out."""
        data = {"id": due.id, "kind": due.kind, "at": self._clock().isoformat()}
        data.update({k: v for k, v in extra.items() if v is not None})
        self._emit(kind, data)

    def missed_job(self, reminder_id: str, kind: str, scheduled: datetime, zone: tzinfo) -> None:
        """APScheduler gave up on a run (too late): the reminder was never handed over."""
        self._emit("missed", {
            "id": reminder_id, "kind": kind, "reason": "late",
            "due": scheduled.astimezone(zone).isoformat(),
            "at": self._clock().isoformat(),
        })

    def _emit(self, kind: str, data: dict[str, Any]) -> None:
        try:
            self._on_event(kind, data)
        except Exception:
            log.exception("recording reminder event %s failed", kind)
