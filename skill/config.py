"""Compose every package's config section into one frozen Config; bad values name key and line."""

from __future__ import annotations

import errno
import logging
import re
import shutil
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from cramp_common.paths import user_config_path
from cramp_common.validate import SettingError, get_str
from intents.semantic.settings import UnderstandingSettings
from scheduler.settings import ReminderSettings
from skill.admin.settings import AdminSettings
from skill.audio.settings import VoiceSettings
from skill.config_guard import (
    describe_lost,
    keep_last_good,
    last_good_path,
    lost_settings,
    read_last_good,
    restore,
)
from skill.dialogue.settings import DialogueSettings, SafetySettings
from skill.speech.settings import SpeechSettings
from skill.wyoming_service.settings import WyomingSettings

log = logging.getLogger(__name__)

DEFAULT_CONFIG_PATH = Path(__file__).with_name("default_config.toml")


class ConfigError(Exception):
    """A config file that cannot be used; one line naming file, line, key and value."""


@dataclass(frozen=True)
class GeneralSettings:
    language: str = "en"
    """Language pack under intents/: 'en' or 'ko'."""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GeneralSettings:
        from intents.language import available_languages

        language = get_str(data, "language", cls.language, 8)
        if language not in available_languages():
            raise SettingError(
                "language", language, "must be one of " + ", ".join(available_languages())
            )
        return cls(language=language)


@dataclass(frozen=True)
class Config:
    general: GeneralSettings = field(default_factory=GeneralSettings)
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    speech: SpeechSettings = field(default_factory=SpeechSettings)
    dialogue: DialogueSettings = field(default_factory=DialogueSettings)
    safety: SafetySettings = field(default_factory=SafetySettings)
    reminders: ReminderSettings = field(default_factory=ReminderSettings)
    admin: AdminSettings = field(default_factory=AdminSettings)
    wyoming: WyomingSettings = field(default_factory=WyomingSettings)
    understanding: UnderstandingSettings = field(default_factory=UnderstandingSettings)
    path: Path | None = None
    """The file this was loaded from; None for built-in defaults."""
    problems: tuple[str, ...] = ()
    """What was wrong with the file and how it was worked around (see skill.config_guard)."""


_SECTION_CLASSES: dict[str, Any] = {
    "general": GeneralSettings,
    "voice": VoiceSettings,
    "speech": SpeechSettings,
    "dialogue": DialogueSettings,
    "safety": SafetySettings,
    "reminders": ReminderSettings,
    "admin": AdminSettings,
    "wyoming": WyomingSettings,
    "understanding": UnderstandingSettings,
}


def known_keys(section_cls: type) -> set[str]:
    """Top-level keys a section accepts: its dataclass fields plus any nested tables it declares."""
    names = {f.name for f in fields(section_cls)}
    return names | set(getattr(section_cls, "TABLES", ()))


def find_line(text: str, section: str, key: str) -> int | None:
    """1-based line of `key` inside `[section]` (dotted keys name sub-tables), if found."""
    parts = key.split(".")
    header = ".".join([section, *parts[:-1]])
    leaf = re.escape(parts[-1])
    in_section = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            name = stripped.strip("[] ").split("]")[0].strip()
            in_section = name == header
            continue
        if in_section and re.match(rf"^{leaf}\s*=", stripped):
            return number
    return None


def parse_config(text: str, source: str = "config.toml") -> tuple[Config, list[str]]:
    """Parse TOML text into a Config and its warnings; raises ConfigError on a bad value."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from None
    warnings: list[str] = []
    values: dict[str, Any] = {}
    for name, data in raw.items():
        if name not in _SECTION_CLASSES:
            warnings.append(f"{source}: unknown section [{name}] ignored")
            continue
        if not isinstance(data, dict):
            raise ConfigError(f"{source}: {name} must be a [{name}] table")
        section_cls = _SECTION_CLASSES[name]
        for key in sorted(set(data) - known_keys(section_cls)):
            line = find_line(text, name, key)
            where = f" line {line}" if line else ""
            warnings.append(f"{source}{where}: unknown key [{name}] {key} ignored")
        try:
            values[name] = section_cls.from_dict(data)
        except SettingError as exc:
            line = find_line(text, name, exc.key)
            where = f" line {line}" if line else ""
            raise ConfigError(
                f"{source}{where}: [{name}] {exc.key} = {exc.value!r}: {exc.allowed}"
            ) from None
    return Config(**values), warnings


def ensure_user_config() -> Path:
    """Create the user's config.toml if it does not exist yet: from its last good copy if there
    is one (a deleted file must not bring back the default emergency number), else from the
    documented default. On a read-only data directory the default is read in place."""
    path = user_config_path()
    if path.exists() or _symlink_loop(path):  # a loop is reported by load_config, not replaced
        return path
    good = last_good_path(path)
    source = good if good.exists() else DEFAULT_CONFIG_PATH
    try:
        shutil.copyfile(source, path)
    except OSError as exc:
        log.warning("cannot create %s (%s); using %s", path, exc, source)
        return source
    if source == good:
        log.warning("%s was missing; restored it from %s", path, good.name)
    else:
        log.info("created %s from the documented defaults", path)
        keep_last_good(path, DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    return path


def load_config(path: Path | None = None) -> Config:
    """Load `path`, or the user's config.toml (created on first run). Warnings go to the log;
    a file that lost settings or cannot be parsed falls back on its last good copy."""
    target = Path(path) if path is not None else ensure_user_config()
    # The user's own file always has a last good copy; another file only if one was made for it.
    guarded = (path is None and target == user_config_path()) or last_good_path(target).exists()
    good_text = read_last_good(target) if guarded else None
    problems: list[str] = []
    try:
        text = _read(target)
        config, warnings = parse_config(text, str(target))
    except ConfigError as exc:
        if good_text is None:
            raise
        problems.append(f"{exc}; using the last good copy {last_good_path(target).name} "
                        "until it is fixed")
        config, warnings = parse_config(good_text, str(last_good_path(target)))
    else:
        lost = lost_settings(good_text, text) if good_text is not None else []
        if lost:
            assert good_text is not None
            problems.append(describe_lost(target, lost))
            config, warnings = parse_config(restore(good_text, text), str(target))
        elif guarded:
            keep_last_good(target, text)
    for line in (*warnings, *problems):
        log.warning("%s", line)
    return replace(config, path=target, problems=tuple(problems))


def _symlink_loop(path: Path) -> bool:
    try:
        path.resolve(strict=True)
    except RuntimeError:  # Python 3.11 reports a loop so
        return True
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def _read(target: Path) -> str:
    """The config file's text. One that cannot be read at all (replaced by a directory, e.g. by
    a container's bind mount, a symlink loop, binary garbage) is a ConfigError like a file that
    does not parse, so a guarded file falls back on its last good copy: `run` must not refuse
    to start, and first aid must not wait, for a broken settings file."""
    try:
        return target.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{target}: no such config file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{target}: cannot read: {exc}") from None
