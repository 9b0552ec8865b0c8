"""[admin] section: where the admin page listens."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cramp_common.validate import get_bool, get_int


@dataclass(frozen=True)
class AdminSettings:
    enabled: bool = True
    """Serve the admin page while `cramp-coach run` is active."""
    port: int = 8765
    allow_lan: bool = False
    """false: bind 127.0.0.1 only; true: bind 0.0.0.0 so phones in the house can reach it."""

    @property
    def host(self) -> str:
        return "0.0.0.0" if self.allow_lan else "127.0.0.1"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AdminSettings:
        return cls(
            enabled=get_bool(data, "enabled", cls.enabled),
            port=get_int(data, "port", cls.port, 1024, 65535),
            allow_lan=get_bool(data, "allow_lan", cls.allow_lan),
        )
