"""Where requests may come from and go to: trusted Host names and same-site `next` paths."""

from __future__ import annotations

import ipaddress
import re
import socket
import unicodedata
from collections.abc import Iterable
from urllib.parse import urlsplit

from werkzeug.exceptions import BadRequest
from werkzeug.urls import iri_to_uri

from skill.admin.settings import AdminSettings

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "[::1]"})
_DOT_SEGMENTS = frozenset({".", "..", "%2e", "%2e%2e", ".%2e", "%2e."})

# host[:port]; an IPv6 literal in brackets. Werkzeug 3.1's own host_is_trusted cannot match an
# IPv6 entry of its trusted list (it cuts the entry at the first ":"), hence this small check.
_HOST = re.compile(r"(?P<name>\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(?P<port>[0-9]{1,5}))?", re.I)


def trusted_hosts(settings: AdminSettings) -> frozenset[str]:
    """Loopback names, plus this machine's names and `lan_hosts` when the LAN may connect."""
    names = set(LOOPBACK_NAMES)
    if settings.allow_lan:
        names.update(_machine_names())
        names.update(name.lower() for name in settings.lan_hosts)
    return frozenset(names)


def _machine_names() -> set[str]:
    host = socket.gethostname().lower()
    names = {host, f"{host}.local", socket.getfqdn().lower()}
    return {name for name in names if name}


def host_allowed(header: str, trusted: Iterable[str], any_address: bool) -> bool:
    """True when the Host header names a trusted host (any port). `any_address` also allows
    every IP literal: a DNS-rebinding page always sends its own *name*, never an address."""
    match = _HOST.fullmatch(header)
    if match is None:
        return False
    port = match.group("port")
    if port is not None and not 1 <= int(port) <= 65535:
        return False
    name = match.group("name").lower()
    if name in trusted:
        return True
    return any_address and _is_address(name)


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


def has_control(text: str) -> bool:
    """Control, format (e.g. bidi overrides) or line/paragraph separator characters."""
    return any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs") for char in text)


def safe_next(target: str | None, fallback: str) -> str:
    """A same-site path to go to after login, judged after Werkzeug's own URL normalisation
    (the one redirect() applies), else `fallback`. Control characters: 400, never a 500."""
    if not target:
        return fallback
    if has_control(target):
        raise BadRequest("The next address must not contain control characters.")
    if "\\" in target or not target.startswith("/") or target.startswith("//"):
        return fallback
    normalised = iri_to_uri(target)
    parts = urlsplit(normalised)
    if parts.scheme or parts.netloc or not normalised.startswith("/"):
        return fallback
    if normalised.startswith(("//", "/\\")) or "\\" in normalised or has_control(normalised):
        return fallback
    # "/.//x" resolves to the path "//x": harmless in a browser, but no page here needs dots.
    if any(segment.lower() in _DOT_SEGMENTS for segment in parts.path.split("/")):
        return fallback
    return normalised
