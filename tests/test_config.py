"""Config loading: documented defaults, user copy on first run, clear errors with key and line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from skill.config import DEFAULT_CONFIG_PATH, Config, ConfigError, load_config, parse_config

REPO_CONFIG = Path(__file__).parent.parent / "config.toml"


def test_documented_default_parses_without_warnings() -> None:
    config, warnings = parse_config(REPO_CONFIG.read_text())
    assert warnings == []
    assert config.safety.emergency_number == "112"
    assert config.admin.host == "127.0.0.1"


def test_embedded_default_is_the_documented_file() -> None:
    assert DEFAULT_CONFIG_PATH.read_text() == REPO_CONFIG.read_text()


def test_every_key_in_the_default_is_commented() -> None:
    lines = REPO_CONFIG.read_text().splitlines()
    for number, line in enumerate(lines):
        if "=" in line and not line.lstrip().startswith("#"):
            previous = lines[number - 1].strip()
            assert previous.startswith("#") or "=" in previous, f"line {number + 1} has no comment"


def test_first_run_creates_user_config_from_default(data_home: Path) -> None:
    config = load_config()
    assert config.path == data_home / "config.toml"
    assert config.path.read_text() == REPO_CONFIG.read_text()


def test_config_option_overrides_user_copy(tmp_path: Path) -> None:
    own = tmp_path / "own.toml"
    own.write_text('[safety]\nemergency_number = "999"\n')
    assert load_config(own).safety.emergency_number == "999"


def test_missing_sections_fall_back_to_defaults() -> None:
    config, _ = parse_config("")
    assert config == Config()


@pytest.mark.parametrize(
    ("section", "line", "needle"),
    [
        ("speech", "rate = 900", "[speech] rate = 900: must be a whole number from 60 to 400"),
        ("speech", "volume = 2.5", "[speech] volume = 2.5"),
        ("voice", 'mode = "loud"', "must be one of 'grammar', 'open'"),
        ("safety", 'emergency_number = "call mum"', "[safety] emergency_number = 'call mum'"),
        ("safety", 'urgent_number = "call the gp"', "[safety] urgent_number = 'call the gp'"),
        ("safety", "urgent_number = 111", "[safety] urgent_number = 111: must be text"),
        ("safety", 'urgent_advice = "Call {gp}"', "[safety] urgent_advice = 'Call {gp}'"),
        ("reminders", 'quiet_start = "25:99"', "HH:MM"),
        ("admin", "allow_lan = \"yes\"", "must be true or false"),
        ("general", 'language = "xx"', "[general] language = 'xx'"),
    ],
)
def test_bad_value_names_key_value_and_line(section: str, line: str, needle: str) -> None:
    text = f"# comment\n\n[{section}]\n{line}\n"
    with pytest.raises(ConfigError) as error:
        parse_config(text, "my.toml")
    message = str(error.value)
    assert message.startswith("my.toml line 4: ")
    assert needle in message
    assert "\n" not in message


def test_unknown_keys_warn_and_do_not_crash() -> None:
    config, warnings = parse_config('[speech]\nrate = 140\nspeeed = 3\n\n[colour]\nx = 1\n')
    assert config.speech.rate == 140
    assert any("line 3" in w and "speeed" in w for w in warnings)
    assert any("[colour]" in w for w in warnings)


def test_broken_toml_is_one_clear_line() -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        parse_config("[speech\nrate = ")


def test_cli_reports_bad_config_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[speech]\nrate = -3\n")
    result = subprocess.run(
        [sys.executable, "-m", "skill", "--config", str(bad), "history"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert "line 2: [speech] rate = -3" in result.stderr
    assert "Traceback" not in result.stderr


def test_urgent_number_and_wording_are_optional_settings() -> None:
    config, _ = parse_config('[safety]\nurgent_number = "111"\nurgent_advice = " Ring  the GP. "\n')
    assert (config.safety.urgent_number, config.safety.urgent_advice) == ("111", "Ring the GP.")
    assert (Config().safety.urgent_number, Config().safety.urgent_advice) == ("", "")
