"""The cramp episode in progress: when it began, what was said, and its diary row."""

from __future__ import annotations

from dataclasses import dataclass, field

from skill.dialogue.diary import Diary

IDLE_CLOSE_SECONDS = 30 * 60
"""An episode nobody has spoken about for this long is closed as 'no_reply'."""


@dataclass
class Episode:
    start: float
    last_activity: float
    muscle: str
    side: str = ""
    steps: list[str] = field(default_factory=list)
    escalated: bool = False
    """The 'still going after N minutes' line has been said."""
    row: int | None = None
    """Diary row id, when there is a diary."""


class EpisodeTracker:
    """Opens, updates and closes the current episode and mirrors it in the diary."""

    def __init__(self, diary: Diary | None) -> None:
        self.diary = diary
        self.current: Episode | None = None
        self.started = 0
        """Episodes opened so far in this session."""

    def touch(self, now: float, muscle: str, side: str) -> bool:
        """Note activity in the episode, opening one if needed; True when a new one began."""
        episode = self.current
        if episode is not None:
            episode.last_activity = now
            if side and not episode.side:
                episode.side = side
            return False
        episode = Episode(start=now, last_activity=now, muscle=muscle, side=side)
        if self.diary is not None:
            episode.row = self.diary.start_episode(now, muscle, side)
            self.diary.log("episode", {"episode": episode.row, "event": "start",
                                       "muscle": muscle, "side": side}, now)
        self.current = episode
        self.started += 1
        return True

    def add_step(self, key: str) -> None:
        episode = self.current
        if episode is None or key in episode.steps:
            return
        episode.steps.append(key)
        if self.diary is not None and episode.row is not None:
            self.diary.update_episode(episode.row, episode.steps, episode.side)

    def close(self, end: float, outcome: str) -> None:
        episode, self.current = self.current, None
        if episode is None or self.diary is None or episode.row is None:
            return
        self.diary.end_episode(episode.row, end, outcome, episode.steps)
        self.diary.log("episode", {"episode": episode.row, "event": "end", "outcome": outcome,
                                   "muscle": episode.muscle, "side": episode.side,
                                   "seconds": round(end - episode.start)}, end)

    def close_if_idle(self, now: float) -> bool:
        episode = self.current
        if episode is not None and now - episode.last_activity > IDLE_CLOSE_SECONDS:
            self.close(episode.last_activity, "no_reply")
            return True
        return False

    def timer_due(self, now: float, after_seconds: float) -> bool:
        """True once, when the open episode has lasted `after_seconds`."""
        episode = self.current
        if episode is None or episode.escalated or now - episode.start < after_seconds:
            return False
        episode.escalated = True
        return True
