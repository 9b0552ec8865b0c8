"""Admin page origin checks: only this computer's Host names, `next` only to a same-site path."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from skill.admin import create_app
from skill.admin.origin import host_allowed, safe_next, trusted_hosts
from skill.admin.security import PasswordStore
from skill.admin.settings import AdminSettings
from skill.config import ConfigError, load_config, parse_config
from tests.admin_support import PASSWORD, RecordingAssistant


@pytest.mark.parametrize(
    "host", ["127.0.0.1:8765", "localhost:8765", "[::1]:8765", "127.0.0.1", "LOCALHOST:8765"]
)
def test_loopback_names_are_served(client, host: str) -> None:
    assert client.get("/login", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:8765",
        "localhost.evil.example:8765",
        "127.0.0.1.evil.example",
        "192.168.1.20:8765",
        "localhost:99999",
        "localhost:8765@evil.example",
    ],
)
def test_other_host_names_are_refused(client, host: str) -> None:
    for path in ("/login", "/", "/settings/", "/healthz", "/static/style.css"):
        assert client.get(path, headers={"Host": host}).status_code == 400, (path, host)
    assert (
        client.post("/login", data={"password": PASSWORD}, headers={"Host": host}).status_code
        == 400
    )


def test_logged_in_browser_cannot_be_reached_through_a_rebound_name(client, auth) -> None:
    auth.login()
    assert client.get("/settings/").status_code == 200
    assert client.get("/settings/", headers={"Host": "evil.example:8765"}).status_code == 400


def _lan_app(home: Path, lan_hosts: str) -> Flask:
    path = home / "config.toml"
    text = path.read_text() if path.exists() else ""
    path.write_text(text + f"\n[admin]\nallow_lan = true\nlan_hosts = {lan_hosts}\n")
    config = load_config(path)
    PasswordStore(home).set(PASSWORD)
    return create_app(
        {"TESTING": True, "WTF_CSRF_ENABLED": False, "DATA_DIR": str(home)},
        control=RecordingAssistant(),
        config=config,
    )


def test_lan_access_adds_configured_names_and_addresses_only(data_home: Path) -> None:
    client = _lan_app(data_home, '["Cramp.Home.Arpa"]').test_client()
    for host in ("cramp.home.arpa:8765", "192.168.1.20:8765", "[fe80::1]:8765", "localhost:8765"):
        assert client.get("/login", headers={"Host": host}).status_code == 200, host
    for host in ("evil.example:8765", "cramp.home.arpa.evil.example"):
        assert client.get("/login", headers={"Host": host}).status_code == 400, host


def test_without_lan_access_lan_names_are_refused() -> None:
    names = trusted_hosts(AdminSettings(allow_lan=False, lan_hosts=("cramp.home.arpa",)))
    assert not host_allowed("cramp.home.arpa:8765", names, any_address=False)
    assert not host_allowed("192.168.1.20:8765", names, any_address=False)
    assert host_allowed("127.0.0.1:8765", names, any_address=False)


def test_a_bad_lan_host_name_is_reported_with_its_key() -> None:
    with pytest.raises(ConfigError, match="lan_hosts"):
        parse_config('[admin]\nlan_hosts = ["http://evil.example/"]\n')


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "/\t/evil.example",
        "/%09/evil.example",
        "/\\evil.example",
        "/\\/evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "evil.example",
        "///evil.example",
        "/\u3000/evil.example",
        "/.//evil.example",
        "/%2e//evil.example",
        "/a/..//evil.example",
    ],
)
def test_next_never_leaves_the_site(client, target: str) -> None:
    response = client.post("/login", query_string={"next": target}, data={"password": PASSWORD})
    if response.status_code == 400:
        assert "\t" in target  # control characters are refused outright
        return
    assert response.status_code == 302
    location = response.location
    assert location.startswith("/") and not location.startswith(("//", "/\\"))
    assert "evil.example" not in location.split("?")[0].split("/")[1]


@pytest.mark.parametrize("target", ["/a\r\nSet-Cookie: x=1", "/\x00", "/diary/\n", "/\x7f"])
def test_control_characters_in_next_are_a_400_not_a_500(client, target: str) -> None:
    for method in (client.get, client.post):
        response = method("/login", query_string={"next": target}, data={"password": PASSWORD})
        assert response.status_code == 400
        assert "Set-Cookie: x" not in str(response.headers)


def test_next_keeps_a_same_site_path_with_its_query(client) -> None:
    response = client.post(
        "/login", query_string={"next": "/diary/?weeks=8"}, data={"password": PASSWORD}
    )
    assert response.location == "/diary/?weeks=8"


def test_safe_next_checks_the_normalised_form() -> None:
    assert safe_next("//evil.example", "/") == "/"
    assert safe_next("/.//evil.example", "/") == "/"
    assert safe_next("/réglages/", "/") == "/r%C3%A9glages/"
    assert safe_next(None, "/") == "/"


def test_redirect_to_login_keeps_the_page_as_next(app: Flask) -> None:
    response = app.test_client().get("/reminders/")
    assert response.location == "/login?next=/reminders/"
