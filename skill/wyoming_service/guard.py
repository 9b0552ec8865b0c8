"""Who may talk to the Wyoming server and how much: token, trusted addresses, connection cap."""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import secrets
import stat
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from wyoming.event import Event

from cramp_common.paths import data_dir
from skill.wyoming_service.frames import FrameLimits
from skill.wyoming_service.settings import WyomingSettings

log = logging.getLogger(__name__)

TOKEN_FILENAME = "wyoming_token"
AUTH_EVENT = "auth"
"""A client's first event when a token is required: {"type": "auth", "data": {"token": "..."}}."""


class TokenError(Exception):
    """The token file exists but cannot be used; the message says what to fix."""


def auth_event(token: str) -> Event:
    return Event(type=AUTH_EVENT, data={"token": token})


def token_path(settings: WyomingSettings) -> Path:
    return Path(settings.token_file).expanduser() if settings.token_file else (
        data_dir() / TOKEN_FILENAME
    )


def read_token(path: Path) -> str | None:
    """The token in `path`, None when there is no such file (no token is asked for)."""
    try:
        token = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise TokenError(f"{path}: cannot read: {exc}") from None
    if len(token) < 16 or any(ch.isspace() for ch in token):
        raise TokenError(f"{path}: must hold one token of at least 16 characters, alone on a line")
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning("%s can be read by other users; chmod 600 it", path)
    return token


def write_new_token(path: Path) -> str:
    """A fresh random token saved in `path`, readable by this user only."""
    token = secrets.token_urlsafe(24)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(token + "\n")
    path.chmod(0o600)
    return token


def is_loopback_uri(uri: str) -> bool:
    """True unless the uri listens on a network interface (unix:// and stdio:// are local)."""
    parsed = urlparse(uri)
    if parsed.scheme != "tcp":
        return True
    host = parsed.hostname or ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@dataclass
class Access:
    """The shared token, if any, and the addresses that need none."""

    token: str | None = None
    trusted: tuple[str, ...] = ()

    def trusts(self, client: str) -> bool:
        """The client's address is in trusted_addresses."""
        try:
            address = ipaddress.ip_address(client)
        except ValueError:
            return False
        return any(address in ipaddress.ip_network(net, strict=False) for net in self.trusted)

    def needs_token(self, client: str) -> bool:
        return self.token is not None and not self.trusts(client)

    def accepts(self, event: Event) -> bool:
        sent = event.data.get("token") if event.type == AUTH_EVENT else None
        if self.token is None or not isinstance(sent, str):
            return False
        return hmac.compare_digest(sent.encode("utf-8"), self.token.encode("utf-8"))


class ConnectionGate:
    """Counts open connections (all on the event loop, so no lock).

    Other clients may fill `limit` places; trusted addresses (Home Assistant) get as many again
    on top, so a flood of connections from elsewhere cannot lock them out.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.open = 0

    def enter(self, trusted: bool = False) -> bool:
        if self.open >= self.limit * (2 if trusted else 1):
            return False
        self.open += 1
        return True

    def leave(self) -> None:
        self.open -= 1


class WarnOnce:
    """Logs a refusal at WARNING the first time per client address, later ones at DEBUG."""

    def __init__(self, remember: int = 256) -> None:
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._remember = remember

    def __call__(self, client: str, message: str, *args: object) -> None:
        if client in self._seen:
            log.debug(message, *args)
            return
        self._seen[client] = None
        while len(self._seen) > self._remember:
            self._seen.popitem(last=False)
        log.warning(message, *args)


@dataclass
class ServerPolicy:
    """Everything a connection handler enforces; one per server."""

    access: Access = field(default_factory=Access)
    limits: FrameLimits = field(default_factory=FrameLimits)
    gate: ConnectionGate = field(default_factory=lambda: ConnectionGate(16))
    idle_timeout: float = 60.0
    stt_pool: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(2, thread_name_prefix="stt")
    )
    warn: WarnOnce = field(default_factory=WarnOnce)

    @classmethod
    def from_settings(cls, settings: WyomingSettings) -> ServerPolicy:
        """Raises TokenError when the token file is unusable."""
        return cls(
            access=Access(read_token(token_path(settings)), settings.trusted_addresses),
            gate=ConnectionGate(settings.max_connections),
            idle_timeout=float(settings.idle_timeout_seconds),
            stt_pool=ThreadPoolExecutor(settings.stt_workers, thread_name_prefix="stt"),
        )
