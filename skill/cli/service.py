"""`cramp-coach service install|remove|status`: run the assistant at boot as a systemd user unit."""

from __future__ import annotations

import argparse
import getpass

from skill.config import Config
from skill.systemd_unit import (
    UNIT_NAME,
    UnitSpec,
    linger_enabled,
    render_unit,
    systemctl,
    unit_path,
    write_unit,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "service", help="start cramp-coach at boot (systemd user unit)",
        description="Install, remove or show the systemd user unit that runs `cramp-coach run`.")
    parser.add_argument("action", choices=("install", "remove", "status"))
    parser.add_argument("--print", dest="print_only", action="store_true",
                        help="install: print the unit instead of writing it")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, config: Config) -> int:
    if args.action == "install":
        return _install(args)
    if args.action == "remove":
        return _remove()
    return _status()


def _install(args: argparse.Namespace) -> int:
    text = render_unit(UnitSpec.current(args.config))
    if args.print_only:
        print(text, end="")
        return 0
    path = unit_path()
    write_unit(text, path)
    print(f"wrote {path}")
    ok, said = systemctl("daemon-reload")
    if ok:
        ok, said = systemctl("enable", "--now", UNIT_NAME)
    if ok:
        print(f"enabled and started {UNIT_NAME}")
    else:
        print(f"could not reach the systemd user manager ({said}); once logged in, run:\n"
              f"    systemctl --user daemon-reload && systemctl --user enable --now {UNIT_NAME}")
    user = getpass.getuser()
    if linger_enabled(user) is not True:
        print("on a machine nobody logs in to (a bedside Raspberry Pi), let it start at boot:\n"
              f"    sudo loginctl enable-linger {user}")
    return 0


def _remove() -> int:
    path = unit_path()
    systemctl("disable", "--now", UNIT_NAME)
    if path.exists():
        path.unlink()
        systemctl("daemon-reload")
        print(f"removed {path}")
    else:
        print(f"no unit at {path}; nothing to remove")
    return 0


def _status() -> int:
    path = unit_path()
    if not path.exists():
        print(f"not installed (no {path}); `cramp-coach service install` adds it")
        return 3
    print(f"installed: {path}")
    ok, said = systemctl("is-active", UNIT_NAME)
    print(f"state: {said or 'unknown'}" if ok or said else "state: user manager not reachable")
    return 0
