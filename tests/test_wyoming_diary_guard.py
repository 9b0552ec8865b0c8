"""What Wyoming clients may write to the real diary: a budget per hour and per minute, bounded."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

from skill.dialogue.diary import Diary, episode_csv_rows
from skill.wyoming_service.diary_guard import MAX_EVENT_TEXT, GuardedDiary


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def guarded(
    tmp_path: Path, episodes: int = 2, events: int = 5
) -> tuple[GuardedDiary, Diary, Clock]:
    diary = Diary(tmp_path / "history.db")
    clock = Clock()
    return GuardedDiary(diary, episodes, events, clock), diary, clock


def test_episodes_over_the_hourly_budget_are_not_recorded(tmp_path: Path) -> None:
    guard, diary, clock = guarded(tmp_path, episodes=2, events=100)
    rows = [guard.start_episode(1000.0 + i, "calf") for i in range(5)]
    assert rows[2:] == [0, 0, 0]
    for row in rows:  # what the episode tracker does next with every row it was given
        guard.update_episode(row, ["first_aid.calf.straighten"])
        guard.end_episode(row, 2000.0, "passed", ["first_aid.calf.straighten"])
        guard.log("episode", {"episode": row, "event": "end"}, 2000.0)
    episodes = diary.recent_episodes()
    assert sorted(e.id for e in episodes) == sorted(rows[:2])
    assert all(e.outcome == "passed" for e in episodes)
    assert len(diary.recent_events(kind="episode")) == 2
    clock.now = 3600.0  # an hour later the budget is back
    assert guard.start_episode(5000.0, "calf") != 0
    diary.close()


def test_events_over_the_minute_budget_are_dropped_and_text_is_bounded(tmp_path: Path) -> None:
    guard, diary, clock = guarded(tmp_path, events=5)
    for i in range(20):
        guard.log("heard", {"text": "x" * 100_000, "n": i}, 1000.0 + i)
    events = diary.recent_events(limit=100)
    assert len(events) == 5
    assert all(len(e.data["text"]) == MAX_EVENT_TEXT for e in events)
    clock.now = 60.0
    assert guard.log("heard", {"text": "again"}, 2000.0) != 0
    diary.close()


def test_csv_for_the_doctor_holds_only_recorded_episodes(tmp_path: Path) -> None:
    guard, diary, _ = guarded(tmp_path, episodes=1)
    for i in range(4):
        guard.start_episode(1000.0 + i * 60, "calf")
    rows = list(episode_csv_rows(diary, UTC))
    assert len(rows) == 2  # the header and one episode
    diary.close()
