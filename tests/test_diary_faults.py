"""The diary under storage faults: a full disk (real tmpfs) mid-episode, a damaged file."""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from skill.dialogue.diary import Diary
from skill.dialogue.episode import EpisodeTracker
from tests.storage_support import fill_up, small_disk
from tests.test_storage_locked import locked_by_another_process

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


def _kept_in(caplog: pytest.LogCaptureFixture) -> Path:
    (line,) = [r.getMessage() for r in caplog.records if "they are kept in" in r.getMessage()]
    return Path(line.split("they are kept in ", 1)[1].split(" and written", 1)[0])


def _closed_with_one_entry_waiting_on_a_lock(path: Path, caplog: pytest.LogCaptureFixture) -> Path:
    """A diary closed while another process locks it, one entry still waiting: the kept file."""
    diary = Diary(path)
    diary.log("heard", {"text": "my calf"}, 100.0)
    with locked_by_another_process(path):
        diary.log("heard", {"text": "it's easing"}, 110.0)
        assert diary.pending == 1
        with caplog.at_level(logging.WARNING):
            diary.close()
    return _kept_in(caplog)


def _heard(path: Path) -> list[str]:
    """What the diary at `path`, opened again, says was heard (newest first)."""
    with Diary(path) as reopened:
        return [e.data["text"] for e in reopened.recent_events(kind="heard")]


def test_entries_waiting_at_exit_on_a_full_disk_are_kept_elsewhere_and_written_at_next_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with small_disk(tmp_path / "disk") as disk:
        diary = Diary(disk / "history.db")
        diary.log("heard", {"text": "my calf"}, 100.0)
        filler = fill_up(disk)
        row = diary.start_episode(110.0, "calf")
        diary.log("heard", {"text": BIG}, 110.0)
        diary.end_episode(row, 130.0, "passed", ["first_aid.calf.straighten"])
        assert diary.pending == 3
        with caplog.at_level(logging.WARNING):
            diary.close()  # the disk is still full at exit
        kept = _kept_in(caplog)
        assert kept.is_file() and disk not in kept.parents  # said where, and off the full disk
        filler.unlink()
        with Diary(disk / "history.db") as reopened:
            heard = [e.data["text"] for e in reopened.recent_events(kind="heard")]
            episodes = [(e.muscle, e.outcome, e.steps) for e in reopened.recent_episodes()]
    assert heard == [BIG, "my calf"]
    assert episodes == [("calf", "passed", ["first_aid.calf.straighten"])]
    assert not kept.exists()


def test_entries_waiting_at_exit_on_a_locked_diary_are_written_at_next_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "history.db"
    kept = _closed_with_one_entry_waiting_on_a_lock(path, caplog)
    assert kept.parent == tmp_path  # a lock leaves the directory writable: kept beside it
    assert _heard(path) == ["it's easing", "my calf"] and not kept.exists()


def test_a_session_kept_in_memory_for_a_locked_diary_is_written_at_next_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "history.db"
    with Diary(path) as first:
        first.end_episode(first.start_episode(10.0, "foot"), 20.0, "passed", [])
    with closing(sqlite3.connect(path)) as db:  # e.g. restored from a backup: not in WAL mode,
        db.execute("PRAGMA journal_mode=DELETE")  # so a lock keeps the diary from opening
    with locked_by_another_process(path):
        diary = Diary(path)  # cannot open the file: the session goes on in memory
        assert diary.in_memory
        diary.log("heard", {"text": "my calf"}, 100.0)
        diary.end_episode(diary.start_episode(100.0, "calf"), 130.0, "passed", [])
        with caplog.at_level(logging.WARNING):
            diary.close()
    kept = _kept_in(caplog)
    with Diary(path) as reopened:
        heard = [e.data["text"] for e in reopened.recent_events(kind="heard")]
        muscles = [e.muscle for e in reopened.recent_episodes()]
    assert heard == ["my calf"] and muscles == ["calf", "foot"] and not kept.exists()


def test_waiting_entries_found_twice_are_written_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "history.db"
    kept = _closed_with_one_entry_waiting_on_a_lock(path, caplog)
    copy = kept.read_bytes()
    Diary(path).close()  # e.g. the admin page opened the diary first and merged it
    kept.write_bytes(copy)  # ... while `run`, opening at the same moment, still saw the file
    assert _heard(path) == ["it's easing", "my calf"] and not kept.exists()


def test_a_waiting_episode_whose_number_was_taken_meanwhile_keeps_its_own_row(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "history.db"
    diary = Diary(path)
    diary.log("heard", {"text": "hello"}, 1.0)
    with locked_by_another_process(path):
        row = diary.start_episode(100.0, "calf")
        diary.end_episode(row, 130.0, "passed", ["first_aid.calf.straighten"])
        with caplog.at_level(logging.WARNING):
            diary.close()
    with closing(sqlite3.connect(path)) as db, db:  # another writer took the same number
        db.execute("INSERT INTO episodes (id, start, muscle, outcome) VALUES (?, 50, 'foot',"
                   " 'stopped')", (row,))
    with Diary(path) as reopened:
        episodes = [(e.muscle, e.outcome, e.steps) for e in reopened.recent_episodes()]
    assert episodes == [("calf", "passed", ["first_aid.calf.straighten"]),
                        ("foot", "stopped", [])]
