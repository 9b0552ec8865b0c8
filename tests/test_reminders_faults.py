"""Reminders under faults: heard only after playback, said again after a restart when they were not,
kept across a restart while a flow holds them, and scheduled on through a full disk (real tmpfs)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from scheduler.ledger import LEDGER_FILE
from scheduler.service import ReminderService
from tests.storage_support import fill_up, small_disk
from tests.test_reminders_service import (
    DEADLINE,
    NO_DEFAULTS,
    Recorder,
    ServiceMaker,
    add_at,
    soon,
    wait_past,
)


@pytest.fixture
def services(rec: Recorder) -> Iterator[Callable[..., ReminderService]]:
    """Services that only count a reminder as spoken once heard() says so."""
    maker = ServiceMaker(rec)

    def make(home: Path, **kwargs: Any) -> ReminderService:
        return maker.make(NO_DEFAULTS, home, confirm_heard=True, **kwargs)

    yield make
    maker.stop_all()


def states(home: Path) -> list[str]:
    with closing(sqlite3.connect(home / LEDGER_FILE)) as db:
        return [row[0] for row in db.execute("SELECT state FROM deliveries")]


def test_reminder_cut_before_it_was_heard_is_said_again_after_a_restart(
    data_home: Path, rec: Recorder, services: Callable[..., ReminderService]
) -> None:
    rid = add_at(data_home, soon(2))
    first = services(data_home)
    first.start()
    rec.wait_for("first saying", lambda: len(rec.said(rid)) == 1)
    first.heard(rec.said(rid)[0], False)  # shutdown cut it mid-sentence
    first.stop()
    assert "spoken" not in rec.kinds(rid)
    second = services(data_home)
    second.start()
    rec.wait_for("said again", lambda: len(rec.said(rid)) == 2)
    second.heard(rec.said(rid)[1], True)
    second.stop()
    assert rec.kinds(rid) == ["cut", "spoken"]
    assert states(data_home) == ["heard"]


def test_reminder_heard_in_full_is_not_said_again_after_a_restart(
    data_home: Path, rec: Recorder, services: Callable[..., ReminderService]
) -> None:
    rid = add_at(data_home, soon(2))
    first = services(data_home)
    first.start()
    rec.wait_for("said", lambda: bool(rec.said(rid)))
    first.heard(rec.said(rid)[0], True)
    first.stop()
    second = services(data_home)
    second.start()
    redo = second._redo  # the thread that says again what was not heard
    assert redo is not None
    redo.join(DEADLINE)
    second.stop()
    assert len(rec.said(rid)) == 1
    assert rec.kinds(rid) == ["spoken"]


def test_reminder_waiting_for_a_flow_survives_a_restart(
    data_home: Path, rec: Recorder, services: Callable[..., ReminderService]
) -> None:
    due_at = soon(2)
    rid = add_at(data_home, due_at)
    rec.set_busy(True)
    first = services(data_home)
    first.start()
    wait_past(due_at)
    rec.wait_for("waiting for the flow", lambda: rec.busy_calls > 0)
    first.stop()
    assert "missed" not in rec.kinds(rid) and rec.said(rid) == []
    rec.set_busy(False)
    second = services(data_home)
    second.start()
    rec.wait_for("said after the restart", lambda: bool(rec.said(rid)))
    second.heard(rec.said(rid)[0], True)
    second.stop()
    assert len(rec.said(rid)) == 1 and rec.kinds(rid) == ["spoken"]


def test_scheduling_goes_on_when_the_disk_fills_up(
    tmp_path: Path, rec: Recorder, services: Callable[..., ReminderService]
) -> None:
    with small_disk(tmp_path / "disk") as disk:
        first, second = soon(3), soon(6)
        ids = [add_at(disk, first, "Walk"), add_at(disk, second, "Drink")]
        service = services(disk)
        service.start()
        filler = fill_up(disk)
        for rid in ids:
            rec.wait_for(f"{rid} said on a full disk", lambda rid=rid: bool(rec.said(rid)))
            service.heard(rec.said(rid)[0], True)
        problems = service.problems
        assert service.scheduled(), "the schedule was lost"
        service.stop()
        filler.unlink()
    assert [len(rec.said(rid)) for rid in ids] == [1, 1]
    assert any(f"free space on {disk}" in line for line in problems), problems
    assert not any("move" in line for line in problems)
