"""[wyoming] section: the Home Assistant bridge (server, zeroconf, reminder announcements)."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from cramp_common.validate import SettingError, get_bool, get_choice, get_int, get_str

ANNOUNCE_SERVICES = ("assist_satellite.announce", "tts.speak")
_ENTITY_ID = re.compile(r"^[a-z_]+\.[a-z0-9_]+$")


def _check_uri(value: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme == "stdio" or (parsed.scheme == "unix" and parsed.path):
        return value
    try:
        port = parsed.port
    except ValueError:
        port = None
    if parsed.scheme == "tcp" and parsed.hostname and port:
        return value
    raise SettingError("uri", value, "must be tcp://HOST:PORT, unix://PATH or stdio://")


def _check_url(value: str) -> str:
    parsed = urlparse(value)
    if value and (parsed.scheme not in ("http", "https") or not parsed.hostname):
        raise SettingError(
            "announce_url", value, "must be empty or Home Assistant's address, e.g. "
            "\"http://homeassistant.local:8123\""
        )
    return value.rstrip("/")


def _entity_ids(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise SettingError(key, value, "must be a list of entity ids such as "
                                       "[\"assist_satellite.bedroom\"]")
    for item in value:
        if not _ENTITY_ID.match(item):
            raise SettingError(key, item, "is not an entity id like \"assist_satellite.bedroom\"")
    return tuple(value)


def _addresses(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise SettingError(key, value, "must be a list of addresses such as [\"192.168.1.5\"]")
    for item in value:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise SettingError(key, item, "is not an IP address or network such as "
                                          "\"192.168.1.5\" or \"192.168.1.0/24\"") from None
    return tuple(value)


@dataclass(frozen=True)
class WyomingSettings:
    uri: str = "tcp://127.0.0.1:10700"
    """Where `cramp-coach wyoming` listens: tcp://HOST:PORT, unix://PATH or stdio://."""
    zeroconf: bool = False
    """Advertise the service on the local network (needs the `zeroconf` extra and a tcp:// uri)."""
    zeroconf_name: str = "cramp-coach"
    """Service name shown by Home Assistant's discovery."""
    asr: bool = True
    """Also offer speech-to-text with the Vosk model of [general] language (grammar mode)."""
    max_conversations: int = 32
    """Dialogue states kept at once, at most half per client address; when full, the least
    recently used one not in a first-aid flow makes room (a flow in progress is never dropped)."""
    conversation_minutes: int = 15
    """A conversation idle this long is forgotten; the next line starts fresh."""
    announce_url: str = ""
    """Home Assistant's address for reminder announcements; empty: reminders are not sent there."""
    announce_service: str = "assist_satellite.announce"
    """Home Assistant service that speaks a reminder: assist_satellite.announce or tts.speak."""
    announce_entities: tuple[str, ...] = ()
    """Satellites (assist_satellite.*) or, for tts.speak, media players that speak reminders."""
    announce_tts_entity: str = ""
    """For tts.speak only: the TTS engine entity, e.g. tts.piper."""
    max_connections: int = 16
    """Clients served at once; one more is sent an error and closed."""
    idle_timeout_seconds: int = 60
    """A connection that sends no complete event for this long is closed."""
    stt_workers: int = 2
    """Threads decoding speech; conversation lines never wait behind them."""
    token_file: str = ""
    """File holding the shared token clients must send; empty: wyoming_token in the data dir.
    No file: no token is asked for."""
    trusted_addresses: tuple[str, ...] = ()
    """Client addresses or networks that need no token (Home Assistant cannot send one)."""
    diary_episodes_per_hour: int = 6
    """Cramp episodes recorded in the diary per hour from Wyoming clients; more are not recorded."""
    diary_events_per_minute: int = 60
    """Diary events (heard, spoken, ...) recorded per minute from Wyoming clients."""

    @property
    def announce_enabled(self) -> bool:
        return bool(self.announce_url and self.announce_entities)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WyomingSettings:
        service = get_choice(data, "announce_service", cls.announce_service, ANNOUNCE_SERVICES)
        tts_entity = get_str(data, "announce_tts_entity", cls.announce_tts_entity, 100)
        if tts_entity and not _ENTITY_ID.match(tts_entity):
            raise SettingError("announce_tts_entity", tts_entity, "is not an entity id such as "
                                                                  "\"tts.piper\"")
        if service == "tts.speak" and data.get("announce_url") and not tts_entity:
            raise SettingError("announce_tts_entity", tts_entity,
                               "must name the TTS entity (e.g. \"tts.piper\") for tts.speak")
        return cls(
            uri=_check_uri(get_str(data, "uri", cls.uri, 300)),
            zeroconf=get_bool(data, "zeroconf", cls.zeroconf),
            zeroconf_name=get_str(data, "zeroconf_name", cls.zeroconf_name, 60) or "cramp-coach",
            asr=get_bool(data, "asr", cls.asr),
            max_conversations=get_int(data, "max_conversations", cls.max_conversations, 1, 1000),
            conversation_minutes=get_int(
                data, "conversation_minutes", cls.conversation_minutes, 1, 24 * 60
            ),
            announce_url=_check_url(get_str(data, "announce_url", cls.announce_url, 300)),
            announce_service=service,
            announce_entities=_entity_ids(data, "announce_entities"),
            announce_tts_entity=tts_entity,
            max_connections=get_int(data, "max_connections", cls.max_connections, 1, 1000),
            idle_timeout_seconds=get_int(
                data, "idle_timeout_seconds", cls.idle_timeout_seconds, 5, 3600
            ),
            stt_workers=get_int(data, "stt_workers", cls.stt_workers, 1, 16),
            token_file=get_str(data, "token_file", cls.token_file, 300),
            trusted_addresses=_addresses(data, "trusted_addresses"),
            diary_episodes_per_hour=get_int(
                data, "diary_episodes_per_hour", cls.diary_episodes_per_hour, 0, 100
            ),
            diary_events_per_minute=get_int(
                data, "diary_events_per_minute", cls.diary_events_per_minute, 0, 1000
            ),
        )
