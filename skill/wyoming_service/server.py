"""Run the Wyoming server on a uri (tcp://, unix://, stdio://), optionally with zeroconf."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from wyoming.info import Info
from wyoming.server import AsyncServer

from skill.wyoming_service.agent import HandleAgent
from skill.wyoming_service.asr import SpeechToText
from skill.wyoming_service.discovery import Advertisement
from skill.wyoming_service.guard import ServerPolicy, is_loopback_uri
from skill.wyoming_service.handler import CoachEventHandler

log = logging.getLogger(__name__)

HOUSEKEEPING_SECONDS = 24 * 60 * 60


def handler_factory(
    info: Info, agent: HandleAgent, stt: SpeechToText | None, policy: ServerPolicy | None = None
) -> Any:
    """What AsyncServer calls for each connection."""
    return partial(CoachEventHandler, info=info, agent=agent, stt=stt,
                   policy=policy or ServerPolicy())


def warn_if_exposed(uri: str, policy: ServerPolicy) -> None:
    """Say so at start when the server listens beyond this computer."""
    if is_loopback_uri(uri):
        return
    if policy.access.token is None:
        log.warning("%s is reachable from your network and asks no token: anyone there can use "
                    "it. Create one with `cramp-coach wyoming --new-token` and list Home "
                    "Assistant's address in [wyoming] trusted_addresses", uri)
    elif policy.access.trusted:
        log.warning("%s is reachable from your network; clients need the token, except %s",
                    uri, ", ".join(policy.access.trusted))
    else:
        log.warning("%s is reachable from your network; every client needs the token, and Home "
                    "Assistant cannot send one: list its address in [wyoming] trusted_addresses",
                    uri)


async def _every_day(job: Callable[[], None]) -> None:
    while True:
        try:
            await asyncio.to_thread(job)
        except Exception:
            log.exception("housekeeping failed")
        await asyncio.sleep(HOUSEKEEPING_SECONDS)


async def serve(
    uri: str,
    info: Info,
    agent: HandleAgent,
    stt: SpeechToText | None = None,
    zeroconf_name: str | None = None,
    policy: ServerPolicy | None = None,
    housekeeping: Callable[[], None] | None = None,
) -> None:
    """Serve until stopped (SIGTERM, Ctrl-C, or end of stdin for stdio://).

    `housekeeping` (pruning the diary) runs at start and then once a day.
    """
    policy = policy or ServerPolicy()
    server = AsyncServer.from_uri(uri)
    advertisement = Advertisement(uri, zeroconf_name) if zeroconf_name else None
    if advertisement is not None:
        await advertisement.start()
    warn_if_exposed(uri, policy)
    log.info("Wyoming server on %s (handle: %s; asr: %s)", uri,
             ", ".join(agent.languages), stt.language if stt else "off")
    chores = asyncio.create_task(_every_day(housekeeping)) if housekeeping else None
    try:
        await server.run(handler_factory(info, agent, stt, policy))
    finally:
        if chores is not None:
            chores.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await chores
        policy.stt_pool.shutdown(wait=False, cancel_futures=True)
        if advertisement is not None:
            await advertisement.stop()
