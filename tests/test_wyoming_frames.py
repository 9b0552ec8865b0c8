"""Frame headers: every announced length is checked against its limit before anything is read."""

from __future__ import annotations

import asyncio
import json

import pytest
from wyoming.audio import AudioChunk
from wyoming.event import Event

from skill.wyoming_service.frames import FrameError, FrameLimits, parse_header, read_frame

LIMITS = FrameLimits()
THIRTY_SECONDS = 30 * 16000 * 2


def line(**fields: object) -> bytes:
    return (json.dumps({"type": "audio-chunk", **fields}) + "\n").encode()


def test_limits_sit_well_above_a_thirty_second_chunk() -> None:
    assert LIMITS.payload_bytes >= 4 * THIRTY_SECONDS
    _, _, payload = parse_header(line(payload_length=THIRTY_SECONDS), LIMITS)
    assert payload == THIRTY_SECONDS


@pytest.mark.parametrize(("field", "limit"), [
    ("data_length", LIMITS.data_bytes), ("payload_length", LIMITS.payload_bytes),
])
def test_length_at_the_limit_passes_and_one_more_is_refused(field: str, limit: int) -> None:
    parse_header(line(**{field: limit}), LIMITS)
    with pytest.raises(FrameError) as info:
        parse_header(line(**{field: limit + 1}), LIMITS)
    assert info.value.code == "frame-too-large"


def read(raw: bytes) -> Event | None:
    async def go() -> Event | None:
        reader = asyncio.StreamReader()
        reader.feed_data(raw)
        reader.feed_eof()
        return await read_frame(reader, LIMITS)

    return asyncio.run(go())


def test_frame_written_by_wyoming_reads_back_whole() -> None:
    chunk = AudioChunk(16000, 2, 1, b"\x01\x02" * 10).event()
    data = json.dumps(chunk.data).encode()
    raw = line(data_length=len(data), payload_length=len(chunk.payload or b"")) + data
    event = read(raw + (chunk.payload or b""))
    assert event is not None
    assert AudioChunk.from_event(event).audio == b"\x01\x02" * 10
    assert event.data["rate"] == 16000


def test_announced_payload_is_refused_before_it_is_read() -> None:
    # Nothing follows the header: had the reader tried to read the payload, it would get EOF.
    with pytest.raises(FrameError):
        read(line(payload_length=256 * 1024 * 1024))


def test_client_closing_mid_frame_is_a_plain_end() -> None:
    assert read(b"") is None
    assert read(line(payload_length=10) + b"12345") is None
    assert read(b'{"type": "describe"') is None
