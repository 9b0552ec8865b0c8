"""The dialogue's memory between turns: one dataclass with named phases, the flow cursor and the
follow-up window."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from skill.dialogue.flows import Flow, Step
from skill.dialogue.plan import Said


class Phase(enum.Enum):
    """What the dialogue is waiting for; decides which follow-ups mean something."""

    IDLE = "idle"
    """Nothing under way: only addressed requests are answered."""
    IN_FLOW = "in_flow"
    """A guided or first-aid flow is open but its follow-up window has closed."""
    FOLLOW_UP = "follow_up"
    """Just spoke: 'next', 'repeat', 'stop', 'it has passed' need no wake word."""
    OFFERED = "offered"
    """After a reminder (or a 'see a doctor' line) that offered a flow: 'next' starts it."""


@dataclass
class FlowCursor:
    """Where the person is in one flow."""

    flow: Flow
    name: str
    """Flow id handed to the speaker, so stop/next can drop just this flow's queued items."""
    index: int = 0
    """Index of the step said last."""

    @property
    def first_aid(self) -> bool:
        return self.flow.kind == "first_aid"

    def advance(self) -> Step | None:
        """The next step, moving onto it; None after the last one."""
        if self.index + 1 >= len(self.flow.steps):
            return None
        self.index += 1
        return self.flow.steps[self.index]


@dataclass
class FollowUpWindow:
    """Until when a follow-up needs no wake word; opens after the words and holds, not before."""

    until: float = float("-inf")

    def open(self, now: float, seconds: float) -> None:
        self.until = now + seconds

    def close(self) -> None:
        self.until = float("-inf")

    def is_open(self, now: float) -> bool:
        return now <= self.until


Repeatable = list[Step] | list[Said]
"""What 'repeat' says again: flow steps (re-counted) or the last sentences verbatim."""


@dataclass
class DialogueState:
    """Everything one conversation remembers between turns (episodes live in EpisodeTracker)."""

    cursor: FlowCursor | None = None
    window: FollowUpWindow = field(default_factory=FollowUpWindow)
    offer: str | None = None
    """Flow 'next' starts when no flow is open (a reminder's routine, info.doctor)."""
    slow: bool = False
    """'slower' was asked in this flow: settle before counts, a longer window."""
    disclaimer_said: bool = False
    repeat: Repeatable = field(default_factory=list)
    flows_started: int = 0
    """Numbers each flow's speaker id, so a new flow never shares one with an old one."""

    def phase(self, now: float) -> Phase:
        if self.window.is_open(now):
            return Phase.FOLLOW_UP
        if self.cursor is not None:
            return Phase.IN_FLOW
        return Phase.OFFERED if self.offer else Phase.IDLE

    def start(self, flow: Flow) -> FlowCursor:
        self.offer = None
        self.flows_started += 1
        self.cursor = FlowCursor(flow, f"{flow.intent}#{self.flows_started}")
        return self.cursor

    def end_flow(self) -> None:
        self.cursor = None
        self.offer = None
        self.slow = False

    @property
    def flow_name(self) -> str:
        """The open flow's speaker id; '' when none."""
        return self.cursor.name if self.cursor else ""
