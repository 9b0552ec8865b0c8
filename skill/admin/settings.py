"""[admin] section: where the admin page listens."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cramp_common.validate import SettingError, get_bool, get_int

_HOST_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?")


@dataclass(frozen=True)
class AdminSettings:
    enabled: bool = True
    """Serve the admin page while `cramp-coach run` is active."""
    port: int = 8765
    allow_lan: bool = False
    """false: bind 127.0.0.1 only; true: bind 0.0.0.0 so phones in the house can reach it."""
    lan_hosts: tuple[str, ...] = ()
    """Extra names the page may be opened by when allow_lan is on (any IP address always works)."""

    @property
    def host(self) -> str:
        return "0.0.0.0" if self.allow_lan else "127.0.0.1"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AdminSettings:
        return cls(
            enabled=get_bool(data, "enabled", cls.enabled),
            port=get_int(data, "port", cls.port, 1024, 65535),
            allow_lan=get_bool(data, "allow_lan", cls.allow_lan),
            lan_hosts=_host_names(data, "lan_hosts"),
        )


def _host_names(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    allowed = 'must be a list of host names such as ["cramp.home.arpa"] (no port, no scheme)'
    if not isinstance(value, list) or len(value) > 32:
        raise SettingError(key, value, allowed)
    for name in value:
        if not isinstance(name, str) or len(name) > 253 or not _HOST_NAME.fullmatch(name):
            raise SettingError(key, value, allowed)
    return tuple(name.lower().rstrip(".") for name in value)
