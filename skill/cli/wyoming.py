"""`cramp-coach wyoming`: serve the skill to Home Assistant over the Wyoming protocol."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from cramp_common.validate import SettingError
from skill.config import Config
from skill.wyoming_service.discovery import ZeroconfError, advertised_address
from skill.wyoming_service.guard import ServerPolicy, TokenError, token_path, write_new_token
from skill.wyoming_service.settings import WyomingSettings

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "wyoming",
        help="serve Home Assistant: conversation agent and speech-to-text (Wyoming protocol)",
        description="Run a Wyoming server that Home Assistant's Wyoming integration can use as a "
                    "conversation agent and, with a Vosk model, as speech-to-text.",
    )
    parser.add_argument("--uri", help="tcp://HOST:PORT, unix://PATH or stdio:// "
                                      "(default: [wyoming] uri; tcp://0.0.0.0:10700 for the LAN)")
    parser.add_argument("--zeroconf", action=argparse.BooleanOptionalAction, default=None,
                        help="advertise the service for Home Assistant discovery")
    parser.add_argument("--asr", action=argparse.BooleanOptionalAction, default=None,
                        help="also offer speech-to-text with the Vosk model")
    parser.add_argument("--no-diary", action="store_true",
                        help="do not record conversations in the cramp diary")
    parser.add_argument("--new-token", action="store_true",
                        help="write a new random token to the token file, print it and exit")
    parser.set_defaults(func=run)


def effective_settings(args: argparse.Namespace, settings: WyomingSettings) -> WyomingSettings:
    """[wyoming] with the command-line overrides applied and checked like the config file."""
    uri = WyomingSettings.from_dict({"uri": args.uri}).uri if args.uri else settings.uri
    return replace(
        settings,
        uri=uri,
        zeroconf=settings.zeroconf if args.zeroconf is None else args.zeroconf,
        asr=settings.asr if args.asr is None else args.asr,
    )


def new_token(settings: WyomingSettings) -> int:
    path = token_path(settings)
    token = write_new_token(path)
    print(f"New token saved in {path} (only you can read it); clients must send it first:")
    print(token)
    return 0


def open_diary(config: Config) -> tuple[Any, Callable[[], None]]:
    """The diary as Wyoming clients may write it, and the daily job that prunes it."""
    from skill.dialogue.diary import Diary
    from skill.dialogue.retention import prune_quietly
    from skill.wyoming_service.diary_guard import GuardedDiary

    diary = Diary()
    settings = config.wyoming
    guarded = GuardedDiary(diary, settings.diary_episodes_per_hour,
                           settings.diary_events_per_minute)

    def prune() -> None:
        prune_quietly(diary.path, config.dialogue.diary_retention_days, time.time())

    return guarded, prune


def run(args: argparse.Namespace, config: Config) -> int:
    from skill.wyoming_service.server import serve
    from skill.wyoming_service.service import build_agent, build_info_for, build_stt

    try:
        settings = effective_settings(args, config.wyoming)
        if args.new_token:
            return new_token(settings)
        if settings.zeroconf:
            advertised_address(settings.uri)
        policy = ServerPolicy.from_settings(settings)
    except (SettingError, ZeroconfError, TokenError, OSError) as exc:
        print(f"cramp-coach wyoming: {exc}", file=sys.stderr)
        return 2
    config = replace(config, wyoming=settings)

    diary: Any = None
    prune = None
    if not args.no_diary:
        diary, prune = open_diary(config)
    agent = build_agent(config, diary)
    stt = None
    if settings.asr:
        from skill.asr.models import ModelLoadError, ModelNotFoundError

        try:
            stt = build_stt(config)
        except (ModelNotFoundError, ModelLoadError) as exc:
            log.warning("speech-to-text is off: %s", exc)
    try:
        asyncio.run(serve(
            settings.uri, build_info_for(agent, stt), agent, stt,
            zeroconf_name=settings.zeroconf_name if settings.zeroconf else None,
            policy=policy, housekeeping=prune,
        ))
    except ZeroconfError as exc:
        print(f"cramp-coach wyoming: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"cramp-coach wyoming: cannot listen on {settings.uri}: {exc}", file=sys.stderr)
        return 1
    finally:
        if diary is not None:
            diary.close()
    return 0
