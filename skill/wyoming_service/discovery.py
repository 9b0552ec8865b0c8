"""Optional zeroconf (mDNS) advertisement of `_wyoming._tcp` for Home Assistant discovery."""

from __future__ import annotations

import ipaddress
import logging
import socket
from typing import Any
from urllib.parse import urlparse

log = logging.getLogger(__name__)

SERVICE_TYPE = "_wyoming._tcp.local."
_MDNS_GROUP = "224.0.0.251"


class ZeroconfError(Exception):
    """Advertising was asked for but cannot work; the message says why and what to do."""


def advertised_address(uri: str) -> tuple[str | None, int]:
    """(host to advertise, or None to detect it; port) for a LAN-reachable tcp:// uri."""
    parsed = urlparse(uri)
    if parsed.scheme != "tcp" or parsed.port is None or not parsed.hostname:
        raise ZeroconfError(f"zeroconf needs a tcp://HOST:PORT uri, not {uri!r}")
    host = parsed.hostname
    if host in ("0.0.0.0", "::"):
        return None, parsed.port
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if loopback:
        raise ZeroconfError(
            f"{uri} is reachable only from this computer, so advertising it is pointless; "
            "listen on the network with --uri tcp://0.0.0.0:10700"
        )
    return host, parsed.port


def lan_address() -> str:
    """The address this machine would use towards the mDNS group (a UDP connect sends nothing)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect((_MDNS_GROUP, 1))
            return str(probe.getsockname()[0])
    except OSError as exc:
        raise ZeroconfError(
            f"cannot find this computer's network address ({exc}); "
            "listen on it explicitly, e.g. --uri tcp://192.168.1.20:10700"
        ) from None


class Advertisement:
    """Registers the service on start and withdraws it on stop."""

    def __init__(self, uri: str, name: str) -> None:
        self.host, self.port = advertised_address(uri)
        self.name = name
        self._zeroconf: Any = None
        self._info: Any = None

    async def start(self) -> None:
        try:
            from zeroconf.asyncio import AsyncServiceInfo, AsyncZeroconf
        except ImportError:
            raise ZeroconfError(
                "zeroconf is not installed: pip install 'cramp-coach[zeroconf]' "
                "(or add the service in Home Assistant by host and port)"
            ) from None
        host = self.host or lan_address()
        self._info = AsyncServiceInfo(
            SERVICE_TYPE,
            f"{self.name}.{SERVICE_TYPE}",
            addresses=[socket.inet_aton(host)],
            port=self.port,
        )
        self._zeroconf = AsyncZeroconf()
        await self._zeroconf.async_register_service(self._info)
        log.info("advertising %s at %s:%s (zeroconf)", self.name, host, self.port)

    async def stop(self) -> None:
        if self._zeroconf is not None:
            await self._zeroconf.async_unregister_service(self._info)
            await self._zeroconf.async_close()
            self._zeroconf = None
