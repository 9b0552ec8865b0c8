"""Every admin route needs a session and every state-changing one a valid CSRF token."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

from tests.admin_support import PASSWORD

PUBLIC = {"auth.login", "auth.setup", "status.healthz", "static"}


def _routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every rule, with sample values for URL arguments."""
    out = []
    for rule in app.url_map.iter_rules():
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "1" if "id" in m.group(1) else "x", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, method, url))
    return out


def test_route_list_covers_every_page(app: Flask) -> None:
    endpoints = {endpoint for endpoint, _, _ in _routes(app)}
    for name in (
        "status.index",
        "settings.save",
        "reminders.index",
        "diary.index",
        "diary.export_csv",
    ):
        assert name in endpoints


def test_every_route_but_login_and_healthz_requires_a_session(app: Flask) -> None:
    client = app.test_client()
    checked = 0
    for endpoint, method, url in _routes(app):
        if endpoint in PUBLIC:
            continue
        response = client.open(url, method=method, data={})
        assert response.status_code in (302, 401), (endpoint, method, response.status_code)
        if response.status_code == 302:
            assert response.location.startswith("/login")
        checked += 1
    assert checked >= 10


def test_healthz_needs_no_session(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.data == b"ok\n"


def _token(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match is not None
    return match.group(1)


def _login_with_csrf(client) -> str:
    token = _token(client.get("/login").get_data(as_text=True))
    assert (
        client.post("/login", data={"password": PASSWORD, "csrf_token": token}).status_code == 302
    )
    return _token(client.get("/settings/").get_data(as_text=True))


@pytest.mark.parametrize("token", [None, "", "wrong-token"])
def test_every_state_changing_route_rejects_missing_or_wrong_csrf(csrf_app: Flask, token) -> None:
    client = csrf_app.test_client()
    _login_with_csrf(client)
    control = csrf_app.extensions["cramp"].control
    config_path = csrf_app.config["CONFIG_PATH"]
    before = Path(config_path).read_text()
    posts = [(e, m, u) for e, m, u in _routes(csrf_app) if m not in ("GET",)]
    assert len(posts) >= 10
    for endpoint, method, url in posts:
        data = {"speech.rate": "200", "text": "hello", "name": "x", "time": "10:00"}
        if token is not None:
            data["csrf_token"] = token
        response = client.open(url, method=method, data=data)
        assert response.status_code == 400, (endpoint, response.status_code)
        assert b"CSRF" in response.data
    assert Path(config_path).read_text() == before
    assert control.said == [] and control.applied == [] and control.checks == 0
    assert control.stops == 0


def test_login_itself_needs_the_csrf_token(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    assert client.post("/login", data={"password": PASSWORD}).status_code == 400
    assert client.get("/").status_code == 302


def test_valid_csrf_token_is_accepted(csrf_app: Flask) -> None:
    client = csrf_app.test_client()
    token = _login_with_csrf(client)
    response = client.post("/settings/", data={"speech.rate": "201", "csrf_token": token})
    assert response.status_code == 302
    assert csrf_app.extensions["cramp"].control.applied[-1].speech.rate == 201


def test_uploads_are_refused(client, auth) -> None:
    auth.login()
    response = client.post(
        "/settings/say",
        data={"text": "x", "file": (__import__("io").BytesIO(b"x"), "a.wav")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 415


def test_pages_send_a_strict_content_security_policy(client, auth) -> None:
    auth.login()
    response = client.get("/")
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_load_nothing_from_elsewhere(client, auth) -> None:
    auth.login()
    for url in ("/", "/settings/", "/reminders/", "/diary/", "/login"):
        page = client.get(url).get_data(as_text=True)
        for found in re.findall(r'(?:src|href|action)="([^"]*)"', page):
            assert found.startswith(("/", "#", "?")), (url, found)
    css = client.get("/static/style.css")
    assert css.status_code == 200 and b"url(" not in css.data and b"@import" not in css.data
    css.close()
