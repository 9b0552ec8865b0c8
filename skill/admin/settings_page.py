"""Settings page: edit the user's config.toml (validated like the loader), apply live, say this."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from skill.admin.devices import Devices, query_devices
from skill.admin.origin import has_control
from skill.admin.state import current
from skill.config import Config
from skill.config_write import ConfigWriteError, save_settings

log = logging.getLogger(__name__)

bp = Blueprint("settings", __name__, url_prefix="/settings")

MAX_SAY_LENGTH = 300


@dataclass(frozen=True)
class Field:
    section: str
    key: str
    label: str
    kind: str
    """text, int, float, bool, time, language, input_device or output_device."""
    help: str = ""

    @property
    def name(self) -> str:
        return f"{self.section}.{self.key}"

    @property
    def html_id(self) -> str:
        return f"{self.section}-{self.key}"


GROUPS: tuple[tuple[str, tuple[Field, ...]], ...] = (
    (
        "Speech",
        (
            Field(
                "speech",
                "voice",
                "Voice",
                "text",
                "pyttsx3 voice id or name; empty: the language's default.",
            ),
            Field("speech", "rate", "Speaking rate (words per minute)", "int", "60 to 400."),
            Field("speech", "volume", "Volume", "float", "0.0 (silent) to 1.0 (full)."),
            Field("speech", "output_device", "Speaker", "output_device"),
        ),
    ),
    (
        "Night",
        (
            Field(
                "speech", "night_profile", "Night profile: slower and softer in quiet hours", "bool"
            ),
            Field("speech", "night_rate", "Night speaking rate", "int", "60 to 400."),
            Field("speech", "night_volume", "Night volume", "float", "0.0 to 1.0."),
            Field("speech", "night_chime", "Soft chime before speaking at night", "bool"),
            Field(
                "reminders", "quiet_start", "Quiet hours start", "time", "No reminders from here."
            ),
            Field("reminders", "quiet_end", "Quiet hours end", "time"),
            Field(
                "reminders",
                "bedtime",
                "Bedtime",
                "time",
                "The evening stretch reminder comes before it.",
            ),
        ),
    ),
    (
        "Listening",
        (
            Field("general", "language", "Language", "language"),
            Field(
                "voice",
                "model_path",
                "Speech model directory",
                "text",
                "Empty: an installed model package or the download cache.",
            ),
            Field("voice", "input_device", "Microphone", "input_device"),
            Field("voice", "wake_word", "Wake word", "text", "Empty: none."),
            Field(
                "dialogue",
                "follow_up_seconds",
                "Follow-up window (seconds)",
                "int",
                'How long "next", "repeat" and "stop" work without the wake word; 5 to 120.',
            ),
        ),
    ),
    (
        "Safety and access",
        (
            Field("safety", "emergency_number", "Emergency number", "text", "112, 999, 911, ..."),
            Field("safety", "urgent_number", "Urgent medical advice number", "text",
                  'Said with "this needs checking today", e.g. 111. Empty: none.'),
            Field("safety", "urgent_advice", "Urgent advice wording", "text",
                  "Said instead of the built-in urgent line. Empty: the built-in line."),
            Field(
                "admin",
                "allow_lan",
                "Allow other devices on the home network to open this page",
                "bool",
            ),
        ),
    ),
)
FIELDS: tuple[Field, ...] = tuple(f for _, group in GROUPS for f in group)


def current_value(config: Config, field: Field) -> Any:
    """The field's value as it is written in TOML (times as "HH:MM")."""
    value = getattr(getattr(config, field.section), field.key)
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return value


def _device_choices(field: Field, devices: Devices, config: Config) -> list[str]:
    names = list(devices.inputs if field.kind == "input_device" else devices.outputs)
    configured = str(current_value(config, field))
    if configured and configured not in names:
        names.append(configured)
    return names


def _choices(field: Field, devices: Devices, config: Config) -> list[str]:
    if field.kind == "language":
        from intents.language import available_languages

        return list(available_languages())
    return _device_choices(field, devices, config)


def _convert(field: Field, raw: str) -> Any:
    """Form text -> TOML value; text that does not convert is kept for the loader's validator."""
    text = raw.strip()
    if field.kind == "int":
        try:
            return int(text)
        except ValueError:
            return text
    if field.kind == "float":
        try:
            return float(text)
        except ValueError:
            return text
    if field.kind == "bool":
        return text == "true"
    return text


CHECKBOX_VALUES = frozenset({"true", "false"})


def _form_problem(field: Field, texts: list[str]) -> str | None:
    """Refuse what the page's own form never sends, rather than guess what was meant."""
    if field.kind == "bool":
        if len(texts) > 2 or any(text not in CHECKBOX_VALUES for text in texts):
            return "must be ticked or not (the form sends true or false)"
        return None
    if any(has_control(text) for text in texts):
        return "must not contain control characters (tabs, line breaks and the like)"
    return None


def changes_from_form(
    form: Mapping[str, Any], config: Config, devices: Devices
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Only fields present in the form and different from the config; device/choice errors too."""
    changes: dict[str, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    for field in FIELDS:
        raw = form.getlist(field.name) if hasattr(form, "getlist") else [form.get(field.name)]
        texts: list[str] = [v for v in raw if isinstance(v, str)]
        if not texts:
            continue
        problem = _form_problem(field, texts)
        if problem:
            errors[field.name] = problem
            continue
        # A checkbox posts a hidden "false" then, when ticked, "true": the last one counts.
        value = _convert(field, texts[-1])
        if field.kind in ("input_device", "output_device", "language"):
            allowed = _choices(field, devices, config)
            if value and value not in allowed:
                errors[field.name] = "must be one of the listed choices"
                continue
        before = current_value(config, field)
        if value != before or type(value) is not type(before):
            changes.setdefault(field.section, {})[field.key] = value
    return changes, errors


def _render(
    config: Config, values: Mapping[str, Any], errors: Mapping[str, str], status: int = 200
):
    devices = query_devices()
    choices = {
        f.name: _choices(f, devices, config)
        for f in FIELDS
        if f.kind in ("input_device", "output_device", "language")
    }
    return render_template(
        "settings/index.html",
        groups=GROUPS,
        values=values,
        errors=errors,
        choices=choices,
        config_path=current_app.config["CONFIG_PATH"],
        lan=config.admin.allow_lan,
    ), status


@bp.get("/")
def index():
    config = current().config
    return _render(config, {f.name: current_value(config, f) for f in FIELDS}, {})


@bp.post("/")
def save():
    state = current()
    with state.save_lock:
        config = state.config
        changes, errors = changes_from_form(request.form, config, query_devices())
        if not errors and changes:
            try:
                config = save_settings(Path(current_app.config["CONFIG_PATH"]), changes)
            except ConfigWriteError as exc:
                errors = exc.errors
        if errors:
            values = {f.name: current_value(config, f) for f in FIELDS}
            for section, keys in changes.items():
                for key, value in keys.items():
                    values[f"{section}.{key}"] = value
            for name in errors:
                if name in request.form:
                    values[name] = request.form.get(name, "")
            return _render(config, values, errors, 400)
        state.config = config
    if not changes:
        flash("Nothing changed.")
        return redirect(url_for("settings.index"))
    try:
        state.control.apply_config(config)
    except Exception as exc:  # saved is saved; say so and let a restart apply it
        log.exception("could not apply the new settings")
        flash(f"Saved, but the assistant could not apply it now ({exc}); restart it.", "error")
    else:
        restart = " LAN access changes take effect when the admin page restarts."
        flash("Saved and applied." + (restart if "admin" in changes else ""))
    return redirect(url_for("settings.index"))


@bp.post("/say")
def say() -> BaseResponse:
    text = request.form.get("text", "").strip()
    if not text:
        flash("Type a sentence to say.", "error")
    elif len(text) > MAX_SAY_LENGTH:
        flash(f"The sentence must be at most {MAX_SAY_LENGTH} characters.", "error")
    elif has_control(text):
        flash("The sentence must not contain control characters.", "error")
    else:
        try:
            current().control.say(text)
        except Exception as exc:
            log.exception("could not say the test sentence")
            flash(f"Could not speak: {exc}", "error")
        else:
            flash("Speaking the test sentence.")
    return redirect(url_for("settings.index"))
