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

__all__ = [
    "NullSpeaker", "PrintSpeaker", "SpeechQueue", "SpokenItem", "close_speaker", "create_speaker",
]


def create_speaker(config: Config, default_voice: str = "", *, silent: bool = False,
                   on_spoken: OnSpoken | None = None,
                   clock: Callable[[], datetime] = datetime.now,
                   echo: Callable[[str], None] | None = print) -> SpeechQueue | PrintSpeaker:
    """The speaker for `run`: a SpeechQueue, or a PrintSpeaker for --silent / engine = "none".

    `echo` prints what the queue could not play; None when the caller prints everything itself.
    """
    if silent or config.speech.engine == "none":
        return PrintSpeaker(on_spoken=on_spoken, clock=clock)
    quiet = (config.reminders.quiet_start, config.reminders.quiet_end)
    return SpeechQueue(config.speech, default_voice=default_voice, quiet_hours=quiet,
                       clock=clock, on_spoken=on_spoken, echo=echo)


def close_speaker(speaker: object) -> None:
    """Stop a speaker's worker and engine, if it has any (None and plain printers are fine)."""
    close = getattr(speaker, "close", None)
    if close is not None:
        close()
