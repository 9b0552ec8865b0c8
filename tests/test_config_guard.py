"""The last good config copy: a cut, emptied, broken or deleted config.toml never silently brings
back the default emergency number, and says so in one line."""

from __future__ import annotations

import json
import logging
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from cramp_common.paths import user_config_path
from skill.config import DEFAULT_CONFIG_PATH, load_config
from skill.config_guard import last_good_path
from skill.config_write import ConfigWriteError, save_settings
from tests.storage_support import CLI, cli_env, read_only_view


@pytest.fixture
def user_config(data_home: Path) -> Path:
    """The user's config.toml after the admin page saved the emergency number 999."""
    path = load_config().path
    assert path == user_config_path()
    save_settings(path, {"safety": {"emergency_number": "999"}})
    return path


def cut_before(path: Path, header: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[: lines.index(header + "\n")]), encoding="utf-8")


def start_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def test_saving_keeps_the_last_good_copy_beside_the_file(user_config: Path) -> None:
    assert last_good_path(user_config).read_text() == user_config.read_text()
    assert 'emergency_number = "999"' in last_good_path(user_config).read_text()


def test_a_config_cut_at_a_line_boundary_keeps_the_emergency_number(
    user_config: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cut_before(user_config, "[safety]")
    config = load_config()
    assert config.safety.emergency_number == "999"
    (line,) = config.problems
    assert "[safety] emergency_number" in line and "config.toml.last-good" in line
    assert start_lines(caplog) == [line]


def test_an_emptied_config_takes_every_value_from_the_last_good_copy(user_config: Path) -> None:
    user_config.write_text("", encoding="utf-8")
    config = load_config()
    assert config.safety.emergency_number == "999"
    assert len(config.problems) == 1 and "missing" in config.problems[0]
    assert user_config.read_text() == ""  # reported, never rewritten behind the user's back


def test_an_unparsable_config_falls_back_to_the_last_good_copy(user_config: Path) -> None:
    user_config.write_text(user_config.read_text() + "\n[speech\nrate = 1", encoding="utf-8")
    config = load_config()
    assert config.safety.emergency_number == "999"
    (line,) = config.problems
    assert "not valid TOML" in line and "last good copy" in line


def test_a_deleted_config_is_restored_from_the_last_good_copy(user_config: Path) -> None:
    user_config.unlink()
    config = load_config()
    assert config.safety.emergency_number == "999"
    assert 'emergency_number = "999"' in user_config.read_text()


def test_a_hand_edit_that_loses_nothing_becomes_the_last_good_copy(user_config: Path) -> None:
    text = user_config.read_text().replace('emergency_number = "999"', 'emergency_number = "911"')
    user_config.write_text(text, encoding="utf-8")
    assert load_config().problems == ()
    assert 'emergency_number = "911"' in last_good_path(user_config).read_text()
    cut_before(user_config, "[safety]")
    assert load_config().safety.emergency_number == "911"


def test_an_explicit_config_file_without_a_copy_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")[:200], encoding="utf-8")
    assert load_config(path).problems == ()
    assert not last_good_path(path).exists()


def test_saving_on_a_read_only_directory_says_make_it_writable(
    user_config: Path, tmp_path: Path
) -> None:
    with (read_only_view(user_config.parent, tmp_path / "ro") as view,
          pytest.raises(ConfigWriteError) as caught):
        save_settings(view / "config.toml", {"speech": {"rate": 150}})
    message = str(caught.value)
    assert f"make {view} writable" in message and "nothing was changed" in message
    assert 'emergency_number = "999"' in user_config.read_text()


def test_an_admin_save_on_a_config_cut_while_running_keeps_the_emergency_number(
    user_config: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cut_before(user_config, "[safety]")  # a hand editor's write cut off; the assistant runs on
    config = save_settings(user_config, {"speech": {"rate": 150}})
    assert (config.safety.emergency_number, config.speech.rate) == ("999", 150)
    restarted = load_config()
    assert restarted.safety.emergency_number == "999" and restarted.problems == ()
    assert 'emergency_number = "999"' in last_good_path(user_config).read_text()
    (line,) = start_lines(caplog)
    assert "missing" in line and "config.toml.last-good" in line


def test_an_admin_save_on_an_unparsable_config_changes_nothing_and_says_how_to_fix(
    user_config: Path,
) -> None:
    user_config.write_text(user_config.read_text() + "[dialogue\nx = ", encoding="utf-8")
    before = user_config.read_bytes(), last_good_path(user_config).read_bytes()
    with pytest.raises(ConfigWriteError) as error:
        save_settings(user_config, {"speech": {"rate": 150}})
    assert "copy config.toml.last-good over it" in str(error.value)
    assert (user_config.read_bytes(), last_good_path(user_config).read_bytes()) == before


def _a_directory(path: Path) -> None:
    path.unlink()
    path.mkdir()  # what a container's bind mount of a missing file leaves


def _binary_garbage(path: Path) -> None:
    path.write_bytes(bytes(range(128, 256)) * 4)


def _a_symlink_loop(path: Path) -> None:
    path.unlink()
    path.symlink_to(path.name)


@pytest.mark.parametrize("damage", [_a_directory, _binary_garbage, _a_symlink_loop],
                         ids=["directory", "binary", "symlink-loop"])
def test_an_unreadable_config_falls_back_to_the_last_good_copy(
    user_config: Path, damage: Callable[[Path], None], caplog: pytest.LogCaptureFixture
) -> None:
    damage(user_config)
    config = load_config()  # before: "cannot read", and `run` and `ask` refused to start
    assert config.safety.emergency_number == "999"
    said = [line for line in start_lines(caplog) if str(user_config) in line]
    assert len(said) == 1 and "last good" in said[0], start_lines(caplog)


def test_ask_gives_first_aid_when_config_toml_is_a_directory(user_config: Path) -> None:
    _a_directory(user_config)
    out = subprocess.run([*CLI, "ask", "--silent", "--json"], input="my calf is cramping\n",
                         capture_output=True, text=True, timeout=300,
                         env=cli_env(user_config.parent), check=False)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.splitlines()[0])["intent"] == "cramp.calf", out.stdout
