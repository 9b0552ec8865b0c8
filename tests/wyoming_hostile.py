"""Helpers for the hostile-client tests: a handle-only server process with its own settings."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from wyoming.event import Event
from wyoming.info import Describe

from tests.test_wyoming_server import READ_TIMEOUT, Server, ask_once, running_server

DEFAULT_WYOMING = {"max_connections": 4, "idle_timeout_seconds": 60, "max_conversations": 2,
                   "diary_episodes_per_hour": 2}


def toml_value(value: object) -> str:
    return json.dumps(value)


def write_config(home: Path, wyoming: dict[str, object], language: str = "en") -> Path:
    lines = ['[general]', f'language = "{language}"', '[wyoming]']
    lines += [f"{key} = {toml_value(value)}" for key, value in wyoming.items()]
    config = home / "config.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def wait_until_answering(server: Server, deadline_s: float = 180.0) -> None:
    """Until the server answers describe at all (an `unauthorized` error counts)."""
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited: {server.log.read_text()}")
        try:
            asyncio.run(ask_once(server, Describe()))
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not start: {server.log.read_text()}")


@contextmanager
def handle_server(
    home: Path, host: str = "127.0.0.1", asr: bool = False, **wyoming: object
) -> Iterator[Server]:
    """`cramp-coach wyoming` (--no-asr unless `asr`) on a free port, with [wyoming] settings."""
    # Speech-to-text needs the Korean Vosk model the tests install.
    config = write_config(home, {**DEFAULT_WYOMING, **wyoming}, "ko" if asr else "en")
    with running_server(home, config, *([] if asr else ["--no-asr"]), host=host,
                        ready=wait_until_answering) as running:
        yield running


def rss_kib(pid: int) -> int:
    """Resident set size of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def header(event_type: str, **fields: object) -> bytes:
    return (json.dumps({"type": event_type, **fields}) + "\n").encode()


async def read_answer(reader: asyncio.StreamReader) -> Event | None:
    """One event the server sent, read plainly (the server's answers are small)."""
    from wyoming.event import async_read_event

    return await asyncio.wait_for(async_read_event(reader), READ_TIMEOUT)


async def send_raw(
    port: int, raw: bytes, local: str | None = None, until_close: bool = True
) -> tuple[Event | None, bytes]:
    """Send bytes on a fresh connection; (first event back, what followed until close)."""
    reader, writer = await asyncio.open_connection(
        "127.0.0.1", port, local_addr=(local, 0) if local else None
    )
    try:
        writer.write(raw)
        await writer.drain()
        answer = await read_answer(reader)
        try:
            rest = await asyncio.wait_for(reader.read(), READ_TIMEOUT) if until_close else b""
        except ConnectionResetError:  # a refused connection is closed without lingering
            rest = b""
        return answer, rest
    finally:
        writer.close()
