"""Wiring the real parts for the server: dialogues per language, the Vosk model, the info."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from wyoming.info import Info

from intents.language import available_languages, load_pack
from skill.config import Config
from skill.wyoming_service.agent import Dialogue, HandleAgent
from skill.wyoming_service.asr import SpeechToText
from skill.wyoming_service.info import build_info

log = logging.getLogger(__name__)


def handle_languages() -> list[str]:
    """Installed packs that can hold a conversation (they have sentence templates)."""
    return [lang for lang in available_languages() if load_pack(lang).intent_names]


def satellite_config(config: Config) -> Config:
    """The dialogue settings for lines that come through Home Assistant.

    The satellite has already heard its wake word, so ours is dropped; every follow-up within the
    conversation's lifetime is addressed (a person holding a stretch may say "next" after a minute);
    and the count is not spoken, because one reply text cannot carry the seconds between numbers.
    """
    lifetime = config.wyoming.conversation_minutes * 60
    return replace(
        config,
        voice=replace(config.voice, wake_word=""),
        dialogue=replace(config.dialogue, follow_up_seconds=lifetime, count_aloud=False),
    )


class DialogueFactory:
    """Makes a Conversation per Home Assistant conversation; one matcher per language, shared."""

    def __init__(self, config: Config, diary: Any = None) -> None:
        self.config = satellite_config(config)
        self.diary = diary
        self._matchers: dict[str, Any] = {}
        self._lock = threading.Lock()

    def matcher(self, language: str) -> Any:
        from skill.dialogue.wiring import open_matcher

        with self._lock:
            if language not in self._matchers:
                self._matchers[language] = open_matcher(load_pack(language), self.config,
                                                          live=True)
            return self._matchers[language]

    def __call__(self, language: str) -> Dialogue:
        from skill.dialogue.wiring import open_conversation

        return open_conversation(self.config, language=language,
                                 matcher=self.matcher(language), diary=self.diary)


def build_agent(
    config: Config, diary: Any = None, clock: Callable[[], float] = time.monotonic
) -> HandleAgent:
    languages = handle_languages()
    default = config.general.language if config.general.language in languages else languages[0]
    factory = DialogueFactory(config, diary)
    for language in languages:
        factory.matcher(language)  # build now, so the first satellite line is not the slow one
    return HandleAgent(
        factory,
        languages,
        default,
        max_conversations=config.wyoming.max_conversations,
        ttl_seconds=config.wyoming.conversation_minutes * 60,
        clock=clock,
    )


def build_stt(config: Config) -> SpeechToText:
    """Load the Vosk model of [general] language once; each stream gets its own recogniser.

    Raises skill.asr.models.ModelNotFoundError / ModelLoadError with a message saying what to do.
    """
    from skill.asr.factory import load_voice_model, new_recognizer

    language, mode = config.general.language, config.voice.mode
    model = load_voice_model(config.voice, language)
    return SpeechToText(
        language=language,
        model_name=_model_name(model.location.path),
        new_recognizer=lambda: new_recognizer(model, mode),
    )


def _model_name(path: Path) -> str:
    # Model packages keep the model in a directory called "model"; the package name says more.
    return path.parent.name if path.name == "model" else path.name


def build_info_for(agent: HandleAgent, stt: SpeechToText | None) -> Info:
    return build_info(
        agent.languages,
        asr_language=stt.language if stt else None,
        asr_model_name=stt.model_name if stt else "",
    )
