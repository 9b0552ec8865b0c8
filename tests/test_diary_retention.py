"""Diary retention: rows older than the configured days go, newer ones stay (real SQLite)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cramp_common.validate import SettingError
from skill.assistant import Assistant
from skill.config import parse_config
from skill.dialogue.diary import Diary
from skill.dialogue.retention import DAY, prune_diary
from skill.dialogue.settings import DialogueSettings

NOW = 2_000_000_000.0


def test_prune_deletes_only_what_is_older_than_the_retention(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    with Diary(path) as diary:
        for age_days in (400, 366, 364, 1):
            ts = NOW - age_days * DAY
            row = diary.start_episode(ts, "calf")
            diary.end_episode(row, ts + 60, "passed", [])
            diary.log("heard", {"text": f"{age_days} days ago"}, ts)
        # The diary stays open, as the server's does, while the prune runs beside it.
        assert prune_diary(path, 365, NOW) == (2, 2)
        kept = sorted(round((NOW - e.start) / DAY) for e in diary.recent_episodes())
        assert kept == [1, 364]
        assert len(diary.recent_events()) == 2
        assert diary.start_episode(NOW, "calf") > 0  # still writable


def test_retention_defaults_to_a_year_and_is_checked() -> None:
    assert DialogueSettings.from_dict({}).diary_retention_days == 365
    assert DialogueSettings.from_dict({"diary_retention_days": 30}).diary_retention_days == 30
    with pytest.raises(SettingError) as info:
        DialogueSettings.from_dict({"diary_retention_days": 0})
    assert info.value.key == "diary_retention_days"


def test_assistant_prunes_the_diary_when_it_starts(data_home: Path) -> None:
    now = time.time()
    with Diary(data_home / "history.db") as diary:
        diary.start_episode(now - 40 * DAY, "calf")
        recent = diary.start_episode(now - 5 * DAY, "calf")
    config, _ = parse_config(
        "[reminders]\nenabled = false\n[speech]\nengine = \"none\"\n"
        "[dialogue]\ndiary_retention_days = 30\n"
    )
    assistant = Assistant(config, listen=False)
    assistant.start()
    try:
        assert [e.id for e in assistant.diary.recent_episodes()] == [recent]
    finally:
        assistant.stop()
