"""Speech out: one queue on one thread, pyttsx3 synthesis, our own stoppable playback."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from skill.speech.print_speaker import NullSpeaker, PrintSpeaker
from skill.speech.speech_queue import SpeechQueue
from skill.speech.spoken import OnSpoken, SpokenItem

if TYPE_CHECKING:
    from skill.config import Config

__all__ = ["NullSpeaker", "PrintSpeaker", "SpeechQueue", "SpokenItem", "create_speaker"]


def create_speaker(config: Config, default_voice: str = "", *, silent: bool = False,
                   on_spoken: OnSpoken | None = None,
                   clock: Callable[[], datetime] = datetime.now) -> SpeechQueue | PrintSpeaker:
    """The speaker for `run`: a SpeechQueue, or a PrintSpeaker for --silent / engine = "none"."""
    if silent or config.speech.engine == "none":
        return PrintSpeaker(on_spoken=on_spoken, clock=clock)
    quiet = (config.reminders.quiet_start, config.reminders.quiet_end)
    return SpeechQueue(config.speech, default_voice=default_voice, quiet_hours=quiet,
                       clock=clock, on_spoken=on_spoken)
