"""Who may use the server and whose conversation is whose, over real sockets from two addresses."""

from __future__ import annotations

import asyncio
import os
import stat
import subprocess
import time
from pathlib import Path

from wyoming.client import AsyncTcpClient
from wyoming.error import Error
from wyoming.event import Event, async_read_event, async_write_event
from wyoming.handle import Handled, NotHandled
from wyoming.info import Describe, Info

from skill.dialogue.diary import Diary
from skill.dialogue.retention import DAY
from skill.wyoming_service.guard import auth_event
from tests.test_wyoming_server import (
    CALF_FIRST_STEP,
    CALF_SECOND_STEP,
    READ_TIMEOUT,
    ask,
    server_command,
    transcript,
)
from tests.wyoming_hostile import handle_server, write_config

OTHER_HOST = "127.0.0.2"
"""A second loopback address: the same machine, but another client as far as the server sees."""


async def say(port: int, *events: Event, local: str = "127.0.0.1") -> Event | None:
    """Send events on a fresh connection from address `local`; the last answer (None if closed)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(local, 0))
    try:
        for event in events:
            await async_write_event(event, writer)
        answer = None
        for _ in (e for e in events if e.type != "auth"):
            answer = await asyncio.wait_for(async_read_event(reader), READ_TIMEOUT)
        return answer
    finally:
        writer.close()


def line(text: str, conversation: str) -> Event:
    return transcript(text, conversation).event()


def reply_keys(answer: Event | None) -> list[str]:
    assert answer is not None
    return list((answer.data.get("context") or {}).get("reply_keys") or [])


def new_token(home: Path) -> str:
    config = write_config(home, {})
    result = subprocess.run(
        [*server_command(config, "tcp://127.0.0.1:1")[:-2], "--new-token"],
        env={**os.environ, "CRAMP_COACH_HOME": str(home)},
        capture_output=True, text=True, timeout=120, check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def test_new_token_is_saved_for_this_user_only(tmp_path: Path) -> None:
    token = new_token(tmp_path)
    path = tmp_path / "wyoming_token"
    assert path.read_text().strip() == token
    assert len(token) >= 16
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_token_is_required_when_set_except_from_trusted_addresses(tmp_path: Path) -> None:
    token = new_token(tmp_path)

    async def scenario(port: int) -> list[Event | None]:
        async with AsyncTcpClient("127.0.0.1", port, read_timeout=READ_TIMEOUT) as client:
            anonymous = await ask(client, Describe())
            closed = await client.read_event()
        return [
            anonymous,
            closed,
            await say(port, auth_event("wrong-token-wrong-token"), Describe().event()),
            await say(port, line("my calf is cramping", "x")),
            await say(port, auth_event(token), Describe().event()),
            await say(port, Describe().event(), local=OTHER_HOST),
        ]

    with handle_server(tmp_path, trusted_addresses=[OTHER_HOST]) as running:
        anonymous, closed, wrong, no_token, right, trusted = asyncio.run(scenario(running.port))
        log = running.log.read_text()
    for answer in (anonymous, wrong, no_token):
        assert answer is not None and Error.is_type(answer.type)
        assert Error.from_event(answer).code == "unauthorized"
    assert closed is None
    assert right is not None and Info.is_type(right.type)
    assert trusted is not None and Info.is_type(trusted.type)
    assert "asks no token" not in log


def test_exposed_server_without_token_warns_at_start(tmp_path: Path) -> None:
    with handle_server(tmp_path, host="0.0.0.0") as running:
        log = running.log.read_text()
    assert "WARNING" in log and "--new-token" in log


def test_another_client_cannot_continue_or_stop_a_flow(tmp_path: Path) -> None:
    async def scenario(port: int) -> list[Event | None]:
        return [
            await say(port, line("my calf is cramping", "bedroom")),
            await say(port, line("next", "bedroom"), local=OTHER_HOST),
            await say(port, line("stop", "bedroom"), local=OTHER_HOST),
            await say(port, line("next", "bedroom")),
        ]

    with handle_server(tmp_path) as running:
        start, stolen_next, stolen_stop, own_next = asyncio.run(scenario(running.port))
    assert CALF_FIRST_STEP in reply_keys(start)
    assert stolen_next is not None and NotHandled.is_type(stolen_next.type)
    assert CALF_SECOND_STEP not in reply_keys(stolen_next)
    assert stolen_stop is not None
    assert own_next is not None and Handled.is_type(own_next.type)
    assert reply_keys(own_next)[0] == CALF_SECOND_STEP


def test_flow_in_progress_is_never_evicted_by_new_ids(tmp_path: Path) -> None:
    async def scenario(port: int) -> dict[str, Event | None]:
        answers = {"start": await say(port, line("my calf is cramping", "bedroom"))}
        for i in range(6):  # the other client's idle conversations take turns in its half
            await say(port, line("hello there", f"junk-{i}"), local=OTHER_HOST)
        answers["second"] = await say(port, line("my calf is cramping", "hall"))
        # This client's half now holds flows in progress: a newcomer is answered, not remembered.
        answers["full"] = await say(port, line("my calf is cramping", "kitchen"))
        answers["full_next"] = await say(port, line("next", "kitchen"))
        answers["own_next"] = await say(port, line("next", "bedroom"))
        answers["hall_next"] = await say(port, line("next", "hall"))
        return answers

    with handle_server(tmp_path, max_conversations=4) as running:
        answers = asyncio.run(scenario(running.port))
    assert CALF_FIRST_STEP in reply_keys(answers["start"])
    assert CALF_FIRST_STEP in reply_keys(answers["full"])
    full_next = answers["full_next"]
    assert full_next is not None and NotHandled.is_type(full_next.type)
    assert reply_keys(answers["own_next"])[0] == CALF_SECOND_STEP
    assert reply_keys(answers["hall_next"])[0] == CALF_SECOND_STEP


def test_diary_records_only_the_episodes_within_the_hourly_budget(tmp_path: Path) -> None:
    async def scenario(port: int) -> list[Event | None]:
        return [await say(port, line("my calf is cramping", f"night-{i}")) for i in range(5)]

    with handle_server(tmp_path, max_conversations=10, diary_episodes_per_hour=2) as running:
        answers = asyncio.run(scenario(running.port))
    # Every line is still answered; only the diary stops taking episodes.
    assert all(a is not None and Handled.is_type(a.type) for a in answers)
    with Diary(tmp_path / "history.db") as diary:
        episodes = diary.recent_episodes()
        events = diary.recent_events(limit=1000)
    assert len(episodes) == 2
    starts = [e for e in events if e.kind == "episode" and e.data.get("event") == "start"]
    assert sorted(e.data["episode"] for e in starts) == sorted(e.id for e in episodes)


def test_server_prunes_the_diary_to_its_retention(tmp_path: Path) -> None:
    now = time.time()
    with Diary(tmp_path / "history.db") as diary:
        diary.start_episode(now - 400 * DAY, "calf")
        recent = diary.start_episode(now - 2 * DAY, "calf")

    def kept() -> list[int]:
        with Diary(tmp_path / "history.db") as diary:
            return [e.id for e in diary.recent_episodes()]

    with handle_server(tmp_path):
        deadline = time.monotonic() + READ_TIMEOUT
        while kept() != [recent] and time.monotonic() < deadline:
            time.sleep(0.1)
    assert kept() == [recent]
