"""The diary under storage faults: a full disk (real tmpfs) mid-episode, a damaged file."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from skill.dialogue.diary import Diary
from skill.dialogue.episode import EpisodeTracker
from tests.storage_support import fill_up, small_disk

BIG = "x" * 200_000
"""More than a full tmpfs can take, so the write surely fails."""


def test_a_full_disk_mid_episode_loses_nothing_once_space_is_freed(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as disk:
        diary = Diary(disk / "history.db")
        episodes = EpisodeTracker(diary)
        with diary.batch():
            episodes.touch(100.0, "calf", "")
            diary.log("heard", {"text": "my calf"}, 100.0)
        filler = fill_up(disk)
        with diary.batch():  # the disk is full: this turn waits instead of failing
            diary.log("heard", {"text": BIG}, 110.0)
            episodes.add_step("first_aid.calf.straighten")
        assert diary.pending > 0
        assert f"free space on {disk}" in diary.problem and "move" not in diary.problem
        assert [e.muscle for e in diary.recent_episodes()] == ["calf"]  # turn one kept
        filler.unlink()
        episodes.close(130.0, "passed")  # the next write also writes what waited
        assert diary.pending == 0 and diary.problem == ""
        diary.close()
        with Diary(disk / "history.db") as reopened:
            (episode,) = reopened.recent_episodes()
            heard = [e.data["text"] for e in reopened.recent_events(kind="heard")]
    assert (episode.outcome, episode.steps) == ("passed", ["first_aid.calf.straighten"])
    assert heard == [BIG, "my calf"]


def test_a_damaged_diary_is_kept_and_the_session_goes_on_in_memory(tmp_path: Path) -> None:
    path = tmp_path / "history.db"
    garbage = bytes(range(256)) * 8
    path.write_bytes(garbage)
    with Diary(path) as diary:
        diary.log("heard", {"text": "my calf"}, 1.0)
        row = diary.start_episode(1.0, "calf")
        diary.end_episode(row, 2.0, "passed", [])
        assert diary.in_memory
        assert f"move it aside (e.g. to {path}.damaged)" in diary.problem
        assert [e.data for e in diary.recent_events()] == [{"text": "my calf"}]
    assert path.read_bytes() == garbage


def test_a_full_disk_is_said_once_in_the_log_however_many_entries_wait(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with small_disk(tmp_path / "disk") as disk:
        diary = Diary(disk / "history.db")
        diary.log("heard", {"text": "my calf"}, 100.0)
        filler = fill_up(disk)
        with caplog.at_level(logging.WARNING):
            for second in range(5):
                diary.log("heard", {"text": BIG}, 110.0 + second)
        assert diary.pending == 5 and "5 entries wait" in diary.problem
        filler.unlink()
        diary.log("heard", {"text": "better"}, 120.0)
        diary.close()
    said = [r.getMessage() for r in caplog.records if "cramp diary" in r.getMessage()]
    assert len(said) == 1 and f"free space on {disk}" in said[0], said
