"""[reminders] parsing: defaults, nested tables, errors with dotted keys the loader can place."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from cramp_common.validate import SettingError
from scheduler.settings import ReminderSettings, parse_days
from skill.config import ConfigError, parse_config

CONFIG = (Path(__file__).resolve().parents[1] / "config.toml").read_text(encoding="utf-8")


def test_documented_config_gives_the_issue_defaults_without_warnings() -> None:
    config, warnings = parse_config(CONFIG)
    r = config.reminders
    assert [w for w in warnings if "reminders" in w] == []
    assert r == ReminderSettings()
    assert r.hydration.times() == [time(h) for h in (9, 11, 13, 15, 17, 19, 21)]
    assert r.footbath.at == time(20, 30)
    assert r.stretch.minutes_before_bedtime == 30
    assert r.snooze_minutes == 10


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("every_hours = 2", "every_hours = 0", "hydration.every_hours"),
        ('at = "20:30"', 'at = "25:99"', "footbath.at"),
        ('end = "21:00"', 'end = "08:00"', "hydration.end"),
        ("minutes_before_bedtime = 30", "minutes_before_bedtime = -5",
         "stretch.minutes_before_bedtime"),
        ('timezone = ""', 'timezone = "Mars/Olympus"', "timezone"),
        ("snooze_minutes = 10", "snooze_minutes = 0", "snooze_minutes"),
    ],
)
def test_bad_value_is_reported_with_its_line(old: str, new: str, key: str) -> None:
    assert old in CONFIG
    text = CONFIG.replace(old, new, 1)
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.strip() == new)
    assert f"line {line}:" in str(caught.value)
    assert f"[reminders] {key} = " in str(caught.value)


def test_custom_entries_parse_and_name_a_bad_day() -> None:
    good = CONFIG + '\n[[reminders.custom]]\nat = "16:00"\ndays = ["mon", "fri"]\ntext = "Walk"\n'
    config, _ = parse_config(good)
    (entry,) = config.reminders.custom
    assert (entry.at, entry.days, entry.text) == (time(16), ("mon", "fri"), "Walk")
    bad = good.replace('["mon", "fri"]', '"mon,funday"')
    with pytest.raises(ConfigError, match=r"custom\.days = 'funday': is not a day of the week"):
        parse_config(bad)


def test_custom_entry_without_text_is_refused() -> None:
    with pytest.raises(SettingError) as caught:
        ReminderSettings.from_dict({"custom": [{"at": "16:00", "text": " "}]})
    assert caught.value.key == "custom.text"


def test_days_are_put_in_week_order_and_daily_means_every_day() -> None:
    assert parse_days("fri, MON") == ("mon", "fri")
    assert parse_days("daily") == ()
    assert parse_days("") == ()


@pytest.mark.parametrize(
    ("start", "end", "moment", "quiet"),
    [
        (time(22, 30), time(7, 30), time(23, 0), True),
        (time(22, 30), time(7, 30), time(3, 0), True),
        (time(22, 30), time(7, 30), time(7, 30), False),
        (time(22, 30), time(7, 30), time(12, 0), False),
        (time(13, 0), time(15, 0), time(14, 0), True),
        (time(13, 0), time(15, 0), time(16, 0), False),
        (time(8, 0), time(8, 0), time(8, 0), False),
    ],
)
def test_quiet_hours_wrap_midnight_and_equal_ends_mean_none(
    start: time, end: time, moment: time, quiet: bool
) -> None:
    settings = ReminderSettings(quiet_start=start, quiet_end=end)
    assert settings.in_quiet_hours(moment) is quiet
