"""`cramp-coach admin set-password` (stdin, scriptable) and `admin serve` (waitress, setup link)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import urllib.request
from pathlib import Path

import pytest

from skill.admin.security import PasswordStore
from tests.admin_support import CLI, admin_cli, free_port


def test_set_password_reads_stdin(data_home: Path) -> None:
    result = admin_cli("set-password", stdin="a long enough secret\n")
    assert result.returncode == 0, result.stderr
    assert PasswordStore(data_home).check("a long enough secret")


def test_set_password_refuses_a_short_one(data_home: Path) -> None:
    result = admin_cli("set-password", stdin="short\n")
    assert result.returncode == 1
    assert "at least 8" in result.stderr
    assert not PasswordStore(data_home).is_set()


def test_serve_prints_a_one_time_setup_link_and_answers(data_home: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [*CLI, "admin", "serve", "--port", str(port)],
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    later: list[str] = []
    reader = threading.Thread(target=lambda: later.extend(process.stderr or []), daemon=True)
    try:
        assert process.stderr is not None
        link = None
        for line in process.stderr:
            found = re.search(r"(http://127\.0\.0\.1:\d+/setup\?token=\S+)", line)
            if found:
                link = found.group(1)
                break
        assert link is not None and f":{port}/" in link
        # keep reading what it writes, so a full stderr pipe never blocks it (and its exit)
        reader.start()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as reply:
            assert reply.read() == b"ok\n"
            assert reply.headers["Server"] == "cramp-coach"
        with urllib.request.urlopen(link, timeout=10) as reply:
            assert b'name="token"' in reply.read()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            # a guard, not a figure: a loaded machine once needed more than 15 s
            process.wait(timeout=60)
        finally:
            process.kill()  # never leave a server behind, even when the wait fails
            process.wait()
            if reader.is_alive():
                reader.join(10)  # the pipe ends with the process
            if process.stderr is not None:
                process.stderr.close()


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_serve_stops_cleanly_when_started_as_a_background_job(
    data_home: Path, stop_signal: signal.Signals
) -> None:
    """A shell's `&` job starts with SIGINT ignored; Ctrl-C (or a service manager's SIGTERM)
    must still end the page with exit code 0, not leave it serving."""
    command = " ".join([*CLI, "admin", "serve", "--port", str(free_port())])
    process = subprocess.Popen(
        ["sh", "-c", f"trap '' INT; exec {command}"], stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stderr is not None
        for line in process.stderr:
            if "Cramp Coach admin page:" in line:
                break
        process.send_signal(stop_signal)
        stderr = process.communicate(timeout=60)[1]  # a guard, not a figure
        assert process.returncode == 0, stderr
    finally:
        process.kill()
        process.wait()


def test_serve_without_an_action_prints_help(data_home: Path) -> None:
    result = admin_cli()
    assert result.returncode == 2
    assert "set-password" in result.stdout
