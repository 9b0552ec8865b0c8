"""`cramp-coach admin`: serve the admin page, set its password from stdin, or print a reset link."""

from __future__ import annotations

import argparse
import getpass
import signal
import sys

from cramp_common.paths import data_dir
from skill.config import Config


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("admin", help="the admin web page: serve it, set its password")
    actions = parser.add_subparsers(dest="admin_command", metavar="ACTION")
    serve = actions.add_parser("serve", help="serve the admin page on its own (waitress)")
    serve.add_argument("--port", type=int, help="port (default: [admin] port, 8765)")
    serve.set_defaults(func=run_serve)
    password = actions.add_parser(
        "set-password", help="set the admin password, read from stdin (one line) or a prompt"
    )
    password.set_defaults(func=run_set_password)
    link = actions.add_parser(
        "setup-link",
        help="print a one-time link (valid 30 minutes) to choose a new password in the browser",
    )
    link.add_argument("--port", type=int, help="port of the admin page (default: [admin] port)")
    link.set_defaults(func=run_setup_link)
    parser.set_defaults(func=lambda args, config: parser.print_help() or 2)


def run_serve(args: argparse.Namespace, config: Config) -> int:
    from skill.admin import create_app
    from skill.admin.server import AdminServer

    port = args.port if args.port is not None else config.admin.port
    if not 1 <= port <= 65535:
        print(f"cramp-coach admin serve: --port {port}: must be 1 to 65535", file=sys.stderr)
        return 2
    try:
        server = AdminServer(create_app(config=config), config.admin.host, port)
    except OSError as exc:
        print(
            f"cramp-coach admin serve: cannot listen on {config.admin.host}:{port} ({exc}); "
            "is `cramp-coach run` already serving the admin page? Try --port.",
            file=sys.stderr,
        )
        return 1
    # Ctrl-C and a service manager's SIGTERM both end waitress's loop cleanly. Set explicitly
    # (a shell's background job inherits SIGINT ignored, and Python then never raises it) and
    # before the first line is printed, since callers wait for that line.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        print(f"Cramp Coach admin page: {server.url}", file=sys.stderr)
        if config.admin.allow_lan:
            print("LAN access is on: any device on this network can reach the page.",
                  file=sys.stderr)
        message = server.setup_message()
        if message:
            print(message, file=sys.stderr, flush=True)
        server.run()  # returns on SIGINT/SIGTERM once waitress's loop has started
    except KeyboardInterrupt:  # the signal came before the loop started
        server.stop()
    return 0


def run_set_password(args: argparse.Namespace, config: Config) -> int:
    from skill.admin.security import PasswordError, PasswordStore

    if sys.stdin.isatty():
        password = getpass.getpass("New admin password: ")
        if getpass.getpass("Again: ") != password:
            print("cramp-coach admin set-password: the passwords differ", file=sys.stderr)
            return 1
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        PasswordStore(data_dir()).set(password)
    except PasswordError as exc:
        print(f"cramp-coach admin set-password: password {exc}", file=sys.stderr)
        return 1
    print("Admin password set.", file=sys.stderr)
    return 0


def run_setup_link(args: argparse.Namespace, config: Config) -> int:
    """Works while the page is served (by `run` or `admin serve`): the token is a file in the
    data directory that the page reads, so no login attempt, good or bad, is needed."""
    from skill.admin.sessions import RESET_LIFETIME, ResetToken

    port = args.port if args.port is not None else config.admin.port
    token = ResetToken(data_dir()).create()
    minutes = int(RESET_LIFETIME // 60)
    print(f"Open this link once within {minutes} minutes to choose a new admin password:")
    print(f"http://127.0.0.1:{port}/setup?token={token}")
    return 0
