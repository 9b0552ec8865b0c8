"""Save settings to the user's config.toml: comments kept, validated like the loader, atomic."""

from __future__ import annotations

import fcntl
import logging
import os
import tempfile
import threading
import tomllib
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any, get_type_hints

import tomlkit

from cramp_common.storage import advice
from cramp_common.validate import SettingError
from skill.config import DEFAULT_CONFIG_PATH, Config, ConfigError, parse_config
from skill.config_guard import (
    SHOWN,
    keep_last_good,
    last_good_path,
    lost_settings,
    read_last_good,
    restore,
)

Changes = Mapping[str, Mapping[str, Any]]
"""{"speech": {"rate": 140}, "reminders": {"bedtime": "22:00"}}: section -> key -> new value."""

_LOCK = threading.Lock()
log = logging.getLogger(__name__)


class ConfigWriteError(Exception):
    """Nothing was written; `errors` maps "section.key" ("" for the whole file) to the problem."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__(
            "; ".join(f"{key or 'config'}: {message}" for key, message in errors.items())
        )


@cache
def _section_classes() -> dict[str, type]:
    """Config's sections and the classes whose from_dict the loader uses for each."""
    hints = get_type_hints(Config)
    return {name: cls for name, cls in hints.items() if hasattr(cls, "from_dict")}


def field_errors(changes: Changes) -> dict[str, str]:
    """Check each changed value with its section's own validator; "section.key" -> message."""
    classes = _section_classes()
    errors: dict[str, str] = {}
    for section, values in changes.items():
        cls = classes.get(section)
        for key, value in values.items():
            name = f"{section}.{key}"
            if cls is None:
                errors[name] = f"unknown section [{section}]"
                continue
            try:
                cls.from_dict({key: value})  # type: ignore[attr-defined]
            except SettingError as exc:
                errors[name] = exc.allowed
    return errors


def apply_changes(text: str, changes: Changes) -> str:
    """Return `text` with each key set; comments, order and untouched values stay as they were."""
    document = tomlkit.parse(text)
    for section, values in changes.items():
        if section not in document:
            document[section] = tomlkit.table()
        # An existing section may come back as a proxy (a table split by its sub-tables), so
        # anything mutable will do; replacing it would drop its comments and other keys.
        table = document[section]
        if not isinstance(table, MutableMapping):
            raise ValueError(f"{section} is not a [{section}] table")
        for key, value in values.items():
            table[key] = value
    new_text = tomlkit.dumps(document)
    _check_only_changed(text, new_text, changes)
    return new_text


def _check_only_changed(old_text: str, new_text: str, changes: Changes) -> None:
    """Refuse an edit that altered anything but the requested keys (a tomlkit surprise)."""
    expected = tomllib.loads(old_text)
    for section, values in changes.items():
        expected.setdefault(section, {}).update(values)
    if tomllib.loads(new_text) != expected:
        raise ValueError("the edit would change more than the requested settings")


def read_current(path: Path) -> str:
    """The file's text, or the documented default when it does not exist yet."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")


def save_settings(path: Path, changes: Changes) -> Config:
    """Validate and write `changes` into `path`; return the new Config or raise ConfigWriteError."""
    errors = field_errors(changes)
    if errors:
        raise ConfigWriteError(errors)
    try:
        with _locked(path):
            config, new_text = _edited(path, changes)
            write_atomic(path, new_text)
            keep_last_good(path, new_text)
    except OSError as exc:  # read-only directory, full disk: say which, change nothing
        raise ConfigWriteError({"": advice(exc, path, "config file", "") + "; nothing was changed"}
                               ) from None
    return replace(config, path=path)


def _edited(path: Path, changes: Changes) -> tuple[Config, str]:
    try:
        new_text = apply_changes(_with_lost_restored(path, read_current(path)), changes)
    except Exception as exc:  # tomlkit raises several types for an unreadable file
        raise ConfigWriteError({"": f"cannot edit {path.name}: {exc}; fix it, or copy "
                                    f"{last_good_path(path).name} over it"}) from None
    try:
        config, _warnings = parse_config(new_text, str(path))
    except ConfigError as exc:
        raise ConfigWriteError({"": str(exc)}) from None
    return config, new_text


def _with_lost_restored(path: Path, text: str) -> str:
    """`text` with the settings it lost since the last good copy put back (a file cut by an
    editor while the assistant ran): saving it as it is would make the loss the new last good
    copy, and the emergency number would go back to the default for good."""
    good = read_last_good(path)
    lost = lost_settings(good, text) if good is not None else []
    if not lost or good is None:
        return text
    log.warning("%s: %d settings it had before were missing (%s); this save put back their "
                "last good values from %s", path, len(lost), ", ".join(lost[:SHOWN]),
                last_good_path(path).name)
    return restore(good, text)


def write_atomic(path: Path, text: str) -> None:
    """Write a temp file in the same directory, fsync, keep the mode, rename over the old file."""
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o600
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One writer at a time, across threads and across processes (the admin page and the CLI)."""
    lock_path = path.with_name(f".{path.name}.lock")
    with _LOCK, open(lock_path, "a") as lock_file:
        fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)
