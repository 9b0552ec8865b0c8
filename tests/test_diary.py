"""The cramp diary on a real SQLite file: events, episodes, nights, CSV rows, threads."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from cramp_common.paths import data_dir
from skill.dialogue.diary import FILENAME, Diary, episode_csv_rows, event_csv_rows
from skill.dialogue.timeutil import in_quiet_hours, night_of

EVENING = datetime(2026, 11, 20, 23, 0, tzinfo=UTC).timestamp()
DAY = 86_400


@pytest.fixture
def diary(tmp_path: Path) -> Iterator[Diary]:
    with Diary(tmp_path / "history.db") as opened:
        yield opened


def test_default_file_is_history_db_in_the_data_directory(data_home: Path) -> None:
    with Diary() as diary:
        diary.log("heard", {"text": "hello"}, 1.0)
    assert (data_dir() / FILENAME).exists()
    assert data_dir() == data_home
    rows = sqlite3.connect(data_home / FILENAME).execute("SELECT kind, data FROM events").fetchall()
    assert rows == [("heard", '{"text": "hello"}')]


def test_events_come_back_newest_first_with_their_data(diary: Diary) -> None:
    diary.log("heard", {"text": "my calf"}, 10.0)
    diary.log("intent", {"intent": "cramp.calf", "slots": {}}, 11.0)
    diary.log("spoken", {"key": "reassure.open", "text": "Cramps usually pass."}, 12.0)
    events = diary.recent_events(2)
    assert [e.kind for e in events] == ["spoken", "intent"]
    assert events[1].data == {"intent": "cramp.calf", "slots": {}}
    assert [e.kind for e in diary.recent_events(10, kind="heard")] == ["heard"]


def test_unknown_event_kind_is_refused(diary: Diary) -> None:
    with pytest.raises(ValueError, match="unknown event kind"):
        diary.log("gossip", {}, 1.0)


def test_episode_start_steps_end(diary: Diary) -> None:
    row = diary.start_episode(100.0, "calf", "left")
    diary.update_episode(row, ["first_aid.calf.straighten"])
    (open_episode,) = diary.recent_episodes()
    assert (open_episode.end, open_episode.outcome, open_episode.side) == (None, "", "left")
    diary.end_episode(row, 190.0, "passed", ["first_aid.calf.straighten", "first_aid.calf.rub"])
    (episode,) = diary.recent_episodes()
    assert episode.end == 190.0
    assert episode.outcome == "passed"
    assert episode.steps == ["first_aid.calf.straighten", "first_aid.calf.rub"]


def test_a_three_am_cramp_belongs_to_the_night_before() -> None:
    three_am = datetime(2026, 11, 21, 3, 0, tzinfo=UTC).timestamp()
    assert night_of(three_am, UTC) == date(2026, 11, 20)
    assert night_of(EVENING, UTC) == date(2026, 11, 20)


def test_episodes_per_night_counts_each_night_and_fills_gaps(diary: Diary) -> None:
    diary.start_episode(EVENING, "calf")
    diary.start_episode(EVENING + 4 * 3600, "foot")
    diary.start_episode(EVENING - 2 * DAY, "calf")
    per_night = diary.episodes_per_night(7, EVENING + 5 * 3600, UTC)
    assert len(per_night) == 7
    assert per_night[-1] == (date(2026, 11, 20), 2)
    assert per_night[-3] == (date(2026, 11, 18), 1)
    assert sum(count for _, count in per_night) == 3
    assert diary.nights_with_episodes(7, EVENING + 5 * 3600, UTC) == 2


def test_episode_counts_for_a_date_range(diary: Diary) -> None:
    for night in range(4):
        diary.start_episode(EVENING - night * DAY, "calf")
    counts = diary.episode_counts(date(2026, 11, 10), date(2026, 11, 20), UTC)
    assert len(counts) == 11
    assert [counts[date(2026, 11, d)] for d in (16, 17, 18, 19, 20)] == [0, 1, 1, 1, 1]


@pytest.mark.parametrize(("nights", "frequent"), [(2, False), (3, True), (5, True)])
def test_frequent_cramps_means_three_of_the_last_seven_nights(
    diary: Diary, nights: int, frequent: bool
) -> None:
    for night in range(nights):
        diary.start_episode(EVENING - night * 2 * DAY, "calf")
    assert diary.frequent_cramps(EVENING + 12 * 3600, UTC) is frequent


def test_old_nights_do_not_count_as_frequent(diary: Diary) -> None:
    for night in range(3):
        diary.start_episode(EVENING - (10 + night) * DAY, "calf")
    assert not diary.frequent_cramps(EVENING, UTC)


def test_last_spoken_finds_a_reply_key(diary: Diary) -> None:
    assert diary.last_spoken("advice.frequent_cramps") is None
    diary.log("spoken", {"key": "advice.frequent_cramps", "text": "..."}, 50.0)
    diary.log("spoken", {"key": "disclaimer", "text": "..."}, 60.0)
    assert diary.last_spoken("advice.frequent_cramps") == 50.0


def test_csv_rows_have_a_header_and_local_times(diary: Diary) -> None:
    row = diary.start_episode(EVENING, "calf", "right")
    diary.end_episode(row, EVENING + 120, "passed", ["first_aid.calf.straighten"])
    diary.log("heard", {"text": "ow, my calf, \"help\""}, EVENING)
    episodes = list(episode_csv_rows(diary, UTC))
    assert episodes[0] == ["start", "end", "muscle", "side", "steps", "outcome"]
    assert episodes[1] == ["2026-11-20T23:00:00+00:00", "2026-11-20T23:02:00+00:00", "calf",
                           "right", "first_aid.calf.straighten", "passed"]
    events = list(event_csv_rows(diary, UTC))
    assert events[1][:2] == ["2026-11-20T23:00:00+00:00", "heard"]


def test_many_threads_can_write_at_once(diary: Diary) -> None:
    def write(n: int) -> None:
        for i in range(50):
            diary.log("reminder", {"thread": n, "i": i}, float(i))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(diary.recent_events(1000)) == 200


def test_reopening_keeps_what_was_written(tmp_path: Path) -> None:
    with Diary(tmp_path / "h.db") as first:
        first.start_episode(1.0, "foot")
    with Diary(tmp_path / "h.db") as second:
        assert [e.muscle for e in second.recent_episodes()] == ["foot"]


@pytest.mark.parametrize(("hour", "quiet"), [(23, True), (3, True), (7, True), (8, False),
                                             (14, False), (22, False)])
def test_quiet_hours_wrap_past_midnight(hour: int, quiet: bool) -> None:
    assert in_quiet_hours(time(hour, 45), time(22, 50), time(7, 50)) is quiet
