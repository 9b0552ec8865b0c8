"""Announce reminders on Home Assistant satellites through its REST API, with a token file."""

from __future__ import annotations

import json
import logging
import stat
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from cramp_common.paths import data_dir
from skill.wyoming_service.settings import WyomingSettings

log = logging.getLogger(__name__)

TOKEN_FILENAME = "home_assistant_token"
"""A Home Assistant long-lived access token, alone in this file in the data directory."""

T = TypeVar("T")

# Home Assistant lives on the home network: never route its token through a proxy from the env.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class AnnounceError(Exception):
    """Announcements are configured but cannot work; the message says what to fix."""


def token_path() -> Path:
    return data_dir() / TOKEN_FILENAME


def read_token(path: Path) -> str:
    """The token in `path`; warns when others on this computer could read it."""
    try:
        token = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise AnnounceError(
            f"{path}: missing. Create a long-lived access token in Home Assistant (your profile, "
            f"Security tab) and save it there alone: chmod 600 {path}"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AnnounceError(f"{path}: cannot read: {exc}") from None
    if not token or any(ch.isspace() for ch in token):
        raise AnnounceError(f"{path}: must hold the token alone on one line")
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("%s can be read by other users; chmod 600 it", path)
    return token


class HomeAssistantAnnouncer:
    """POSTs to `/api/services/<domain>/<service>` (assist_satellite.announce, tts.speak)."""

    def __init__(
        self,
        url: str,
        service: str,
        entities: tuple[str, ...],
        tts_entity: str = "",
        token_file: Path | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.url = url.rstrip("/")
        self.service = service
        self.entities = entities
        self.tts_entity = tts_entity
        self.token_file = token_file or token_path()
        self.timeout = timeout

    @classmethod
    def from_settings(cls, settings: WyomingSettings) -> HomeAssistantAnnouncer | None:
        """None when announcements are not configured; AnnounceError when the token is unusable."""
        if not settings.announce_enabled:
            return None
        announcer = cls(settings.announce_url, settings.announce_service,
                        settings.announce_entities, settings.announce_tts_entity)
        read_token(announcer.token_file)
        return announcer

    @property
    def endpoint(self) -> str:
        domain, service = self.service.split(".", 1)
        return f"{self.url}/api/services/{domain}/{service}"

    def payload(self, text: str) -> dict[str, Any]:
        if self.service == "tts.speak":
            return {"entity_id": self.tts_entity,
                    "media_player_entity_id": list(self.entities), "message": text}
        return {"entity_id": list(self.entities), "message": text}

    def announce(self, text: str) -> bool:
        """Send `text`; True when Home Assistant accepted it. Failures are logged, never raised."""
        try:
            token = read_token(self.token_file)
        except AnnounceError as exc:
            log.error("reminder not announced to Home Assistant: %s", exc)
            return False
        request = urllib.request.Request(
            self.endpoint,
            data=json.dumps(self.payload(text)).encode("utf-8"),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST",
        )
        try:
            with _OPENER.open(request, timeout=self.timeout) as response:
                response.read()
                return bool(200 <= response.status < 300)
        except urllib.error.HTTPError as exc:
            hint = " (check the token file)" if exc.code == 401 else ""
            log.error("Home Assistant refused the announcement: HTTP %s%s", exc.code, hint)
        except (urllib.error.URLError, OSError) as exc:
            log.error("cannot reach Home Assistant at %s: %s", self.url, exc)
        return False

    def sink(self, text_for: Callable[[T], str]) -> Callable[[T], None]:
        """An extra `on_due` callback: announces `text_for(due)` without holding up the caller."""

        def on_due(due: T) -> None:
            text = text_for(due)
            threading.Thread(
                target=self.announce, args=(text,), name="ha-announce", daemon=True
            ).start()

        return on_due


def announcer_sink(settings: WyomingSettings) -> Callable[[str], None] | None:
    """The Home Assistant announcement sink when [wyoming] configures one, else None (a bad
    setting is logged: reminders are still spoken here)."""
    try:
        announcer = HomeAssistantAnnouncer.from_settings(settings)
    except AnnounceError as exc:
        log.warning("Home Assistant announcements are off: %s", exc)
        return None
    return None if announcer is None else announcer.sink(str)
