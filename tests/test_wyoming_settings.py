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
    ({"max_connections": 0}, "max_connections"),
    ({"idle_timeout_seconds": 1}, "idle_timeout_seconds"),
    ({"stt_workers": 0}, "stt_workers"),
    ({"token_file": 7}, "token_file"),
    ({"trusted_addresses": "192.168.1.5"}, "trusted_addresses"),
    ({"trusted_addresses": ["homeassistant.local"]}, "trusted_addresses"),
    ({"diary_episodes_per_hour": -1}, "diary_episodes_per_hour"),
    ({"diary_events_per_minute": True}, "diary_events_per_minute"),
])
def test_bad_values_name_their_key(data: dict[str, object], key: str) -> None:
    with pytest.raises(SettingError) as info:
        WyomingSettings.from_dict(data)
    assert info.value.key == key


def test_hardening_defaults_and_values() -> None:
    defaults = WyomingSettings.from_dict({})
    assert (defaults.max_connections, defaults.idle_timeout_seconds, defaults.stt_workers) == (
        16, 60, 2)
    assert defaults.token_file == "" and defaults.trusted_addresses == ()
    settings = WyomingSettings.from_dict({
        "trusted_addresses": ["192.168.1.5", "10.0.0.0/8", "::1"], "max_connections": 4,
    })
    assert settings.trusted_addresses == ("192.168.1.5", "10.0.0.0/8", "::1")
    assert settings.max_connections == 4


def test_shipped_config_parses_with_the_documented_defaults() -> None:
    import tomllib
    from pathlib import Path

    default_config = Path(__file__).parents[1] / "skill" / "default_config.toml"
    shipped = tomllib.loads(default_config.read_text())["wyoming"]
    assert WyomingSettings.from_dict(shipped) == WyomingSettings()
