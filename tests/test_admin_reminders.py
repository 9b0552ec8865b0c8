"""Reminders page: list with next run, add, edit, switch on/off, delete; errors name the field."""

from __future__ import annotations

from cramp_common.paths import data_dir
from scheduler.catalog import ReminderCatalog
from scheduler.definitions import DEFINITIONS_FILE, DefinitionStore
from skill.config import Config
from tests.admin_support import AuthActions


def _catalog() -> ReminderCatalog:
    return ReminderCatalog(Config().reminders, DefinitionStore(data_dir() / DEFINITIONS_FILE))


def _user_ids() -> list[str]:
    return [r.id for r in _catalog().reminders() if r.source == "user"]


def test_list_shows_the_configured_reminders_with_next_run(client, auth: AuthActions) -> None:
    auth.login()
    page = client.get("/reminders/").get_data(as_text=True)
    assert 'data-id="hydration"' in page and 'data-id="stretch"' in page
    assert "Evening stretch" in page


def test_add_then_listed_with_days_and_next_run(client, auth: AuthActions) -> None:
    auth.login()
    response = client.post(
        "/reminders/add", data={"at": "16:05", "text": "Calf raises <now>", "days": ["mon", "thu"]}
    )
    assert response.status_code == 302
    [rid] = _user_ids()
    reminder = _catalog().get(rid)
    assert reminder.days == ("mon", "thu") and reminder.text == "Calf raises <now>"
    page = client.get("/reminders/").get_data(as_text=True)
    assert f'data-id="{rid}"' in page
    assert "Calf raises &lt;now&gt;" in page
    assert "mon,thu 16:05" in page


def test_add_errors_name_the_field(client, auth: AuthActions) -> None:
    auth.login()
    bad_time = client.post("/reminders/add", data={"at": "25:99", "text": "x"})
    assert bad_time.status_code == 400
    assert 'data-field="at"' in bad_time.get_data(as_text=True)
    no_text = client.post("/reminders/add", data={"at": "10:00", "text": "   "})
    assert 'data-field="text"' in no_text.get_data(as_text=True)
    bad_day = client.post("/reminders/add", data={"at": "10:00", "text": "x", "days": "someday"})
    assert 'data-field="days"' in bad_day.get_data(as_text=True)
    assert _user_ids() == []


def test_edit_switch_off_on_and_delete(client, auth: AuthActions) -> None:
    auth.login()
    client.post("/reminders/add", data={"at": "09:00", "text": "Water"})
    [rid] = _user_ids()
    assert client.get(f"/reminders/{rid}/edit").status_code == 200
    bad = client.post(f"/reminders/{rid}/edit", data={"at": "nine", "text": "Water"})
    assert bad.status_code == 400 and 'data-field="at"' in bad.get_data(as_text=True)
    client.post(f"/reminders/{rid}/edit", data={"at": "09:30", "text": "More water"})
    assert _catalog().get(rid).text == "More water"
    client.post(f"/reminders/{rid}/disable")
    assert _catalog().get(rid).enabled is False
    client.post(f"/reminders/{rid}/enable")
    assert _catalog().get(rid).enabled is True
    client.post(f"/reminders/{rid}/delete")
    assert _user_ids() == []


def test_configured_reminders_can_be_switched_off_but_not_deleted(
    client, auth: AuthActions
) -> None:
    auth.login()
    client.post("/reminders/hydration/disable")
    assert _catalog().get("hydration").enabled is False
    page = client.post("/reminders/hydration/delete", follow_redirects=True).get_data(as_text=True)
    assert "cannot be removed" in page
    assert _catalog().find("hydration") is not None
    assert client.get("/reminders/hydration/edit").status_code == 302


def test_unknown_reminder_id_is_a_message_not_an_error(client, auth: AuthActions) -> None:
    auth.login()
    response = client.post("/reminders/custom-999/disable", follow_redirects=True)
    assert response.status_code == 200
    assert "is not a reminder" in response.get_data(as_text=True)


def test_status_page_lists_the_next_reminders(client, auth: AuthActions) -> None:
    auth.login()
    page = client.get("/").get_data(as_text=True)
    assert "None scheduled" not in page


def test_control_characters_in_a_reminder_are_a_field_error(client, auth: AuthActions) -> None:
    auth.login()
    response = client.post(
        "/reminders/add", data={"at": "16:20", "text": "Stretch\x1b[31m now", "days": ["tue"]}
    )
    assert response.status_code == 400
    assert "Text: must not contain control characters" in response.get_data(as_text=True)
    assert _user_ids() == []
