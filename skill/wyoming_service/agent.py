"""The handle service's logic: a transcript with a conversation id in, the dialogue's reply out."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from skill.wyoming_service.sessions import SessionStore

CONTEXT_KEYS = ("conversation_id", "satellite_id", "device_id")
"""Context keys Home Assistant sends, in the order that identifies a conversation best."""


class TurnLike(Protocol):
    """What the agent reads from a dialogue turn (skill.dialogue's Turn has these fields)."""

    intent: str | None
    say: list[str]
    reply_keys: list[str]


class Dialogue(Protocol):
    """One conversation's state machine (skill.dialogue's Conversation)."""

    def handle_text(self, text: str) -> Any: ...


DialogueFactory = Callable[[str], Dialogue]
"""language -> a fresh dialogue for that language."""


@dataclass(frozen=True)
class AgentReply:
    handled: bool
    """False when the line is not for us (no intent) or there was nothing to say to it."""
    text: str
    """The sentences to speak, joined."""
    intent: str | None = None
    reply_keys: list[str] = field(default_factory=list)
    language: str = ""


@dataclass
class _Session:
    dialogue: Dialogue
    lock: threading.Lock = field(default_factory=threading.Lock)


def conversation_key(context: Mapping[str, Any] | None) -> str | None:
    """The id that keys dialogue state: HA's conversation id, else the satellite or device id."""
    for name in CONTEXT_KEYS:
        value = (context or {}).get(name)
        if isinstance(value, str | int) and str(value):
            return f"{name}:{value}"
    return None


def normalise_language(language: str | None, installed: Iterable[str], default: str) -> str:
    """'en-US' -> 'en' when installed; anything unknown or missing -> the default language."""
    if language:
        base = language.replace("_", "-").split("-")[0].lower()
        if base in set(installed):
            return base
    return default


class HandleAgent:
    """Routes each transcript to the dialogue of its conversation, creating and expiring them."""

    def __init__(
        self,
        new_dialogue: DialogueFactory,
        languages: Iterable[str],
        default_language: str,
        max_conversations: int = 32,
        ttl_seconds: float = 15 * 60,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.languages = sorted(set(languages))
        self.default_language = default_language
        self._new_dialogue = new_dialogue
        self._sessions: SessionStore[_Session] = SessionStore(
            self._create, max_conversations, ttl_seconds, clock
        )

    def _create(self, key: str) -> _Session:
        language = key.split("|", 1)[0]
        return _Session(self._new_dialogue(language))

    def session_count(self) -> int:
        return len(self._sessions)

    def handle(
        self, text: str, language: str | None = None, context: Mapping[str, Any] | None = None
    ) -> AgentReply:
        """Run one line through its conversation's dialogue (blocking; from a worker)."""
        lang = normalise_language(language, self.languages, self.default_language)
        key = conversation_key(context)
        session = (
            self._sessions.get(f"{lang}|{key}") if key else _Session(self._new_dialogue(lang))
        )
        with session.lock:
            turn: TurnLike = session.dialogue.handle_text(text)
        spoken = " ".join(part.strip() for part in turn.say if part and part.strip())
        return AgentReply(
            handled=turn.intent is not None and bool(spoken),
            text=spoken,
            intent=turn.intent,
            reply_keys=list(turn.reply_keys),
            language=lang,
        )
