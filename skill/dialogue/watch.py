"""The open episode over time: the idle close, the cramp timer, the frequent-cramps note."""

from __future__ import annotations

from skill.dialogue import keys
from skill.dialogue.episode import EpisodeTracker
from skill.dialogue.notes import FrequentCrampsNote
from skill.dialogue.plan import Plan
from skill.dialogue.replies import Replies
from skill.dialogue.settings import DialogueSettings
from skill.dialogue.state import DialogueState


class EpisodeWatch:
    """What the clock alone makes the dialogue say or close."""

    def __init__(self, episodes: EpisodeTracker, replies: Replies, settings: DialogueSettings,
                 note: FrequentCrampsNote) -> None:
        self.episodes = episodes
        self.replies = replies
        self.settings = settings
        self.note = note

    def close_idle(self, now: float, state: DialogueState) -> None:
        """Close an episode nobody has mentioned for a long while (it passed, or they slept)."""
        closed = self.episodes.close_if_idle(now)
        if closed and state.cursor is not None and state.cursor.first_aid:
            state.cursor = None

    def overdue(self, now: float) -> bool:
        """The open episode has lasted the timer's minutes (a cramp over ten minutes)."""
        episode = self.episodes.current
        minutes = self.settings.escalate_after_minutes
        return episode is not None and now - episode.start >= minutes * 60

    def check_timer(self, now: float, plan: Plan) -> None:
        """Say once that an episode still going after N minutes needs urgent advice."""
        minutes = self.settings.escalate_after_minutes
        if self.episodes.timer_due(now, minutes * 60):
            self.replies.say(plan, keys.ESCALATION_TIMER, minutes=minutes)
            self.replies.say_level(plan, "urgent")  # the same urgent line as a red flag

    def frequent_note(self, now: float, plan: Plan) -> None:
        if self.note.due(now, self.episodes.started):
            self.replies.say(plan, keys.FREQUENT_CRAMPS)
