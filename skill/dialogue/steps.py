"""Saying flow steps: the red-flag checks, hold counts, the disclaimer once, and 'repeat'."""

from __future__ import annotations

from skill.dialogue import keys
from skill.dialogue.episode import EpisodeTracker
from skill.dialogue.flows import Step
from skill.dialogue.plan import Plan
from skill.dialogue.replies import Replies
from skill.dialogue.state import DialogueState

SLOW_SETTLE_SECONDS = 5.0
"""With 'slower', time to get into position before the count starts (realtime only)."""


class StepSayer:
    """Puts steps into a plan and records first-aid steps in the open episode."""

    def __init__(self, replies: Replies, episodes: EpisodeTracker, state: DialogueState,
                 count_aloud: bool) -> None:
        self.replies = replies
        self.episodes = episodes
        self.state = state
        self.count_aloud = count_aloud

    def say_steps(self, plan: Plan, steps: list[Step]) -> None:
        plan.repeat = steps
        for step in steps:
            self.say_step(plan, step)

    def say_again(self, plan: Plan) -> None:
        """'repeat': the last steps re-counted, or the last sentences verbatim."""
        plan.repeat = self.state.repeat
        if not self.state.repeat:
            self.replies.say(plan, keys.NOTHING_TO_REPEAT)
            return
        plan.stop(self.state.flow_name)
        for item in self.state.repeat:
            if isinstance(item, Step):
                self.say_step(plan, item)
            else:
                plan.say(item.key, item.text)

    def say_step(self, plan: Plan, step: Step) -> None:
        self.replies.say(plan, step.key)
        cursor = self.state.cursor
        if cursor is not None and cursor.first_aid:
            self.episodes.add_step(step.key)
        if not step.hold or not self.count_aloud:
            return
        self.replies.say(plan, keys.COUNT_START)
        if self.state.slow:
            plan.pause(SLOW_SETTLE_SECONDS)
        for seconds, key in sorted(keys.COUNT.items()):
            if seconds <= step.hold:
                plan.pause(10)
                self.replies.say(plan, key)
        self.replies.say(plan, keys.COUNT_RELAX)

    def disclaim(self, plan: Plan) -> None:
        if not self.state.disclaimer_said:
            self.state.disclaimer_said = True
            self.replies.say(plan, keys.DISCLAIMER)
