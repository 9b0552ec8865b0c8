"""Where Cramp Coach keeps what it writes: $CRAMP_COACH_HOME, else the XDG data directory."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

ENV_HOME = "CRAMP_COACH_HOME"


_problem: dict[Path, str] = {}
"""The data directory that could not be created -> the one line saying so (once per process)."""


def data_dir(create: bool = True) -> Path:
    """Return the data directory (SQLite, logs, password hash, caches), creating it if asked.

    One that cannot be created (a read-only or full XDG_DATA_HOME) gives way to a private
    temporary one for this session, said once in the log and by data_dir_problem(): first aid
    must not depend on where its files can go."""
    override = os.environ.get(ENV_HOME)
    if override:
        path = Path(override).expanduser()
    else:
        xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        path = Path(xdg) / "cramp-coach"
    if not create:
        return path
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        return _stand_in(path, exc)
    return path


def _stand_in(path: Path, exc: OSError) -> Path:
    from cramp_common.storage import advice

    stand_in = Path(tempfile.gettempdir()) / f"cramp-coach-data-{os.getuid()}"
    stand_in.mkdir(parents=True, exist_ok=True, mode=0o700)  # fails too: nothing else to try
    if path not in _problem:
        _problem[path] = (advice(exc, path, "data directory", "")
                          + f"; until then settings, diary and reminders are kept in {stand_in},"
                          " which a restart of the computer empties")
        logging.getLogger(__name__).warning("%s", _problem[path])
    return stand_in


def data_dir_problem() -> str:
    """The line saying the data directory could not be created (status page), else ""."""
    return _problem.get(data_dir(create=False), "")


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
