"""A systemd user unit that starts `cramp-coach run` at login or boot, like an appliance."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from cramp_common.paths import ENV_HOME

UNIT_NAME = "cramp-coach.service"

# The user's sound server must be up before the microphone and speaker are opened; a machine has
# one of these, and After= on a unit that does not exist is harmless.
_SOUND_SERVERS = "pulseaudio.service pipewire-pulse.service pipewire.service"


@dataclass(frozen=True)
class UnitSpec:
    """What the unit runs and with which environment."""

    python: str
    """Absolute path of the Python that has cramp-coach installed (the venv's)."""
    config: Path | None = None
    """`--config` to pass on, if the user chose one."""
    home: Path | None = None
    """$CRAMP_COACH_HOME to keep, if set when the unit was installed."""

    @classmethod
    def current(cls, config: Path | None = None) -> UnitSpec:
        home = os.environ.get(ENV_HOME)
        return cls(python=sys.executable, config=config.resolve() if config else None,
                   home=Path(home).expanduser().resolve() if home else None)


def unit_dir() -> Path:
    """~/.config/systemd/user (or $XDG_CONFIG_HOME/systemd/user)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "systemd" / "user"


def unit_path() -> Path:
    return unit_dir() / UNIT_NAME


def render_unit(spec: UnitSpec) -> str:
    """The unit file text: restart on failure, ordered after the user's sound server."""
    argv = [spec.python, "-m", "skill.cli.main"]
    if spec.config is not None:
        argv += ["--config", str(spec.config)]
    argv.append("run")
    lines = [
        "[Unit]",
        "Description=Cramp Coach, an offline voice assistant for leg cramps",
        f"After={_SOUND_SERVERS}",
        "StartLimitIntervalSec=300",
        "StartLimitBurst=10",
        "",
        "[Service]",
        "Type=simple",
        f"ExecStart={shlex.join(argv)}",
        "Restart=on-failure",
        "RestartSec=5",
        # SIGTERM is the clean stop; the episode in progress is recorded before exit
        "KillSignal=SIGTERM",
        "TimeoutStopSec=15",
        "Environment=PYTHONUNBUFFERED=1",
    ]
    if spec.home is not None:
        lines.append(f"Environment={shlex.quote(f'{ENV_HOME}={spec.home}')}")
    lines += ["", "[Install]", "WantedBy=default.target", ""]
    return "\n".join(lines)


def write_unit(text: str, path: Path) -> None:
    """Write atomically (config_write's helper) so a half-written unit never reaches systemd."""
    from skill.config_write import write_atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)


def systemctl(*args: str) -> tuple[bool, str]:
    """Run `systemctl --user ARGS`; (ok, what it said). False when there is no user manager."""
    exe = shutil.which("systemctl")
    if exe is None:
        return False, "systemctl not found"
    try:
        done = subprocess.run([exe, "--user", *args], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, str(exc)
    return done.returncode == 0, (done.stdout + done.stderr).strip()


def linger_enabled(user: str) -> bool | None:
    """Whether the user's services run without a login session (None: cannot tell)."""
    exe = shutil.which("loginctl")
    if exe is None:
        return None
    try:
        done = subprocess.run([exe, "show-user", user, "--property=Linger", "--value"],
                              capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    value = done.stdout.strip()
    return None if done.returncode != 0 or not value else value == "yes"
