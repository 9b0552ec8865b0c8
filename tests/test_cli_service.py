"""`cramp-coach service`: the systemd user unit is valid for systemd itself and installs cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from skill.systemd_unit import UNIT_NAME, UnitSpec, render_unit

CLI = [sys.executable, "-m", "skill.cli.main"]


@pytest.fixture
def user_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A private XDG config and runtime dir, so nothing touches the real user's systemd."""
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    return os.environ.copy()


def _verify(path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["systemd-analyze", "--user", "verify", str(path)], env=env,
                          capture_output=True, text=True, timeout=60, check=False)


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=60,
                          check=False)


def test_installed_unit_passes_systemd_analyze_verify(user_env: dict[str, str],
                                                      tmp_path: Path) -> None:
    done = _cli("service", "install", env=user_env)
    assert done.returncode == 0, done.stderr
    unit = tmp_path / "config" / "systemd" / "user" / UNIT_NAME
    assert unit.is_file()
    verified = _verify(unit, user_env)
    assert verified.returncode == 0, verified.stderr
    assert verified.stderr.strip() == "", verified.stderr


def test_verify_catches_a_broken_unit(user_env: dict[str, str], tmp_path: Path) -> None:
    """The check above can fail: systemd reports a bad directive in our unit text."""
    broken = tmp_path / UNIT_NAME
    broken.write_text(render_unit(UnitSpec(python=sys.executable)).replace(
        "Restart=on-failure", "Restart=whenever"), encoding="utf-8")
    assert "restart specifier" in _verify(broken, user_env).stderr


def test_unit_restarts_on_failure_after_the_sound_server() -> None:
    text = render_unit(UnitSpec(python="/opt/cc/bin/python", config=Path("/etc/cc.toml"),
                                home=Path("/var/lib/cc")))
    assert "Restart=on-failure" in text
    assert "pulseaudio.service" in text.split("After=")[1].splitlines()[0]
    assert "ExecStart=/opt/cc/bin/python -m skill.cli.main --config /etc/cc.toml run" in text
    assert "Environment=CRAMP_COACH_HOME=/var/lib/cc" in text
    assert "WantedBy=default.target" in text


def test_install_without_a_user_manager_prints_the_commands_and_linger_hint(
        user_env: dict[str, str]) -> None:
    done = _cli("service", "install", env=user_env)
    assert done.returncode == 0, done.stderr
    assert f"systemctl --user enable --now {UNIT_NAME}" in done.stdout
    assert "loginctl enable-linger" in done.stdout


def test_status_then_remove(user_env: dict[str, str], tmp_path: Path) -> None:
    assert _cli("service", "status", env=user_env).returncode == 3
    _cli("service", "install", env=user_env)
    status = _cli("service", "status", env=user_env)
    assert status.returncode == 0 and "installed" in status.stdout
    removed = _cli("service", "remove", env=user_env)
    assert removed.returncode == 0 and "removed" in removed.stdout
    assert not (tmp_path / "config" / "systemd" / "user" / UNIT_NAME).exists()
