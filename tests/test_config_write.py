"""Saving settings: comments kept, the loader's validators, atomic even when killed mid-save."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from skill.config import DEFAULT_CONFIG_PATH, load_config, parse_config
from skill.config_write import ConfigWriteError, save_settings


def _comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


@pytest.fixture
def user_config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")
        + "\n[speech.extra_comment_test]  # trailing comment on a table\n",
        encoding="utf-8",
    )
    path.chmod(0o640)
    return path


def test_save_keeps_every_comment_and_changes_only_the_values(user_config: Path) -> None:
    before = user_config.read_text()
    config = save_settings(
        user_config,
        {
            "speech": {"rate": 170, "voice": 'quote " and \\ backslash'},
            "reminders": {"bedtime": "21:45"},
        },
    )
    after = user_config.read_text()
    assert _comments(after) == _comments(before)
    assert len(after.splitlines()) == len(before.splitlines())
    assert config.speech.rate == 170
    assert config.speech.voice == 'quote " and \\ backslash'
    assert config.reminders.bedtime.strftime("%H:%M") == "21:45"
    reloaded = load_config(user_config)
    assert reloaded.speech.rate == 170 and reloaded.speech.voice == config.speech.voice
    assert "# Words per minute (60 to 400) and volume (0.0 to 1.0) by day." in after


def test_save_keeps_the_file_mode(user_config: Path) -> None:
    save_settings(user_config, {"speech": {"rate": 120}})
    assert stat.S_IMODE(user_config.stat().st_mode) == 0o640


def test_save_leaves_no_temp_files(user_config: Path) -> None:
    save_settings(user_config, {"speech": {"rate": 120}})
    leftovers = [p.name for p in user_config.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_missing_section_is_added(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('# only a comment\n[general]\nlanguage = "en"\n')
    save_settings(path, {"safety": {"emergency_number": "999"}})
    text = path.read_text()
    assert text.startswith("# only a comment\n")
    assert tomllib.loads(text)["safety"]["emergency_number"] == "999"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"speech": {"rate": 999}}, "speech.rate", "60 to 400"),
        ({"speech": {"rate": "fast"}}, "speech.rate", "whole number"),
        ({"speech": {"volume": 1.5}}, "speech.volume", "0.0 to 1.0"),
        ({"reminders": {"bedtime": "25:00"}}, "reminders.bedtime", "HH:MM"),
        ({"safety": {"emergency_number": "12ab"}}, "safety.emergency_number", "digits"),
        ({"general": {"language": "xx"}}, "general.language", "one of"),
        ({"dialogue": {"follow_up_seconds": 1}}, "dialogue.follow_up_seconds", "5 to 120"),
        ({"admin": {"allow_lan": "yes"}}, "admin.allow_lan", "true or false"),
        ({"voice": {"wake_word": "w" * 41}}, "voice.wake_word", "40 characters"),
    ],
)
def test_invalid_value_names_the_field_and_writes_nothing(
    user_config: Path, changes: dict, field: str, words: str
) -> None:
    before = user_config.read_text()
    with pytest.raises(ConfigWriteError) as caught:
        save_settings(user_config, changes)
    assert field in caught.value.errors
    assert words in caught.value.errors[field]
    assert user_config.read_text() == before


def test_every_bad_field_is_reported_at_once(user_config: Path) -> None:
    with pytest.raises(ConfigWriteError) as caught:
        save_settings(user_config, {"speech": {"rate": 0, "volume": -1.0, "voice": "ok"}})
    assert set(caught.value.errors) == {"speech.rate", "speech.volume"}


def test_a_file_already_broken_elsewhere_is_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[speech]\nrate = 150\n[dialogue]\nfollow_up_seconds = 1\n")
    with pytest.raises(ConfigWriteError) as caught:
        save_settings(path, {"speech": {"rate": 160}})
    assert "follow_up_seconds" in caught.value.errors[""]
    assert "rate = 150" in path.read_text()


SAVER = """
import sys
from pathlib import Path
from skill.config_write import save_settings
path = Path(sys.argv[1])
print("ready", flush=True)
i = 0
while True:
    i += 1
    save_settings(path, {"speech": {"rate": 60 + i % 300, "voice": "v" * (i % 150)},
                         "reminders": {"bedtime": f"{i % 24:02d}:{i % 60:02d}"}})
"""


def test_killing_a_process_mid_save_leaves_an_old_or_new_valid_config(user_config: Path) -> None:
    comments = _comments(user_config.read_text())
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    for round_ in range(12):
        process = subprocess.Popen(
            [sys.executable, "-c", SAVER, str(user_config)],
            stdout=subprocess.PIPE,
            env=env,
        )
        assert process.stdout is not None
        assert process.stdout.readline() == b"ready\n"
        time.sleep(0.05 + 0.037 * round_)
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stdout.close()
        text = user_config.read_text()
        config, _ = parse_config(text, str(user_config))
        assert 60 <= config.speech.rate <= 400
        assert _comments(text) == comments
    assert load_config(user_config).speech.rate != 150
