"""Where Cramp Coach keeps what it writes: $CRAMP_COACH_HOME, else the XDG data directory."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

ENV_HOME = "CRAMP_COACH_HOME"


def data_dir(create: bool = True) -> Path:
    """Return the data directory (SQLite, logs, password hash, caches), creating it if asked."""
    override = os.environ.get(ENV_HOME)
    if override:
        path = Path(override).expanduser()
    else:
        xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        path = Path(xdg) / "cramp-coach"
    if create:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def user_config_path() -> Path:
    """The user's own config.toml, created from the documented default on first run."""
    return data_dir() / "config.toml"


def cache_dir() -> Path:
    """data_dir()/cache, or a private temporary one when that cannot be written (read-only
    data directory): speech must not depend on where its cache can go."""
    path = data_dir() / "cache"
    try:
        path.mkdir(parents=True, exist_ok=True)
        if os.access(path, os.W_OK):
            return path
    except OSError:
        pass
    fallback = Path(tempfile.gettempdir()) / f"cramp-coach-cache-{os.getuid()}"
    fallback.mkdir(parents=True, exist_ok=True, mode=0o700)
    return fallback
