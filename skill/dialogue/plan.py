"""The whole effect of one turn: speech to cut, a reminder to dismiss, then what to say."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from skill.dialogue.flows import Step
from skill.interfaces import Speaker


@dataclass(frozen=True)
class Said:
    key: str
    text: str


@dataclass(frozen=True)
class Pause:
    seconds: float


class Dismissable(Protocol):
    """The part of the reminder service a plan acts on ('stop' closes its voice window)."""

    def dismiss(self) -> object | None: ...


@dataclass
class Plan:
    """Built by the dialogue for one turn and executed by its caller: printed, or carried out."""

    items: list[Said | Pause] = field(default_factory=list)
    stops: list[str] = field(default_factory=list)
    """Speaker flows to cut before anything is said, in order; '' cuts everything."""
    dismiss_reminder: bool = False
    """Close the voice window of the reminder just spoken ('stop' while it was open)."""
    repeat: list[Step] | list[Said] | None = None
    """What 'repeat' says after this turn when not simply this turn's sentences (flow steps)."""

    def say(self, key: str, text: str) -> None:
        self.items.append(Said(key, text))

    def pause(self, seconds: float) -> None:
        self.items.append(Pause(seconds))

    def stop(self, flow: str = "") -> None:
        self.stops.append(flow)

    @property
    def sentences(self) -> list[str]:
        return [item.text for item in self.items if isinstance(item, Said)]

    @property
    def keys(self) -> list[str]:
        return [item.key for item in self.items if isinstance(item, Said)]

    @property
    def paused_seconds(self) -> float:
        return sum(item.seconds for item in self.items if isinstance(item, Pause))

    def execute(self, speaker: Speaker | None, reminders: Dismissable | None, flow: str,
                realtime: bool, on_done: Callable[[bool], None] | None = None) -> None:
        """Cut speech, dismiss the reminder, then queue the sentences under `flow`."""
        if speaker is not None:
            for stopped in self.stops:
                speaker.stop(stopped)
        if self.dismiss_reminder and reminders is not None:
            reminders.dismiss()
        if speaker is not None and self.items:
            self.send(speaker, flow, realtime, on_done)

    def send(self, speaker: Speaker, flow: str, realtime: bool,
             on_done: Callable[[bool], None] | None = None) -> None:
        """Queue on `speaker`; pauses only when real timing is wanted. `on_done` goes with the
        last sentence: told whether the whole turn was heard."""
        last = max((i for i, item in enumerate(self.items) if isinstance(item, Said)), default=-1)
        for index, item in enumerate(self.items):
            if isinstance(item, Said):
                if index == last and on_done is not None:
                    speaker.say(item.text, key=item.key, flow=flow, on_done=on_done)
                else:
                    speaker.say(item.text, key=item.key, flow=flow)
            elif realtime:
                speaker.pause(item.seconds, flow=flow)
