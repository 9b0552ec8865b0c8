"""Settings page: saved to config.toml with comments kept, field-level errors, applied live."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from skill.config import load_config
from tests.admin_support import AuthActions, RecordingAssistant


def _comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.lstrip().startswith("#")]


def test_settings_page_shows_the_current_values(client, auth: AuthActions) -> None:
    auth.login()
    page = client.get("/settings/").get_data(as_text=True)
    assert 'name="speech.rate" value="150"' in page
    assert 'name="safety.emergency_number" value="112"' in page
    assert 'name="reminders.bedtime" value="22:30"' in page
    assert "System default" in page


def test_saving_writes_config_keeps_comments_and_applies_live(
    client, auth: AuthActions, config_path: Path, control: RecordingAssistant
) -> None:
    auth.login()
    comments = _comments(config_path.read_text())
    response = client.post(
        "/settings/",
        data={
            "speech.rate": "175",
            "speech.night_profile": ["false"],
            "reminders.bedtime": "21:15",
            "safety.emergency_number": "999",
        },
    )
    assert response.status_code == 302
    text = config_path.read_text()
    assert _comments(text) == comments
    config = load_config(config_path)
    assert config.speech.rate == 175
    assert config.speech.night_profile is False
    assert config.reminders.bedtime.strftime("%H:%M") == "21:15"
    assert config.safety.emergency_number == "999"
    assert control.applied[-1].speech.rate == 175
    assert "Saved and applied" in client.get("/settings/").get_data(as_text=True)


def test_ticked_checkbox_posts_true_after_the_hidden_false(
    client, auth: AuthActions, config_path: Path
) -> None:
    auth.login()
    client.post("/settings/", data={"admin.allow_lan": ["false", "true"]})
    assert load_config(config_path).admin.allow_lan is True
    page = client.get("/settings/").get_data(as_text=True)
    assert 'id="lan-warning"' in page


def test_fields_absent_from_the_post_are_left_alone(
    client, auth: AuthActions, config_path: Path, control: RecordingAssistant
) -> None:
    auth.login()
    before = config_path.read_text()
    assert client.post("/settings/", data={"unrelated": "x"}).status_code == 302
    assert config_path.read_text() == before
    assert control.applied == []


def test_invalid_values_are_reported_per_field_and_nothing_is_saved(
    client, auth: AuthActions, config_path: Path, control: RecordingAssistant
) -> None:
    auth.login()
    before = config_path.read_text()
    response = client.post(
        "/settings/",
        data={
            "speech.rate": "9000",
            "speech.volume": "loud",
            "reminders.quiet_start": "7pm",
            "voice.wake_word": "fine",
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'data-field="speech.rate"' in page and "from 60 to 400" in page
    assert 'data-field="speech.volume"' in page and "0.0 to 1.0" in page
    assert 'data-field="reminders.quiet_start"' in page and "HH:MM" in page
    assert 'data-field="voice.wake_word"' not in page
    assert 'name="speech.rate" value="9000"' in page
    assert config_path.read_text() == before
    assert control.applied == []


def test_a_device_not_in_the_real_list_is_refused(
    client, auth: AuthActions, config_path: Path
) -> None:
    auth.login()
    before = config_path.read_text()
    response = client.post("/settings/", data={"voice.input_device": "no such microphone"})
    assert response.status_code == 400
    assert 'data-field="voice.input_device"' in response.get_data(as_text=True)
    assert config_path.read_text() == before


def test_language_is_chosen_from_the_packs(client, auth: AuthActions, config_path: Path) -> None:
    auth.login()
    assert client.post("/settings/", data={"general.language": "ko"}).status_code == 302
    assert load_config(config_path).general.language == "ko"
    assert client.post("/settings/", data={"general.language": "fr"}).status_code == 400


def test_saved_text_is_escaped_on_the_page(client, auth: AuthActions) -> None:
    auth.login()
    client.post("/settings/", data={"speech.voice": '<script>alert("x")</script>'})
    page = client.get("/settings/").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


def test_say_this_speaks_through_the_assistant(
    client, auth: AuthActions, control: RecordingAssistant
) -> None:
    auth.login()
    assert client.post("/settings/say", data={"text": "  testing one two  "}).status_code == 302
    assert control.said == ["testing one two"]
    client.post("/settings/say", data={"text": ""})
    client.post("/settings/say", data={"text": "x" * 301})
    assert control.said == ["testing one two"]


def test_bedtime_check_shows_each_part(
    client, auth: AuthActions, control: RecordingAssistant
) -> None:
    auth.login()
    page = client.post("/bedtime-check").get_data(as_text=True)
    assert control.checks == 1
    assert 'id="bedtime-report"' in page
    assert "Speaker:" in page and "Microphone:" in page and "silent" in page


def test_status_page_shows_the_applied_settings(app: Flask, client, auth: AuthActions) -> None:
    auth.login()
    client.post("/settings/", data={"speech.rate": "190"})
    page = client.get("/").get_data(as_text=True)
    assert "190 words per minute" in page
    data = client.get("/status.json").get_json()
    assert data["rate"] == 190 and data["level"] == 0.25


class _BrokenAssistant(RecordingAssistant):
    def apply_config(self, config) -> None:  # type: ignore[no-untyped-def]
        raise RuntimeError("speech engine gone")

    def say(self, text: str) -> None:
        raise RuntimeError("no speaker")

    def bedtime_check(self):  # type: ignore[no-untyped-def]
        raise RuntimeError("mic busy")

    def stop_speaking(self) -> None:
        raise RuntimeError("speaker gone")


def test_assistant_failures_are_reported_not_500(data_home: Path) -> None:
    from tests.admin_support import make_app

    app = make_app(data_home, _BrokenAssistant())
    client = app.test_client()
    AuthActions(client).login()
    saved = client.post("/settings/", data={"speech.rate": "180"}, follow_redirects=True)
    assert saved.status_code == 200
    assert "speech engine gone" in saved.get_data(as_text=True)
    assert load_config(Path(app.config["CONFIG_PATH"])).speech.rate == 180
    said = client.post("/settings/say", data={"text": "hi"}, follow_redirects=True)
    assert "no speaker" in said.get_data(as_text=True)
    checked = client.post("/bedtime-check")
    assert checked.status_code == 200 and "mic busy" in checked.get_data(as_text=True)
    stopped = client.post("/stop-speaking", follow_redirects=True)
    assert stopped.status_code == 200 and "speaker gone" in stopped.get_data(as_text=True)


def test_stop_button_cuts_the_assistants_speech(client, auth, control) -> None:  # type: ignore[no-untyped-def]
    auth.login()
    assert client.post("/stop-speaking").status_code == 302
    assert control.stops == 1


def test_a_junk_checkbox_value_is_a_field_error_not_false(
    client, auth: AuthActions, config_path: Path
) -> None:
    auth.login()
    client.post("/settings/", data={"speech.night_chime": ["false", "true"]})
    before = config_path.read_text()
    for junk in (["false", "yes"], ["on"], ["TRUE"], ["false", "true", "true"], [""]):
        response = client.post("/settings/", data={"speech.night_chime": junk})
        assert response.status_code == 400, junk
        page = response.get_data(as_text=True)
        assert 'data-field="speech.night_chime"' in page
        assert "Soft chime before speaking at night: must be ticked or not" in page
        assert config_path.read_text() == before
    assert load_config(config_path).speech.night_chime is True


def test_control_characters_in_text_fields_are_a_field_error(
    client, auth: AuthActions, config_path: Path
) -> None:
    auth.login()
    before = config_path.read_text()
    for text in ("hey\tcoach", "hey\ncoach", "coach\x07", "\u202ehcaoc", "hey\u2028coach"):
        response = client.post("/settings/", data={"voice.wake_word": text})
        assert response.status_code == 400, repr(text)
        page = response.get_data(as_text=True)
        assert "Wake word: must not contain control characters" in page
    response = client.post("/settings/", data={"safety.emergency_number": "11\r2"})
    assert "Emergency number: must not contain control characters" in response.get_data(
        as_text=True
    )
    assert config_path.read_text() == before
    assert client.post("/settings/", data={"voice.wake_word": "hey coach"}).status_code == 302
    assert load_config(config_path).voice.wake_word == "hey coach"


def test_say_this_refuses_control_characters(client, auth, control) -> None:  # type: ignore[no-untyped-def]
    auth.login()
    client.post("/settings/say", data={"text": "hello\x1b[2J"})
    assert control.said == []
    assert "must not contain control characters" in client.get("/settings/").get_data(as_text=True)
