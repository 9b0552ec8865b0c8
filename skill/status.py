"""The assistant's status snapshot, built once for `run` and for the standalone admin page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from cramp_common.localtime import zone_note

if TYPE_CHECKING:
    from skill.config import Config

__all__ = ["AssistantStatus", "Hearing", "build_status", "model_path"]


@dataclass(frozen=True)
class AssistantStatus:
    """A snapshot for the status page; every field is plain data."""

    running: bool
    """True when the voice loop of `cramp-coach run` is active; False for the standalone page."""
    language: str
    model_path: str
    """Vosk model directory in use (or that would be used); empty when none could be found."""
    model_loaded: bool
    input_device: str
    """Microphone as configured; empty: the system default."""
    last_heard: datetime | None = None
    """When the microphone last delivered audio above the voice gate, if known."""
    level: float | None = None
    """Recent input level, 0.0 (silence) to 1.0 (full scale); None when not listening."""
    speech_engine: str = ""
    voice: str = ""
    rate: int = 0
    volume: float = 0.0
    output_device: str = ""
    notes: tuple[str, ...] = ()
    """Anything else worth showing, one line each (e.g. 'speech queue busy')."""


class Hearing(Protocol):
    """What the status and the bedtime check read from a running voice loop (ListeningStatus)."""

    @property
    def running(self) -> bool: ...

    @property
    def last_heard(self) -> datetime | None: ...

    @property
    def level(self) -> float | None: ...


def build_status(config: Config, *, running: bool, hearing: Hearing | None = None,
                 notes: Iterable[str] = ()) -> AssistantStatus:
    """The snapshot for `config`; `hearing` is the voice loop's state (None: no model loaded)."""
    speech = config.speech
    return AssistantStatus(
        running=running,
        language=config.general.language,
        model_path=model_path(config),
        model_loaded=hearing is not None,
        input_device=config.voice.input_device,
        last_heard=hearing.last_heard if hearing is not None else None,
        level=hearing.level if hearing is not None else None,
        speech_engine=speech.engine,
        voice=speech.voice,
        rate=speech.rate,
        volume=speech.volume,
        output_device=speech.output_device,
        notes=tuple(note for note in (*notes, zone_note(config.reminders.timezone)) if note),
    )


def model_path(config: Config) -> str:
    """The Vosk model directory that `run` would use, or "" when none is found."""
    from skill.asr.models import ModelNotFoundError, resolve_model

    try:
        return str(resolve_model(config.general.language, config.voice.model_path).path)
    except ModelNotFoundError:
        return ""
