"""[wyoming] settings: documented defaults, accepted values, clear errors naming the key."""

from __future__ import annotations

import pytest

from cramp_common.validate import SettingError
from skill.wyoming_service.settings import WyomingSettings


def test_defaults_listen_on_loopback_with_announcements_off() -> None:
    settings = WyomingSettings.from_dict({})
    assert settings.uri == "tcp://127.0.0.1:10700"
    assert settings.zeroconf is False
    assert settings.asr is True
    assert settings.announce_enabled is False


@pytest.mark.parametrize("uri", ["tcp://0.0.0.0:10700", "unix:///tmp/coach.sock", "stdio://"])
def test_accepts_every_transport(uri: str) -> None:
    assert WyomingSettings.from_dict({"uri": uri}).uri == uri


@pytest.mark.parametrize("uri", ["tcp://0.0.0.0", "http://x:1", "tcp://:10700", "unix://", "10700"])
def test_rejects_unusable_uri(uri: str) -> None:
    with pytest.raises(SettingError) as info:
        WyomingSettings.from_dict({"uri": uri})
    assert info.value.key == "uri"


def test_announcement_settings() -> None:
    settings = WyomingSettings.from_dict({
        "announce_url": "http://homeassistant.local:8123/",
        "announce_entities": ["assist_satellite.bedroom", "assist_satellite.hall"],
    })
    assert settings.announce_url == "http://homeassistant.local:8123"
    assert settings.announce_entities == ("assist_satellite.bedroom", "assist_satellite.hall")
    assert settings.announce_enabled is True
    comma = WyomingSettings.from_dict({"announce_entities": "media_player.a, media_player.b"})
    assert comma.announce_entities == ("media_player.a", "media_player.b")


@pytest.mark.parametrize(("data", "key"), [
    ({"announce_url": "homeassistant.local:8123"}, "announce_url"),
    ({"announce_entities": ["Bedroom speaker"]}, "announce_entities"),
    ({"announce_entities": 3}, "announce_entities"),
    ({"announce_service": "notify.notify"}, "announce_service"),
    ({"announce_service": "tts.speak", "announce_url": "http://ha:8123"}, "announce_tts_entity"),
    ({"max_conversations": 0}, "max_conversations"),
    ({"conversation_minutes": "ten"}, "conversation_minutes"),
])
def test_bad_values_name_their_key(data: dict[str, object], key: str) -> None:
    with pytest.raises(SettingError) as info:
        WyomingSettings.from_dict(data)
    assert info.value.key == key
