"""Zeroconf advertisement is only attempted for an address other machines can reach."""

from __future__ import annotations

import pytest

from skill.wyoming_service.discovery import ZeroconfError, advertised_address


@pytest.mark.parametrize(("uri", "expected"), [
    ("tcp://0.0.0.0:10700", (None, 10700)),
    ("tcp://192.168.1.20:10701", ("192.168.1.20", 10701)),
])
def test_lan_uris_are_advertised(uri: str, expected: tuple[str | None, int]) -> None:
    assert advertised_address(uri) == expected


@pytest.mark.parametrize("uri", [
    "tcp://127.0.0.1:10700", "tcp://localhost:10700", "tcp://[::1]:10700",
    "stdio://", "unix:///tmp/coach.sock",
])
def test_unreachable_uris_are_refused(uri: str) -> None:
    with pytest.raises(ZeroconfError):
        advertised_address(uri)
