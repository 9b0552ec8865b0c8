"""The bedtime check, written once: play a short phrase, see whether a microphone heard it, and
check the speech model; `run` probes its live voice loop, `admin serve` opens the microphone."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from skill.dialogue.keys import LISTENING
from skill.speech.spoken import SpokenItem
from skill.status import Hearing

if TYPE_CHECKING:
    from skill.config import Config

__all__ = ["BedtimeReport", "CheckItem", "CheckSpeaker", "ListeningProbe", "MicrophoneProbe",
           "model_item", "run_check", "speaker_item"]

MAX_CHECK_SECONDS = 20.0
"""How long the check phrase may take to play before the speaker counts as failed."""


@dataclass(frozen=True)
class CheckItem:
    """One part of the bedtime check."""

    part: str
    """'speaker', 'microphone' or 'model'."""
    ok: bool
    detail: str
    """What was measured, or what is wrong and what to try."""


@dataclass(frozen=True)
class BedtimeReport:
    """Result of the bedtime check: speaker, microphone and model, each OK or what is wrong."""

    items: tuple[CheckItem, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return all(item.ok for item in self.items)


class CheckSpeaker(Protocol):
    """The part of the speech queue the check uses."""

    def say(self, text: str, *, key: str = "") -> None: ...

    def wait_idle(self, timeout: float | None = None) -> bool: ...

    @property
    def last_spoken(self) -> Sequence[SpokenItem]: ...


class MicrophoneProbe(Protocol):
    """Listens from `begin()` (before the phrase) to `end()` (after it) and says what it heard."""

    def begin(self) -> None: ...

    def end(self) -> CheckItem: ...


def run_check(config: Config, speaker: CheckSpeaker, microphone: MicrophoneProbe,
              phrase: str) -> BedtimeReport:
    """Say `phrase` while `microphone` listens; report speaker, microphone and model."""
    microphone.begin()
    started = len(speaker.last_spoken)
    speaker.say(phrase, key=LISTENING)
    finished = speaker.wait_idle(MAX_CHECK_SECONDS)
    heard = microphone.end()
    return BedtimeReport((
        speaker_item(config, list(speaker.last_spoken)[started:], finished),
        heard,
        model_item(config),
    ))


class ListeningProbe:
    """The running voice loop as the check's microphone: did it hear something new?"""

    def __init__(self, hearing: Callable[[], Hearing] | None, problem: str) -> None:
        self._hearing = hearing
        """The voice loop's current state; None when it is not running (then `problem` says why)."""
        self._problem = problem
        self._heard_before: object = None

    def begin(self) -> None:
        if self._hearing is not None:
            self._heard_before = self._hearing().last_heard

    def end(self) -> CheckItem:
        if self._hearing is None:
            return CheckItem("microphone", False, self._problem or "not listening")
        status = self._hearing()
        fresh = status.last_heard is not None and status.last_heard != self._heard_before
        detail = f"level {status.level or 0.0:.3f}" + (
            "" if fresh else "; the phrase was not clearly heard")
        return CheckItem("microphone", status.running, detail)


def model_item(config: Config) -> CheckItem:
    """Whether the speech model `run` would load is there and complete."""
    from skill.asr.models import ModelLoadError, ModelNotFoundError, check_model_dir, resolve_model

    try:
        location = resolve_model(config.general.language, config.voice.model_path)
        check_model_dir(location.path)
    except (ModelNotFoundError, ModelLoadError) as exc:
        return CheckItem("model", False, str(exc))
    return CheckItem("model", True, f"complete model at {location.path} ({location.origin})")


def speaker_item(config: Config, spoken: Sequence[SpokenItem], finished: bool) -> CheckItem:
    """Whether the phrase was played in full on a real output."""
    if config.speech.engine == "none":
        return CheckItem("speaker", False, "the speech engine is set to none: nothing is spoken")
    if not finished:
        return CheckItem("speaker", False, "the phrase did not finish playing in time")
    if not spoken or not all(item.audible for item in spoken):
        return CheckItem(
            "speaker", False, "could not play: no speech engine or no output device (see the log)"
        )
    return CheckItem("speaker", True, f'played "{spoken[-1].text}"')
