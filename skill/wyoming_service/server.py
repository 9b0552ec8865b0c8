"""Run the Wyoming server on a uri (tcp://, unix://, stdio://), optionally with zeroconf."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from wyoming.info import Info
from wyoming.server import AsyncServer

from skill.wyoming_service.agent import HandleAgent
from skill.wyoming_service.asr import SpeechToText
from skill.wyoming_service.discovery import Advertisement
from skill.wyoming_service.handler import CoachEventHandler

log = logging.getLogger(__name__)


def handler_factory(info: Info, agent: HandleAgent, stt: SpeechToText | None) -> Any:
    """What AsyncServer calls for each connection."""
    return partial(CoachEventHandler, info=info, agent=agent, stt=stt)


async def serve(
    uri: str,
    info: Info,
    agent: HandleAgent,
    stt: SpeechToText | None = None,
    zeroconf_name: str | None = None,
) -> None:
    """Serve until stopped (SIGTERM, Ctrl-C, or end of stdin for stdio://)."""
    server = AsyncServer.from_uri(uri)
    advertisement = Advertisement(uri, zeroconf_name) if zeroconf_name else None
    if advertisement is not None:
        await advertisement.start()
    log.info("Wyoming server on %s (handle: %s; asr: %s)", uri,
             ", ".join(agent.languages), stt.language if stt else "off")
    try:
        await server.run(handler_factory(info, agent, stt))
    finally:
        if advertisement is not None:
            await advertisement.stop()
