"""What one turn says, in order: sentences with their reply keys, and timed pauses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from skill.interfaces import Speaker


@dataclass(frozen=True)
class Said:
    key: str
    text: str


@dataclass(frozen=True)
class Pause:
    seconds: float


@dataclass
class Plan:
    """Built by the conversation for one turn; printed, or queued on a Speaker."""

    items: list[Said | Pause] = field(default_factory=list)

    def say(self, key: str, text: str) -> None:
        self.items.append(Said(key, text))

    def pause(self, seconds: float) -> None:
        self.items.append(Pause(seconds))

    @property
    def sentences(self) -> list[str]:
        return [item.text for item in self.items if isinstance(item, Said)]

    @property
    def keys(self) -> list[str]:
        return [item.key for item in self.items if isinstance(item, Said)]

    @property
    def paused_seconds(self) -> float:
        return sum(item.seconds for item in self.items if isinstance(item, Pause))

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
