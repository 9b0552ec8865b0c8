"""Reminder announcements to Home Assistant's REST API, against a small HTTP server on loopback."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from skill.wyoming_service.announce import (
    TOKEN_FILENAME,
    AnnounceError,
    HomeAssistantAnnouncer,
    read_token,
)
from skill.wyoming_service.settings import WyomingSettings

TOKEN = "eyJhbGciOiJIUzI1NiJ9.test-token"


class FakeHomeAssistant(HTTPServer):
    """Records service calls; answers 401 to a wrong bearer token like Home Assistant does."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.calls: list[dict[str, Any]] = []
        self.received = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: FakeHomeAssistant

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        authorised = self.headers.get("Authorization") == f"Bearer {TOKEN}"
        self.server.calls.append({"path": self.path, "auth": authorised,
                                  "type": self.headers.get("Content-Type"),
                                  "body": json.loads(body)})
        self.send_response(200 if authorised else 401)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"[]")
        self.server.received.set()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def home_assistant() -> Iterator[FakeHomeAssistant]:
    server = FakeHomeAssistant()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def write_token(data_home: Path, token: str = TOKEN) -> Path:
    path = data_home / TOKEN_FILENAME
    path.write_text(token + "\n")
    path.chmod(0o600)
    return path


def settings_for(url: str, **extra: object) -> WyomingSettings:
    return WyomingSettings.from_dict({
        "announce_url": url, "announce_entities": ["assist_satellite.bedroom"], **extra
    })


def test_not_configured_means_no_announcer(data_home: Path) -> None:
    assert HomeAssistantAnnouncer.from_settings(WyomingSettings()) is None


def test_configured_without_token_file_says_where_to_put_it(data_home: Path) -> None:
    with pytest.raises(AnnounceError) as info:
        HomeAssistantAnnouncer.from_settings(settings_for("http://127.0.0.1:9"))
    assert str(data_home / TOKEN_FILENAME) in str(info.value)
    assert "long-lived access token" in str(info.value)


def test_satellite_announce_posts_message_with_bearer_token(
    data_home: Path, home_assistant: FakeHomeAssistant
) -> None:
    write_token(data_home)
    announcer = HomeAssistantAnnouncer.from_settings(settings_for(home_assistant.url))
    assert announcer is not None
    assert announcer.announce("Time for a glass of water.") is True
    [call] = home_assistant.calls
    assert call["path"] == "/api/services/assist_satellite/announce"
    assert call["auth"] is True
    assert call["type"] == "application/json"
    assert call["body"] == {"entity_id": ["assist_satellite.bedroom"],
                            "message": "Time for a glass of water."}


def test_tts_speak_names_engine_and_media_players(
    data_home: Path, home_assistant: FakeHomeAssistant
) -> None:
    write_token(data_home)
    settings = WyomingSettings.from_dict({
        "announce_url": home_assistant.url, "announce_service": "tts.speak",
        "announce_tts_entity": "tts.piper", "announce_entities": ["media_player.bedroom"],
    })
    announcer = HomeAssistantAnnouncer.from_settings(settings)
    assert announcer is not None and announcer.announce("Stretch time.")
    [call] = home_assistant.calls
    assert call["path"] == "/api/services/tts/speak"
    assert call["body"] == {"entity_id": "tts.piper",
                            "media_player_entity_id": ["media_player.bedroom"],
                            "message": "Stretch time."}


def test_wrong_token_is_logged_not_raised(
    data_home: Path, home_assistant: FakeHomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    write_token(data_home, "not-the-token")
    announcer = HomeAssistantAnnouncer.from_settings(settings_for(home_assistant.url))
    assert announcer is not None
    with caplog.at_level(logging.ERROR):
        assert announcer.announce("Stretch time.") is False
    assert "HTTP 401" in caplog.text and "token" in caplog.text
    assert "not-the-token" not in caplog.text


def test_unreachable_home_assistant_is_logged_not_raised(
    data_home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write_token(data_home)
    closed = HTTPServer(("127.0.0.1", 0), _Handler)
    url = f"http://127.0.0.1:{closed.server_address[1]}"
    closed.server_close()
    announcer = HomeAssistantAnnouncer.from_settings(settings_for(url))
    assert announcer is not None
    with caplog.at_level(logging.ERROR):
        assert announcer.announce("Stretch time.") is False
    assert "cannot reach Home Assistant" in caplog.text


def test_sink_announces_the_reminder_text_off_the_calling_thread(
    data_home: Path, home_assistant: FakeHomeAssistant
) -> None:
    write_token(data_home)
    announcer = HomeAssistantAnnouncer.from_settings(settings_for(home_assistant.url))
    assert announcer is not None
    on_due = announcer.sink(lambda due: f"reminder: {due}")
    on_due("hydration")
    assert home_assistant.received.wait(30)
    assert home_assistant.calls[0]["body"]["message"] == "reminder: hydration"


def test_token_readable_by_others_is_warned_about(
    data_home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write_token(data_home)
    path.chmod(0o644)
    with caplog.at_level(logging.WARNING):
        assert read_token(path) == TOKEN
    assert "chmod 600" in caplog.text


def test_token_file_with_extra_lines_is_rejected(data_home: Path) -> None:
    path = write_token(data_home, f"{TOKEN}\nsecond line")
    with pytest.raises(AnnounceError):
        read_token(path)
