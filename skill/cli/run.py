"""`cramp-coach run`: the assistant itself, listening, reminding and serving the admin page."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from types import FrameType
from typing import TYPE_CHECKING

from skill.audio.portaudio import console
from skill.config import Config

if TYPE_CHECKING:
    from skill.admin.server import AdminServer
    from skill.assistant import Assistant

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run",
        help="listen, guide, remind and serve the admin page until Ctrl-C",
        description="Run the assistant: microphone, dialogue, speech, reminders and admin page. "
        "Without a speech model it says how to get one and keeps everything else running; "
        "on a terminal you can then type what you would say.",
    )
    parser.add_argument("--no-listen", action="store_true", help="do not open the microphone")
    parser.add_argument("--no-admin", action="store_true", help="do not serve the admin page")
    parser.add_argument("--port", type=int, help="admin page port (default: [admin] port)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, config: Config) -> int:
    from intents.language import PackError
    from intents.semantic import EncoderError
    from skill.assistant import AlreadyRunningError, Assistant
    from skill.log_streams import guard_streams

    guard_streams()  # a journald restart or a closed terminal must not end the night's watch
    try:
        assistant = Assistant(config, listen=not args.no_listen)
    except (EncoderError, PackError) as exc:  # a damaged install: one line saying what to do
        print(f"cramp-coach run: {exc}", file=sys.stderr)
        return 2
    try:
        assistant.start()
    except AlreadyRunningError as exc:
        print(f"cramp-coach run: {exc}", file=sys.stderr)
        assistant.stop()
        return 1

    def shut_down(signum: int, _frame: FrameType | None) -> None:
        log.info("%s: shutting down", signal.Signals(signum).name)
        assistant.request_stop()

    signal.signal(signal.SIGTERM, shut_down)
    signal.signal(signal.SIGINT, shut_down)
    admin: AdminServer | None = None
    try:
        if config.admin.enabled and not args.no_admin:
            admin = _serve_admin(assistant, config, args.port)
        if assistant.listening is None and sys.stdin.isatty():
            threading.Thread(target=_typed_loop, args=(assistant,), name="typed-input",
                             daemon=True).start()
        console("cramp-coach is running; Ctrl-C stops it.")
        assistant.wait()
    finally:
        # Speech, listening and reminders first (as before), then the page that shows them.
        assistant.stop()
        if admin is not None:
            admin.stop()
    return 0


def _serve_admin(assistant: Assistant, config: Config, port: int | None) -> AdminServer:
    from skill.admin.app import create_app
    from skill.admin.server import AdminServer

    app = create_app(control=assistant, config=config)
    server = AdminServer(app, config.admin.host, port or config.admin.port).start()
    console(f"admin page: {server.url}")
    if config.admin.allow_lan:
        console("admin page is reachable from your home network ([admin] allow_lan)")
    message = server.setup_message()
    if message:
        console(message)
    return server


def _typed_loop(assistant: Assistant) -> None:
    """No microphone: what you type is treated as heard (the speech queue prints what it
    cannot play)."""
    print("type what you would say (Ctrl-D to stop typing):", file=sys.stderr, flush=True)
    for line in sys.stdin:
        assistant.handle_text(line)
