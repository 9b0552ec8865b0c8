"""`cramp-coach` entry point: parse arguments, set up logging, hand over to one subcommand."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from pathlib import Path

from skill.config import Config, ConfigError, load_config

# Each module has register(subparsers) adding one subcommand whose handler is
# func(args, config) -> int.
SUBCOMMANDS = ("ask", "listen", "run", "model", "reminders", "diary", "admin", "wyoming",
               "service")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cramp-coach",
        description="Offline, hands-free voice assistant for leg cramps.",
    )
    parser.add_argument("--config", type=Path, help="config file (default: the user's config.toml)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        importlib.import_module(f"skill.cli.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if not args.command:
        parser.print_help()
        return 2
    try:
        config: Config = load_config(args.config)
    except ConfigError as exc:
        print(f"cramp-coach: {exc}", file=sys.stderr)
        return 2
    try:
        return int(args.func(args, config) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
