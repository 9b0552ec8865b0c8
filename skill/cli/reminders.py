"""`cramp-coach reminders`: placeholder until its issue lands."""

from __future__ import annotations

import argparse
import sys

from skill.config import Config


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("reminders", help="(not built yet)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, config: Config) -> int:
    print("cramp-coach reminders: not built yet", file=sys.stderr)
    return 2
