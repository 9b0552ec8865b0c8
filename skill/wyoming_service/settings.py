"""[wyoming] section: the Home Assistant bridge."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cramp_common.validate import get_bool, get_str


@dataclass(frozen=True)
class WyomingSettings:
    uri: str = "tcp://127.0.0.1:10700"
    """Where `cramp-coach wyoming` listens: tcp://HOST:PORT, unix://PATH or stdio://."""
    zeroconf: bool = False
    """Advertise the service on the local network."""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WyomingSettings:
        return cls(
            uri=get_str(data, "uri", cls.uri),
            zeroconf=get_bool(data, "zeroconf", cls.zeroconf),
        )
