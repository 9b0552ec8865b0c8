"""Reading Wyoming frames with a limit on every part, checked before that part is buffered."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from wyoming.event import Event

HEADER_LIMIT = 2**16
"""asyncio's default StreamReader limit: `readuntil` refuses a longer header line by itself."""


@dataclass(frozen=True)
class FrameLimits:
    """Far above real use (30 s of 16 kHz 16-bit mono audio is 960 KB), far below harm."""

    header_bytes: int = HEADER_LIMIT
    """The JSON header line, newline included."""
    data_bytes: int = 1024 * 1024
    """The JSON data block announced by `data_length`."""
    payload_bytes: int = 4 * 1024 * 1024
    """The binary payload announced by `payload_length` (an audio chunk)."""


class FrameError(Exception):
    """A frame this server will not read; the connection is answered with `code` and closed."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _length(header: dict[str, Any], key: str, limit: int) -> int:
    value = header.get(key)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FrameError("bad-frame", f"{key} must be a whole number")
    if value > limit:
        raise FrameError("frame-too-large", f"{key} {value} is over the limit of {limit} bytes")
    return value


def _json_object(raw: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise FrameError("bad-frame", f"{what} is not JSON: {type(exc).__name__}") from None
    if not isinstance(value, dict):
        raise FrameError("bad-frame", f"{what} must be a JSON object")
    return value


def parse_header(line: bytes, limits: FrameLimits) -> tuple[dict[str, Any], int, int]:
    """(header, data length, payload length); raises FrameError for anything off."""
    if len(line) > limits.header_bytes:
        raise FrameError("frame-too-large", f"header over the limit of {limits.header_bytes} bytes")
    header = _json_object(line, "header")
    kind = header.get("type")
    if not isinstance(kind, str) or not kind or len(kind) > 100:
        raise FrameError("bad-frame", "header needs a short text 'type'")
    if not isinstance(header.get("data", {}), dict):
        raise FrameError("bad-frame", "header 'data' must be a JSON object")
    data_length = _length(header, "data_length", limits.data_bytes)
    payload_length = _length(header, "payload_length", limits.payload_bytes)
    return header, data_length, payload_length


async def read_frame(reader: asyncio.StreamReader, limits: FrameLimits) -> Event | None:
    """The next event, or None when the client closed (even mid-frame); FrameError when refused.

    Every length is checked before reading, so an announced 256 MB payload is never buffered.
    """
    try:
        line = await reader.readuntil(b"\n")
    except asyncio.IncompleteReadError:
        return None
    except asyncio.LimitOverrunError:
        raise FrameError(
            "frame-too-large", f"header over the limit of {limits.header_bytes} bytes"
        ) from None
    header, data_length, payload_length = parse_header(line, limits)
    data: dict[str, Any] = dict(header.get("data") or {})
    try:
        if data_length:
            data.update(_json_object(await reader.readexactly(data_length), "data"))
        payload = await reader.readexactly(payload_length) if payload_length else None
    except asyncio.IncompleteReadError:
        return None
    return Event(type=header["type"], data=data, payload=payload)
