"""Reminder definitions (the CLI/admin API): validation naming the field, config vs user ones."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from scheduler.catalog import ReminderCatalog, ReminderInputError
from scheduler.definitions import DefinitionStore, ReminderStoreError
from scheduler.settings import CustomReminderSettings, FootbathSettings, ReminderSettings


@pytest.fixture
def catalog(tmp_path: Path) -> ReminderCatalog:
    return ReminderCatalog(ReminderSettings(timezone="Europe/London"),
                           DefinitionStore(tmp_path / "reminders.sqlite"))


def test_defaults_come_from_config_with_stable_ids(catalog: ReminderCatalog) -> None:
    by_id = {r.id: r for r in catalog.reminders()}
    assert list(by_id) == ["hydration", "footbath", "stretch"]
    assert by_id["stretch"].times == (time(22, 0),)
    assert by_id["hydration"].schedule() == "daily 09:00-21:00 every 2 h"
    assert by_id["footbath"].reply_key == "reminder.footbath.prompt"


def test_added_reminder_gets_a_new_id_that_is_never_reused(catalog: ReminderCatalog) -> None:
    first = catalog.add("16:00", "Short walk", "wed,mon")
    catalog.remove(first.id)
    second = catalog.add("16:00", "Short walk")
    assert (first.id, second.id) == ("custom-1", "custom-2")
    assert first.days == ("mon", "wed") and first.reply_key == "reminder.custom.prompt"


@pytest.mark.parametrize(
    ("at", "text", "days", "field"),
    [
        ("25:99", "Walk", "", "at"),
        ("7", "Walk", "", "at"),
        ("16:00", "", "", "text"),
        ("16:00", "   ", "", "text"),
        ("16:00", "x" * 201, "", "text"),
        ("16:00", "Walk", "mon,funday", "days"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(
    catalog: ReminderCatalog, at: str, text: str, days: str, field: str
) -> None:
    before = catalog.store.generation()
    with pytest.raises(ReminderInputError) as caught:
        catalog.add(at, text, days)
    assert caught.value.key == field
    assert catalog.store.customs() == []
    assert catalog.store.generation() == before


def test_config_reminders_can_be_switched_off_but_not_removed(catalog: ReminderCatalog) -> None:
    catalog.set_enabled("hydration", False)
    assert catalog.get("hydration").enabled is False
    catalog.set_enabled("hydration", True)
    assert catalog.get("hydration").enabled is True
    with pytest.raises(ReminderInputError, match="comes from config.toml"):
        catalog.remove("footbath")


def test_reminder_off_in_config_cannot_be_switched_on_here(tmp_path: Path) -> None:
    settings = ReminderSettings(footbath=FootbathSettings(enabled=False))
    catalog = ReminderCatalog(settings, DefinitionStore(tmp_path / "r.sqlite"))
    with pytest.raises(ReminderInputError, match=r"switched off in config.toml"):
        catalog.set_enabled("footbath", True)


def test_custom_reminders_from_config_are_listed_before_user_ones(tmp_path: Path) -> None:
    settings = ReminderSettings(custom=(CustomReminderSettings(time(16), "Walk", ("fri",)),))
    catalog = ReminderCatalog(settings, DefinitionStore(tmp_path / "r.sqlite"))
    catalog.add("17:00", "Tea")
    assert [r.id for r in catalog.reminders()][-2:] == ["config-1", "custom-1"]


def test_update_changes_only_the_given_fields(catalog: ReminderCatalog) -> None:
    added = catalog.add("16:00", "Walk", "mon")
    catalog.set_enabled(added.id, False)
    updated = catalog.update(added.id, at="17:15")
    assert (updated.times, updated.days, updated.text, updated.enabled) == (
        (time(17, 15),), ("mon",), "Walk", False)
    with pytest.raises(ReminderInputError) as caught:
        catalog.update(added.id, days="someday")
    assert caught.value.key == "days"


def test_every_edit_moves_the_change_counter(catalog: ReminderCatalog) -> None:
    seen = [catalog.store.generation()]
    added = catalog.add("16:00", "Walk")
    seen.append(catalog.store.generation())
    catalog.set_enabled("stretch", False)
    seen.append(catalog.store.generation())
    catalog.remove(added.id)
    seen.append(catalog.store.generation())
    assert seen == sorted(set(seen))


def test_unknown_id_is_named(catalog: ReminderCatalog) -> None:
    with pytest.raises(ReminderInputError) as caught:
        catalog.set_enabled("custom-42", False)
    assert (caught.value.key, caught.value.value) == ("id", "custom-42")


def test_next_run_is_computed_without_a_job_store(catalog: ReminderCatalog) -> None:
    zone = ZoneInfo("Europe/London")
    now = datetime(2025, 3, 30, 10, 5, tzinfo=zone)  # the day clocks go forward
    upcoming = catalog.upcoming(now, datetime(2025, 3, 31, tzinfo=zone))
    assert [(w.strftime("%H:%M"), r.id) for w, r in upcoming] == [
        ("11:00", "hydration"), ("13:00", "hydration"), ("15:00", "hydration"),
        ("17:00", "hydration"), ("19:00", "hydration"), ("20:30", "footbath"),
        ("21:00", "hydration"), ("22:00", "stretch"),
    ]


def test_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "reminders.sqlite"
    path.write_bytes(b"my shopping list\n" * 100)
    with pytest.raises(ReminderStoreError, match=r"reminders.sqlite: cannot use .*not a database"):
        DefinitionStore(path)
    assert path.read_bytes() == b"my shopping list\n" * 100
