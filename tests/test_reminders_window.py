"""ReminderWindow on its own: what "done", "stop" and "later" do to the last spoken reminder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from scheduler.due import DueReminder
from scheduler.events import ReminderEvents
from scheduler.ledger import LEDGER_FILE
from scheduler.problems import Problems
from scheduler.tracker import DeliveryTracker
from scheduler.window import ReminderWindow

START = datetime(2025, 6, 1, 16, 0, tzinfo=UTC)


class Setup:
    """A window on a real ledger file, a settable clock and the events it records."""

    def __init__(self, home: Path) -> None:
        self.now = START
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.tracker = DeliveryTracker(home / LEDGER_FILE, Problems())
        events = ReminderEvents(lambda kind, data: self.events.append((kind, data)),
                                lambda: self.now)
        self.window = ReminderWindow(lambda: self.now, self.tracker, events)

    def spoken(self, reminder_id: str = "hydration", seconds: float = 60) -> DueReminder:
        due = DueReminder(reminder_id, "hydration", "", "reminder.hydration.prompt", self.now,
                          due=self.now)
        self.window.open(due, seconds)
        return due


@pytest.fixture
def setup(data_home: Path) -> Setup:
    return Setup(data_home)


def test_done_is_kept_in_the_ledger_and_recorded_once(setup: Setup) -> None:
    due = setup.spoken()
    assert setup.window.done() == due
    assert setup.window.done() is None
    assert due.occurrence is not None
    assert setup.tracker.ledger.state(due.occurrence) == "done"
    assert [kind for kind, _ in setup.events] == ["done"]


def test_a_newer_reminder_takes_the_window_over(setup: Setup) -> None:
    setup.spoken("hydration")
    newer = setup.spoken("stretch")
    assert setup.window.dismiss() == newer
    assert [(kind, data["id"]) for kind, data in setup.events] == [("dismissed", "stretch")]


def test_window_closes_after_its_seconds(setup: Setup) -> None:
    setup.spoken(seconds=30)
    setup.now += timedelta(seconds=29)
    assert setup.window.is_open()
    setup.now += timedelta(seconds=1)
    assert not setup.window.is_open()
    assert setup.window.done() is None and setup.events == []


def test_later_schedules_the_reminder_again_and_closes_the_window(setup: Setup) -> None:
    due = setup.spoken()
    scheduled: list[tuple[DueReminder, datetime]] = []
    when = setup.window.snooze(15, lambda d, at: scheduled.append((d, at)))
    assert when == START + timedelta(minutes=15)
    assert scheduled == [(due, when)]
    assert not setup.window.is_open()
    assert setup.events[0][0] == "snoozed" and setup.events[0][1]["minutes"] == 15


@pytest.mark.parametrize("minutes", [0, -5, 24 * 60 + 1])
def test_later_refuses_a_snooze_out_of_range_even_with_nothing_open(
    setup: Setup, minutes: float
) -> None:
    with pytest.raises(ValueError, match="snooze minutes"):
        setup.window.snooze(minutes, None)


def test_later_without_a_running_scheduler_leaves_the_window_open(setup: Setup) -> None:
    setup.spoken()
    assert setup.window.snooze(10, None) is None
    assert setup.window.is_open()
