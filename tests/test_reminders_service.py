"""ReminderService on a real SQLite job store and real scheduler threads, reminders seconds away.

Waits have generous deadlines only so a broken build fails instead of hanging; nothing asserts on
how long anything took.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time as _time
from collections.abc import Callable
from contextlib import closing
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from scheduler.catalog import ReminderCatalog
from scheduler.definitions import DEFINITIONS_FILE, DefinitionStore
from scheduler.lock import ServiceLockedError
from scheduler.service import JOB_STORE_FILE, DueReminder, ReminderService
from scheduler.settings import (
    FootbathSettings,
    HydrationSettings,
    ReminderSettings,
    StretchSettings,
)

DEADLINE = 60.0
NO_DEFAULTS = ReminderSettings(
    quiet_start=time(0), quiet_end=time(0),
    hydration=HydrationSettings(enabled=False),
    footbath=FootbathSettings(enabled=False),
    stretch=StretchSettings(enabled=False),
)


class Recorder:
    """The skill's side: what was due, which events were recorded, whether speech is busy."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.due: list[DueReminder] = []
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.busy = False
        self.busy_calls = 0

    def on_due(self, due: DueReminder) -> None:
        with self.cond:
            self.due.append(due)
            self.cond.notify_all()

    def on_event(self, kind: str, data: dict[str, Any]) -> None:
        with self.cond:
            self.events.append((kind, data))
            self.cond.notify_all()

    def is_busy(self) -> bool:
        with self.cond:
            self.busy_calls += 1
            self.cond.notify_all()
            return self.busy

    def set_busy(self, value: bool) -> None:
        with self.cond:
            self.busy = value

    def wait_for(self, what: str, predicate: Callable[[], bool]) -> None:
        with self.cond:
            assert self.cond.wait_for(predicate, DEADLINE), f"never happened: {what}"

    def kinds(self, reminder_id: str) -> list[str]:
        with self.cond:
            return [kind for kind, data in self.events if data.get("id") == reminder_id]

    def said(self, reminder_id: str) -> list[DueReminder]:
        with self.cond:
            return [due for due in self.due if due.id == reminder_id]


class ServiceMaker:
    """ReminderServices on a Recorder's callbacks, polling every 0.1 s; stop_all() stops those
    still running at the end of a test."""

    def __init__(self, rec: Recorder) -> None:
        self.rec = rec
        self.made: list[ReminderService] = []

    def make(self, settings: ReminderSettings, home: Path, **kwargs: Any) -> ReminderService:
        rec = self.rec
        service = ReminderService(settings, home / JOB_STORE_FILE, rec.on_due, rec.on_event,
                                  rec.is_busy, poll_seconds=0.1, **kwargs)
        self.made.append(service)
        return service

    def stop_all(self) -> None:
        for service in self.made:
            if service.running:
                service.stop()


def soon(seconds: float, settings: ReminderSettings = NO_DEFAULTS) -> datetime:
    """A whole second at least `seconds` from now, in the settings' zone."""
    now = datetime.now(settings.zone())
    return (now + timedelta(seconds=seconds + 1)).replace(microsecond=0)


def add_at(data_home: Path, moment: datetime, text: str = "Short walk",
           settings: ReminderSettings = NO_DEFAULTS) -> str:
    """Add a reminder the way the CLI does: through the definitions file only."""
    catalog = ReminderCatalog(settings, DefinitionStore(data_home / DEFINITIONS_FILE))
    return catalog.add(moment.time(), text).id


def eventually(what: str, predicate: Callable[[], bool]) -> None:
    """Poll something no callback announces (e.g. the service re-syncing after an edit)."""
    deadline = _time.monotonic() + DEADLINE
    while not predicate():
        assert _time.monotonic() < deadline, f"never happened: {what}"
        _time.sleep(0.05)


def wait_past(moment: datetime, extra: float = 0.0) -> None:
    while datetime.now(moment.tzinfo) < moment + timedelta(seconds=extra):
        _time.sleep(0.05)


def assert_next_run_tomorrow(service: ReminderService, reminder_id: str, due: datetime) -> None:
    next_run = service.scheduled()[reminder_id]
    assert next_run is not None and next_run.astimezone(due.tzinfo) == due + timedelta(days=1)


def test_due_reminder_is_spoken_once_then_scheduled_for_tomorrow(
    data_home: Path, rec: Recorder, services: Callable[..., ReminderService]
) -> None:
    due_at = soon(3)
    rid = add_at(data_home, due_at)
    service = services()
    service.start()
    rec.wait_for("reminder spoken", lambda: bool(rec.said(rid)))
    assert_next_run_tomorrow(service, rid, due_at)
    service.stop()
    (due,) = rec.said(rid)
    assert (due.kind, due.text, due.reply_key, due.snoozed) == (
        "custom", "Short walk", "reminder.custom.prompt", False)
    assert rec.kinds(rid) == ["spoken"]


def test_after_restart_jobs_are_still_scheduled_once_each(
    data_home: Path, rec: Recorder, services: Callable[..., ReminderService]
) -> None:
    settings = ReminderSettings(quiet_start=time(0), quiet_end=time(0))
    due_at = soon(4, settings)
    rid = add_at(data_home, due_at, settings=settings)
    first = services(settings)
    first.start()
    before = first.scheduled()
    first.stop()
    second = services(settings)
    second.start()
    assert second.scheduled() == before
    assert sorted(before) == sorted(["hydration", "footbath", "stretch", rid])
    rec.wait_for("reminder spoken after restart", lambda: bool(rec.said(rid)))
    second.stop()
    with closing(sqlite3.connect(data_home / JOB_STORE_FILE)) as conn:
        ids = [row[0] for row in conn.execute("SELECT id FROM apscheduler_jobs")]
    assert sorted(ids) == sorted(before)
    assert len(rec.said(rid)) == 1


def test_reminder_due_while_down_is_spoken_once_on_return_within_grace(
    data_home: Path, rec: Recorder, services: Callable[..., ReminderService]
) -> None:
    due_at = soon(3)
    rid = add_at(data_home, due_at)
    first = services()
    first.start()
    first.stop()
    wait_past(due_at, 1.0)
    assert rec.said(rid) == []
    second = services()
    second.start()
    rec.wait_for("late reminder spoken", lambda: bool(rec.said(rid)))
    assert_next_run_tomorrow(second, rid, due_at)
    second.stop()
    assert len(rec.said(rid)) == 1
    assert rec.kinds(rid) == ["spoken"]


def test_reminder_due_while_down_beyond_grace_is_recorded_missed_not_spoken(
    data_home: Path, rec: Recorder, services: Callable[..., ReminderService]
) -> None:
    settings = ReminderSettings(
        quiet_start=time(0), quiet_end=time(0), custom_grace_minutes=1 / 60,
        hydration=HydrationSettings(enabled=False), footbath=FootbathSettings(enabled=False),
        stretch=StretchSettings(enabled=False),
    )
    due_at = soon(3)
    rid = add_at(data_home, due_at, settings=settings)
    first = services(settings)
    first.start()
    first.stop()
    wait_past(due_at, 3.0)
    second = services(settings)
    second.start()
    rec.wait_for("missed recorded", lambda: "missed" in rec.kinds(rid))
    assert_next_run_tomorrow(second, rid, due_at)
    second.stop()
    assert rec.said(rid) == []
    (missed,) = [data for kind, data in rec.events if kind == "missed"]
    assert missed["due"] == due_at.isoformat() and missed["reason"] == "late"


def test_quiet_hours_hold_a_reminder_back_and_the_morning_summary_says_it_once(
    data_home: Path, rec: Recorder, services: Callable[..., ReminderService]
) -> None:
    due_at = soon(3)
    quiet_end = due_at + timedelta(seconds=3)
    settings = ReminderSettings(
        quiet_start=(due_at - timedelta(minutes=5)).time(), quiet_end=quiet_end.time(),
        morning_summary=True, hydration=HydrationSettings(enabled=False),
        footbath=FootbathSettings(enabled=False), stretch=StretchSettings(enabled=False),
    )
    rid = add_at(data_home, due_at, settings=settings)
    service = services(settings)
    service.start()
    rec.wait_for("summary spoken", lambda: bool(rec.said("summary")))
    service.stop()
    assert rec.said(rid) == []
    assert rec.kinds(rid) == ["suppressed"]
    (summary,) = rec.said("summary")
    assert summary.reply_key == "reminder.summary.prompt"
    assert [(item.id, item.text) for item in summary.items] == [(rid, "Short walk")]
    assert DefinitionStore(data_home / DEFINITIONS_FILE).take_suppressed() == []


def test_active_flow_defers_the_reminder_until_it_ends(
    data_home: Path, rec: Recorder, services: Callable[..., ReminderService]
) -> None:
    rec.set_busy(True)
    rid = add_at(data_home, soon(3))
    service = services()
    service.start()
    rec.wait_for("speech polled while busy", lambda: rec.busy_calls >= 3)
    assert rec.said(rid) == []
    rec.set_busy(False)
    rec.wait_for("spoken after the flow", lambda: bool(rec.said(rid)))
    service.stop()
    assert len(rec.said(rid)) == 1


def test_speech_busy_past_the_wait_limit_counts_as_missed(
    data_home: Path, rec: Recorder, services: Callable[..., ReminderService]
) -> None:
    settings = ReminderSettings(
        quiet_start=time(0), quiet_end=time(0), max_wait_minutes=0.5 / 60,
        hydration=HydrationSettings(enabled=False), footbath=FootbathSettings(enabled=False),
        stretch=StretchSettings(enabled=False),
    )
    rec.set_busy(True)
    rid = add_at(data_home, soon(3), settings=settings)
    service = services(settings)
    service.start()
    rec.wait_for("missed while busy", lambda: "missed" in rec.kinds(rid))
    service.stop()
    assert rec.said(rid) == []
    assert [data["reason"] for kind, data in rec.events if kind == "missed"] == ["busy"]


def test_snooze_says_the_reminder_once_more(
    data_home: Path, rec: Recorder, services: Callable[..., ReminderService]
) -> None:
    rid = add_at(data_home, soon(3))
    service = services()
    service.start()
    rec.wait_for("first time", lambda: bool(rec.said(rid)))
    when = service.snooze(minutes=2 / 60)
    assert when is not None and f"snooze:{rid}" in service.scheduled()
    assert not service.window_open()
    rec.wait_for("snoozed time", lambda: len(rec.said(rid)) == 2)
    assert f"snooze:{rid}" not in service.scheduled()
    service.stop()
    assert [due.snoozed for due in rec.said(rid)] == [False, True]
    assert rec.kinds(rid) == ["spoken", "snoozed", "spoken"]


def test_snooze_survives_a_restart(
    data_home: Path, rec: Recorder, services: Callable[..., ReminderService]
) -> None:
    rid = add_at(data_home, soon(3))
    first = services()
    first.start()
    rec.wait_for("first time", lambda: bool(rec.said(rid)))
    first.snooze(minutes=3 / 60)
    first.stop()
    second = services()
    second.start()
    rec.wait_for("snoozed time after restart", lambda: len(rec.said(rid)) == 2)
    second.stop()
    assert rec.said(rid)[-1].snoozed


def test_done_is_recorded_and_closes_the_window(
    data_home: Path, rec: Recorder, services: Callable[..., ReminderService]
) -> None:
    rid = add_at(data_home, soon(3))
    service = services()
    service.start()
    rec.wait_for("spoken", lambda: bool(rec.said(rid)))
    assert service.window_open()
    done = service.done()
    assert done is not None and done.id == rid
    assert not service.window_open()
    assert service.done() is None
    service.stop()
    assert rec.kinds(rid) == ["spoken", "done"]


def test_window_closes_after_its_seconds_and_then_snooze_does_nothing(
    data_home: Path, rec: Recorder, services: Callable[..., ReminderService]
) -> None:
    offset = [timedelta()]
    zone = NO_DEFAULTS.zone()
    rid = add_at(data_home, soon(3))
    service = services(clock=lambda: datetime.now(zone) + offset[0])
    service.start()
    rec.wait_for("spoken", lambda: bool(rec.said(rid)))
    assert service.window_open()
    offset[0] = timedelta(seconds=NO_DEFAULTS.window_seconds + 1)
    assert not service.window_open()
    assert service.snooze() is None
    assert service.dismiss() is None
    service.stop()
    assert rec.kinds(rid) == ["spoken"]


def test_list_today_has_the_remaining_reminders_and_snoozes(
    data_home: Path, rec: Recorder, services: Callable[..., ReminderService]
) -> None:
    zone = NO_DEFAULTS.zone()
    fixed = [datetime.now(zone)]
    rid = add_at(data_home, soon(3))
    service = services(clock=lambda: fixed[0])
    service.start()
    assert [u.id for u in service.list_today()] in ([rid], [])  # [] if midnight is 3 s away
    rec.wait_for("spoken", lambda: bool(rec.said(rid)))
    fixed[0] = datetime.now(zone)
    service.snooze(minutes=60)
    today = service.list_today()
    service.stop()
    assert all(u.at >= fixed[0] for u in today)
    snoozed = [u for u in today if u.snoozed]
    if fixed[0].date() == (fixed[0] + timedelta(minutes=60)).date():
        assert [(u.id, u.text) for u in snoozed] == [(rid, "Short walk")]


def test_list_today_leaves_out_what_quiet_hours_would_hold_back(
    data_home: Path, services: Callable[..., ReminderService]
) -> None:
    settings = ReminderSettings(timezone="Europe/London")
    zone = settings.zone()
    catalog = ReminderCatalog(settings, DefinitionStore(data_home / DEFINITIONS_FILE))
    catalog.add("23:00", "Too late")
    catalog.add("16:30", "Walk")
    service = services(settings, clock=lambda: datetime(2025, 6, 1, 14, 10, tzinfo=zone))
    today = [(u.at.strftime("%H:%M"), u.kind, u.text) for u in service.list_today()]
    assert today == [
        ("15:00", "hydration", ""), ("16:30", "custom", "Walk"), ("17:00", "hydration", ""),
        ("19:00", "hydration", ""), ("20:30", "footbath", ""), ("21:00", "hydration", ""),
        ("22:00", "stretch", ""),
    ]


def test_changes_apply_while_running_without_restart(
    data_home: Path, rec: Recorder, services: Callable[..., ReminderService]
) -> None:
    service = services()
    service.start()
    assert service.scheduled() == {}
    rid = add_at(data_home, soon(3))
    rec.wait_for("added reminder spoken", lambda: bool(rec.said(rid)))
    store = DefinitionStore(data_home / DEFINITIONS_FILE)
    ReminderCatalog(NO_DEFAULTS, store).set_enabled(rid, False)
    eventually("re-synced", lambda: store.applied() == store.generation())
    assert rid not in service.scheduled()
    service.stop()


def test_config_reminder_switched_off_is_unscheduled(
    data_home: Path, rec: Recorder, services: Callable[..., ReminderService]
) -> None:
    settings = ReminderSettings()
    service = services(settings)
    service.start()
    assert "footbath" in service.scheduled()
    store = DefinitionStore(data_home / DEFINITIONS_FILE)
    ReminderCatalog(settings, store).set_enabled("footbath", False)
    eventually("re-synced", lambda: store.applied() == store.generation())
    assert sorted(service.scheduled()) == ["hydration", "stretch"]
    service.apply(ReminderSettings(enabled=False))
    assert service.scheduled() == {}
    service.stop()


def test_job_store_that_is_not_a_database_is_moved_aside_and_rebuilt(
    data_home: Path, services: Callable[..., ReminderService], caplog: pytest.LogCaptureFixture
) -> None:
    store = data_home / JOB_STORE_FILE
    store.write_bytes(b"not sqlite at all\n" * 50)
    service = services(ReminderSettings())
    with caplog.at_level(logging.WARNING, logger="scheduler"):
        service.start()
    assert sorted(service.scheduled()) == ["footbath", "hydration", "stretch"]
    service.stop()
    (moved,) = data_home.glob(f"{JOB_STORE_FILE}.corrupt-*")
    assert moved.read_bytes() == b"not sqlite at all\n" * 50
    assert "is not a usable job store" in caplog.text and str(moved) in caplog.text


def test_a_second_service_on_the_same_data_directory_is_refused(
    services: Callable[..., ReminderService],
) -> None:
    first = services()
    first.start()
    second = services()
    with pytest.raises(ServiceLockedError, match="already scheduled by another process"):
        second.start()
    first.stop()
    second.start()
    assert second.running
    second.stop()
