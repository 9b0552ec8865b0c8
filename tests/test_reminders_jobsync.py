"""JobSync.changed: an edit by another process is seen; an untouched store is not even queried."""

from __future__ import annotations

from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from scheduler import jobsync
from scheduler.catalog import ReminderCatalog
from scheduler.definitions import DefinitionStore
from scheduler.in_effect import InEffect
from scheduler.jobsync import JobSync
from scheduler.settings import ReminderSettings


def test_an_edit_from_another_process_is_seen_and_an_untouched_store_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "reminders.sqlite"
    in_effect = InEffect.of(ReminderSettings(timezone="Europe/London"), DefinitionStore(path))
    sync = JobSync(lambda: in_effect)
    scheduler = BackgroundScheduler(timezone="Europe/London")
    scheduler.start(paused=True)
    try:
        sync.sync(scheduler)
        reads: list[int] = []
        store = in_effect.store
        generation = store.generation

        def counted() -> int:
            reads.append(1)
            return generation()

        monkeypatch.setattr(store, "generation", counted)
        assert not sync.changed()
        assert not sync.changed() and not sync.changed()
        assert len(reads) == 1, "an untouched store was queried again"
        # the CLI or the admin page: another connection to the same file
        ReminderCatalog(in_effect.settings, DefinitionStore(path)).add("16:00", "Short walk")
        assert sync.changed()
        for _ in range(jobsync.FULL_CHECK_EVERY):  # and it is asked now and then regardless
            sync.changed()
        assert len(reads) >= 3
    finally:
        scheduler.shutdown(wait=False)
