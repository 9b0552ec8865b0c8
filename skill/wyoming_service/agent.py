"""The handle service's logic: a transcript with a conversation id in, the dialogue's reply out."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from skill.wyoming_service.sessions import SessionsFull, SessionStore

log = logging.getLogger(__name__)

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


def in_progress(dialogue: Any) -> bool:
    """A first-aid flow is under way (a Conversation with an open episode or an active flow)."""
    episodes = getattr(dialogue, "episodes", None)
    if getattr(episodes, "current", None) is not None:
        return True
    is_busy = getattr(dialogue, "is_busy", None)
    return bool(is_busy()) if callable(is_busy) else False


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
            self._create, max_conversations, ttl_seconds, clock,
            busy=lambda session: in_progress(session.dialogue),
            owner=lambda key: key.split("|")[1],
            per_owner=max(1, max_conversations // 2),
        )

    def _create(self, key: str) -> _Session:
        language = key.split("|", 1)[0]
        return _Session(self._new_dialogue(language))

    def session_count(self) -> int:
        return len(self._sessions)

    def handle(
        self,
        text: str,
        language: str | None = None,
        context: Mapping[str, Any] | None = None,
        client: str = "local",
    ) -> AgentReply:
        """Run one line through its conversation's dialogue (blocking; from a worker).

        State is keyed by the client's address as well as the conversation id, so a client that
        guesses or reuses another's id (a satellite id, say) gets a conversation of its own.
        """
        lang = normalise_language(language, self.languages, self.default_language)
        session = self._session(lang, client, conversation_key(context))
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

    def _session(self, language: str, client: str, key: str | None) -> _Session:
        if key is None:
            return _Session(self._new_dialogue(language))
        try:
            return self._sessions.get(f"{language}|{client}|{key}")
        except SessionsFull:
            # No flow in progress is dropped for a newcomer; this line is still answered, once.
            log.warning("all conversations are in progress; answering %s without memory", client)
            return _Session(self._new_dialogue(language))
