"""The one way to wire a Conversation: language pack, matcher, config, diary, speaker, reminders."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from intents.language import LanguagePack, load_pack
from intents.match import Matcher
from skill.config import Config
from skill.dialogue.conversation import Conversation
from skill.dialogue.diary import Diary
from skill.dialogue.reminders import Reminders
from skill.dialogue.timeutil import Clock, SteadyClock
from skill.interfaces import Speaker

if TYPE_CHECKING:
    from intents.matcher import IntentMatcher

log = logging.getLogger(__name__)


def open_matcher(pack: LanguagePack, config: Config, live: bool = False) -> IntentMatcher:
    """The intent matcher for `pack` with the [understanding] settings. `live`: a running
    assistant answers from the templates until the semantic layer has loaded, instead of waiting.
    Raises EncoderError (one line) when the semantic layer's model files are missing or wrong."""
    from intents.matcher import IntentMatcher  # loads the templates: only when one is wanted

    return IntentMatcher(pack, semantic=config.understanding.semantic, wait_for_semantic=not live)


def open_live_matcher(pack: LanguagePack, config: Config) -> tuple[IntentMatcher, str]:
    """open_matcher for the running assistant, with the line saying why understanding is
    reduced ("" when it is not): a semantic model or tokenizer file missing or not the expected
    one must not keep the night's assistant from starting; the templates and the danger-sign
    lexicon answer alone. (`ask` still fails on it: an evaluation must not silently lose a
    layer.)"""
    from intents.semantic import EncoderError

    try:
        return open_matcher(pack, config, live=True), ""
    except EncoderError as exc:
        problem = f"{exc}; until then only exact sentences and danger signs are understood"
    log.error("%s", problem)
    understanding = replace(config.understanding, semantic=False)
    return open_matcher(pack, replace(config, understanding=understanding), live=True), problem


def open_conversation(
    config: Config,
    *,
    language: str | None = None,
    pack: LanguagePack | None = None,
    matcher: Matcher | None = None,
    diary: Diary | None = None,
    speaker: Speaker | None = None,
    reminders: Reminders | None = None,
    realtime: bool = False,
    clock: Clock | None = None,
) -> Conversation:
    """A fresh Conversation. The pack (of `language`, default [general] language) and its matcher
    are loaded when not handed in; pass them to share one across conversations. Raises PackError
    for an unknown language. `clock` defaults to a SteadyClock: a wall-clock jump mid-flow
    must not fire or hold back the cramp timer."""
    if pack is None:
        pack = load_pack(language or config.general.language)
    if matcher is None:
        matcher = open_matcher(pack, config)
    return Conversation(pack, matcher, config, clock=clock or SteadyClock(), diary=diary,
                        speaker=speaker, reminders=reminders, realtime=realtime)
