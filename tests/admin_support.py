"""Fixtures for the admin page tests (flaskr style: app, client, auth), loaded from conftest."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from skill.admin import create_app
from skill.admin.assistant import AssistantStatus, BedtimeReport, CheckItem
from skill.admin.security import PasswordStore
from skill.config import Config

PASSWORD = "night-cramp-2024"
CLI = [sys.executable, "-m", "skill.cli.main"]


def admin_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """`cramp-coach admin ARGS` as a real process on the test's data directory."""
    return subprocess.run([*CLI, "admin", *args], input=stdin, text=True, capture_output=True,
                          env=os.environ.copy(), check=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RecordingAssistant:
    """Hand-written AssistantControl that records what the page asked of it (no audio)."""

    def __init__(self) -> None:
        self.said: list[str] = []
        self.applied: list[Config] = []
        self.checks = 0
        self.stops = 0
        self._lock = threading.Lock()

    def status(self) -> AssistantStatus:
        config = self.applied[-1] if self.applied else Config()
        return AssistantStatus(
            running=True,
            language=config.general.language,
            model_path="/models/test",
            model_loaded=True,
            input_device=config.voice.input_device,
            level=0.25,
            speech_engine=config.speech.engine,
            voice=config.speech.voice,
            rate=config.speech.rate,
            volume=config.speech.volume,
        )

    def say(self, text: str) -> None:
        with self._lock:
            self.said.append(text)

    def bedtime_check(self) -> BedtimeReport:
        with self._lock:
            self.checks += 1
        return BedtimeReport(
            (CheckItem("speaker", True, "played"), CheckItem("microphone", False, "silent"))
        )

    def apply_config(self, config: Config) -> None:
        with self._lock:
            self.applied.append(config)

    def stop_speaking(self) -> None:
        with self._lock:
            self.stops += 1


class AuthActions:
    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, password: str = PASSWORD) -> TestResponse:
        return self._client.post("/login", data={"password": password})

    def logout(self) -> TestResponse:
        return self._client.post("/logout")


def make_app(home: Path, control: Any, csrf: bool = False, password: bool = True) -> Flask:
    if password:
        PasswordStore(home).set(PASSWORD)
    return create_app(
        {"TESTING": True, "WTF_CSRF_ENABLED": csrf, "DATA_DIR": str(home)}, control=control
    )


@pytest.fixture
def control() -> RecordingAssistant:
    return RecordingAssistant()


@pytest.fixture
def app(data_home: Path, control: RecordingAssistant) -> Flask:
    return make_app(data_home, control)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def config_path(app: Flask) -> Path:
    return Path(app.config["CONFIG_PATH"])


@pytest.fixture
def csrf_app(data_home: Path, control: RecordingAssistant) -> Iterator[Flask]:
    yield make_app(data_home, control, csrf=True)
