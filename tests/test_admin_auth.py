"""Admin login: no default password, setup token, back-off, session cookie, secret key file."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from flask import Flask

from skill.admin import create_app
from skill.admin.security import SECRET_KEY_FILE, LoginBackoff, PasswordStore
from tests.admin_support import PASSWORD, AuthActions, RecordingAssistant, make_app


def test_login_page_is_public_and_other_pages_redirect_to_it(client) -> None:
    assert client.get("/login").status_code == 200
    response = client.get("/settings/")
    assert response.status_code == 302
    assert response.location.startswith("/login")


def test_right_password_opens_a_session_and_logout_ends_it(client, auth: AuthActions) -> None:
    response = auth.login()
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    auth.logout()
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused(client, auth: AuthActions) -> None:
    response = auth.login("not-the-password")
    assert response.status_code == 401
    assert b"Wrong password" in response.data
    assert client.get("/").status_code == 302


def test_wrong_passwords_make_the_next_attempt_wait_without_checking_it(
    client, auth: AuthActions
) -> None:
    for _ in range(3):
        assert auth.login("wrong-password").status_code == 401
    waiting = auth.login()
    assert waiting.status_code == 429
    assert 1 <= int(waiting.headers["Retry-After"]) <= 4
    assert b"Try again in" in waiting.data
    assert client.get("/").status_code == 302


def test_backoff_doubles_up_to_its_cap_and_never_locks_out() -> None:
    now = [0.0]
    backoff = LoginBackoff(free=2, base=0.5, cap=4.0, clock=lambda: now[0])
    waits = []
    for _ in range(10):
        backoff.failed("anyone", "epoch")
        wait = backoff.begin("anyone", "epoch")
        if wait:
            now[0] += wait
            assert backoff.begin("anyone", "epoch") == 0.0
        waits.append(wait)
    assert waits == [0.0, 0.5, 1.0, 2.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0]
    assert backoff.begin("device:mine", "epoch") == 0.0
    backoff.succeeded("anyone", "epoch")
    assert backoff.begin("anyone", "epoch") == 0.0


def test_a_new_password_clears_the_backoff() -> None:
    backoff = LoginBackoff(free=0, base=4.0, cap=4.0)
    backoff.failed("anyone", "old-fingerprint")
    assert backoff.begin("anyone", "old-fingerprint") > 3.0
    assert backoff.begin("anyone", "new-fingerprint") == 0.0


def test_parallel_attempts_cannot_share_one_slot() -> None:
    backoff = LoginBackoff(free=0, base=2.0, cap=2.0)
    assert backoff.begin("anyone", "e") == 0.0
    assert backoff.begin("anyone", "e") > 1.0


def test_session_cookie_is_httponly_and_samesite(client, auth: AuthActions) -> None:
    response = auth.login()
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert re.search(r"SameSite=(Strict|Lax)", cookie)


def test_secret_key_is_persistent_and_private(data_home: Path, control: RecordingAssistant) -> None:
    first = make_app(data_home, control)
    second = create_app({"DATA_DIR": str(data_home)}, control=control)
    path = data_home / SECRET_KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert first.secret_key == second.secret_key == path.read_bytes()
    assert len(path.read_bytes()) >= 32


def test_password_is_stored_as_a_hash(data_home: Path) -> None:
    store = PasswordStore(data_home)
    store.set(PASSWORD)
    stored = store.path.read_text()
    assert PASSWORD not in stored
    assert stored.startswith(("scrypt:", "pbkdf2:"))
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert store.check(PASSWORD) and not store.check(PASSWORD + "x")


def test_changing_the_password_ends_old_sessions(app: Flask, client, auth: AuthActions) -> None:
    auth.login()
    assert client.get("/").status_code == 200
    PasswordStore(Path(app.config["DATA_DIR"])).set("another-password")
    assert client.get("/").status_code == 302


@pytest.fixture
def fresh_app(data_home: Path, control: RecordingAssistant) -> Flask:
    return make_app(data_home, control, password=False)


def test_no_default_password_nothing_logs_in(fresh_app: Flask) -> None:
    client = fresh_app.test_client()
    for guess in ("", "admin", "password", "cramp-coach"):
        client.post("/login", data={"password": guess})
        assert client.get("/").status_code == 302
    assert b"set-password" in client.get("/login").data


def test_setup_token_lets_the_first_visitor_choose_the_password(fresh_app: Flask) -> None:
    token = fresh_app.extensions["cramp"].setup_token.value
    client = fresh_app.test_client()
    bad = client.post(
        "/setup", data={"token": "guess", "password": "abcdefgh1", "confirm": "abcdefgh1"}
    )
    assert bad.status_code == 400
    assert b"token is not valid" in bad.data
    short = client.post("/setup", data={"token": token, "password": "short", "confirm": "short"})
    assert short.status_code == 400
    assert b"at least 8" in short.data
    good = client.post(
        "/setup", data={"token": token, "password": "abcdefgh1", "confirm": "abcdefgh1"}
    )
    assert good.status_code == 302
    assert client.get("/").status_code == 200
    # The token is spent: a second visitor cannot reset the password with it.
    other = fresh_app.test_client()
    again = other.post(
        "/setup", data={"token": token, "password": "hijacked1", "confirm": "hijacked1"}
    )
    assert again.status_code == 302
    assert fresh_app.extensions["cramp"].passwords.check("abcdefgh1")


def test_login_next_only_goes_to_local_paths(client) -> None:
    response = client.post("/login?next=//evil.example/x", data={"password": PASSWORD})
    assert response.location == "/"
    client.post("/logout")
    response = client.post("/login?next=/diary/", data={"password": PASSWORD})
    assert response.location == "/diary/"
