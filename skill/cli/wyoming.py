"""`cramp-coach wyoming`: serve the skill to Home Assistant over the Wyoming protocol."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from dataclasses import replace

from cramp_common.validate import SettingError
from skill.config import Config
from skill.wyoming_service.discovery import ZeroconfError, advertised_address
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
                        help="do not record conversations in the history database")
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


def run(args: argparse.Namespace, config: Config) -> int:
    from skill.wyoming_service.server import serve
    from skill.wyoming_service.service import build_agent, build_info_for, build_stt

    try:
        settings = effective_settings(args, config.wyoming)
        if settings.zeroconf:
            advertised_address(settings.uri)
    except (SettingError, ZeroconfError) as exc:
        print(f"cramp-coach wyoming: {exc}", file=sys.stderr)
        return 2
    config = replace(config, wyoming=settings)

    diary = None
    if not args.no_diary:
        from skill.dialogue.diary import Diary

        diary = Diary()
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
