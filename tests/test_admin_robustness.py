"""Random form posts (hypothesis): never a server error, never a config.toml that fails to load."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.admin.settings_page import FIELDS
from skill.config import parse_config

FIELD_NAMES = [field.name for field in FIELDS]
TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=60)
VALUES = st.one_of(
    TEXT,
    st.integers(-(10**6), 10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(
        [
            "",
            "true",
            "false",
            "22:30",
            "7:05",
            "24:00",
            "nan",
            "1e999",
            "ko",
            "en",
            "112",
            "０１２",
            "\x00",
            "[x]\ny = 1",
            '"',
            "\\",
            "\n# comment",
        ]
    ),
)
FORMS = st.dictionaries(
    st.one_of(st.sampled_from(FIELD_NAMES), TEXT),
    st.one_of(VALUES, st.lists(VALUES, min_size=1, max_size=3)),
    max_size=8,
)
SETTINGS = settings(
    max_examples=1500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


def _log_in(app: Flask, client) -> None:
    """Open a session directly: a real login per example would spend its time hashing."""
    state = app.extensions["cramp"]
    fingerprint = state.passwords.fingerprint()
    with client.session_transaction() as session:
        if not state.sessions.is_open(session.get("sid"), fingerprint):
            session["auth"] = fingerprint
            session["sid"] = state.sessions.open(fingerprint)


def _comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("#")]


@SETTINGS
@given(form=FORMS)
def test_random_settings_posts_never_fail_or_corrupt_the_config(
    app: Flask, client, config_path: Path, form: dict
) -> None:
    comments = _comments(config_path.read_text())
    _log_in(app, client)
    response = client.post("/settings/", data=form)
    assert response.status_code in (302, 400), response.status_code
    text = config_path.read_text()
    parse_config(text, str(config_path))
    assert _comments(text) == comments


OTHER_ROUTES = st.one_of(
    st.sampled_from(
        [
            "/settings/say",
            "/login",
            "/setup",
            "/logout",
            "/bedtime-check",
            "/reminders/add",
            "/reminders/hydration/disable",
            "/reminders/stretch/enable",
        ]
    ),
    st.builds(
        "/reminders/{}/{}".format,
        st.sampled_from(["custom-1", "custom-2", "hydration", "x%20y", "%00"]),
        st.sampled_from(["edit", "enable", "disable", "delete"]),
    ),
)


@settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
@given(url=OTHER_ROUTES, form=FORMS, logged_in=st.booleans())
def test_random_posts_elsewhere_never_fail(
    app: Flask, client, url: str, form: dict, logged_in: bool
) -> None:
    if logged_in:
        _log_in(app, client)
    response = client.post(url, data=form)
    assert response.status_code < 500, (url, response.status_code)
