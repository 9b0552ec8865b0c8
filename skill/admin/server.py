"""Serve the admin app with waitress (never Flask's debugger or reloader), blocking or threaded."""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import Flask
from waitress.server import create_server

from skill.admin.state import AdminState

log = logging.getLogger(__name__)


class AdminServer:
    """Waitress serving the admin app; `start()` runs it on a daemon thread, `stop()` ends it."""

    def __init__(self, app: Flask, host: str, port: int, threads: int = 4) -> None:
        self.app = app
        self._server: Any = create_server(
            app,
            host=host,
            port=port,
            threads=threads,
            ident="cramp-coach",
            clear_untrusted_proxy_headers=True,
        )
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.effective_port)

    @property
    def host(self) -> str:
        return str(self._server.effective_host)

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://{host}:{self.port}/"

    def run(self) -> None:
        """Serve until stop() is called from another thread or Ctrl-C."""
        self._server.run()

    def start(self) -> AdminServer:
        self._thread = threading.Thread(target=self.run, name="admin-http", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        thread = self._thread
        if thread is None or not thread.is_alive():
            self._server.close()
            return
        # Workers first (they wake the loop when done), then the sockets from inside waitress's
        # own loop: closing them from this thread races the loop's select() (EBADF).
        self._server.task_dispatcher.shutdown()
        self._server.trigger.pull_trigger(self._server.close)
        thread.join(timeout=10)

    def setup_message(self) -> str | None:
        """The one-time setup link to print while no password is set, else None."""
        state: AdminState = self.app.extensions["cramp"]
        token = state.setup_token
        if token is None or token.value is None or state.passwords.is_set():
            return None
        return (
            "No admin password is set. Open this link once to choose it "
            f"(or run `cramp-coach admin set-password`): {self.url}setup?token={token.value}"
        )
