"""Reminder-service fixtures for every reminder test file (a pytest plugin, see conftest.py):
a Recorder of what the service does, and services on it in the test's data home."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from scheduler.service import ReminderService
from scheduler.settings import ReminderSettings
from tests.test_reminders_service import NO_DEFAULTS, Recorder, ServiceMaker


@pytest.fixture
def rec() -> Recorder:
    return Recorder()


@pytest.fixture
def services(data_home: Path, rec: Recorder) -> Iterator[Callable[..., ReminderService]]:
    maker = ServiceMaker(rec)

    def make(settings: ReminderSettings = NO_DEFAULTS, **kwargs: Any) -> ReminderService:
        return maker.make(settings, data_home, **kwargs)

    yield make
    maker.stop_all()
