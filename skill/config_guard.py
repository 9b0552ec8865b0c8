"""The last good config.toml, kept beside it: what a damaged or cut file lost comes from there.

The rule: a config file that lost settings it had before (emptied, cut at a line boundary, a
section deleted) is reported at start in one line, and every lost setting takes its last good
value, never the built-in default; so the emergency number never changes silently. A file that
cannot be parsed at all is replaced by the last good copy, also with one line. To really drop
settings, delete the .last-good file (or save them from the admin page).
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomlkit

log = logging.getLogger(__name__)

SUFFIX = ".last-good"
SHOWN = 4
"""At most this many lost settings are named in the start line."""


def last_good_path(path: Path) -> Path:
    return path.with_name(path.name + SUFFIX)


def read_last_good(path: Path) -> str | None:
    """The last good copy's text, or None if there is none (or it is unreadable)."""
    try:
        return last_good_path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def keep_last_good(path: Path, text: str) -> None:
    """Write `text` as the last good copy, atomically; a failure only costs the copy."""
    from skill.config_write import write_atomic

    target = last_good_path(path)
    try:
        if target.exists() and target.read_text(encoding="utf-8") == text:
            return
        write_atomic(target, text)
    except OSError as exc:
        log.warning("could not keep the last good config copy %s: %s", target, exc)


def flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """{"a": {"b": 1}} -> {"a.b": 1}; arrays (of tables too) are single values."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten(value, name + "."))
        else:
            out[name] = value
    return out


def lost_settings(good_text: str, text: str) -> list[str]:
    """Dotted names the last good copy has and `text` lacks ([] if either is not TOML)."""
    try:
        good, now = flatten(tomllib.loads(good_text)), flatten(tomllib.loads(text))
    except tomllib.TOMLDecodeError:
        return []
    return [name for name in good if name not in now]


def restore(good_text: str, text: str) -> str:
    """`text` with every setting it lost put back from the last good copy."""
    document = tomlkit.parse(text)
    _merge(document, tomllib.loads(good_text))
    return tomlkit.dumps(document)


def _merge(target: Any, good: Mapping[str, Any]) -> None:
    for key, value in good.items():
        if key not in target:
            target[key] = value
        elif isinstance(value, Mapping) and isinstance(target[key], Mapping):
            _merge(target[key], value)


def describe_lost(path: Path, lost: list[str]) -> str:
    """The one start line for settings the file lost."""
    sections = sorted({name.split(".")[0] for name in lost})
    names = ", ".join(f"[{n.split('.')[0]}] {n.split('.', 1)[1]}" for n in lost[:SHOWN])
    more = f" and {len(lost) - SHOWN} more" if len(lost) > SHOWN else ""
    return (
        f"{path}: {len(lost)} settings it had before are missing (sections "
        f"{', '.join(sections)}: {names}{more}); using their last good values from "
        f"{last_good_path(path).name}. Copy that file back over {path.name}, or delete it if "
        "you removed them on purpose"
    )
