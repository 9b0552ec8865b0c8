"""Reminders page: list with next run, add, edit, enable/disable, delete."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from scheduler.catalog import Reminder, ReminderInputError
from scheduler.definitions import ReminderStoreError
from scheduler.settings import WEEKDAYS
from skill.admin import schedule
from skill.admin.origin import has_control
from skill.admin.state import current

bp = Blueprint("reminders", __name__, url_prefix="/reminders")

Page = str | tuple[str, int]


def _form_input() -> dict[str, str]:
    return {
        "at": request.form.get("at", "").strip(),
        "text": request.form.get("text", ""),
        "days": ",".join(d for d in request.form.getlist("days") if isinstance(d, str)),
    }


def _check_controls(values: Mapping[str, str]) -> None:
    """The store keeps one line of text per field; a control character is refused, not saved."""
    for key, value in values.items():
        if has_control(value):
            allowed = "must not contain control characters (tabs, line breaks and the like)"
            raise ReminderInputError(key, value, allowed)


def _error(exc: ReminderInputError) -> dict[str, str]:
    return {exc.key: exc.allowed}


def _render_list(
    errors: Mapping[str, str] | None = None,
    values: Mapping[str, str] | None = None,
    status: int = 200,
) -> Page:
    config = current().config
    reminders = schedule.catalog(config)
    zone = reminders.zone()
    now = datetime.now(zone)
    rows = []
    for reminder in reminders.reminders():
        nxt = (
            reminder.next_run(zone, now) if reminder.enabled and config.reminders.enabled else None
        )
        quiet = nxt is not None and config.reminders.in_quiet_hours(nxt.time())
        rows.append((reminder, schedule.label(reminder), nxt, quiet))
    return render_template(
        "reminders/index.html",
        rows=rows,
        errors=errors or {},
        values=values or {"at": "", "text": "", "days": ""},
        weekdays=WEEKDAYS,
        enabled=config.reminders.enabled,
    ), status


@bp.get("/")
def index() -> Page:
    return _render_list()


@bp.post("/add")
def add() -> BaseResponse | Page:
    values = _form_input()
    try:
        _check_controls(values)
        reminder = schedule.catalog(current().config).add(
            values["at"], values["text"], values["days"]
        )
    except ReminderInputError as exc:
        return _render_list(_error(exc), values, 400)
    flash(f"Added: {schedule.label(reminder)} ({reminder.schedule()}).")
    return redirect(url_for("reminders.index"))


def _find(reminder_id: str) -> Reminder | None:
    return schedule.catalog(current().config).find(reminder_id)


@bp.route("/<reminder_id>/edit", methods=("GET", "POST"))
def edit(reminder_id: str) -> BaseResponse | Page:
    reminder = _find(reminder_id)
    if reminder is None or reminder.source != "user":
        flash("That reminder cannot be edited here.", "error")
        return redirect(url_for("reminders.index"))
    errors: dict[str, str] = {}
    values = {
        "at": reminder.times[0].strftime("%H:%M"),
        "text": reminder.text,
        "days": ",".join(reminder.days),
    }
    if request.method == "POST":
        values = _form_input()
        try:
            _check_controls(values)
            schedule.catalog(current().config).update(
                reminder_id, at=values["at"], text=values["text"], days=values["days"]
            )
        except ReminderInputError as exc:
            errors = _error(exc)
        else:
            flash("Reminder changed.")
            return redirect(url_for("reminders.index"))
    return render_template(
        "reminders/edit.html",
        reminder=reminder,
        values=values,
        errors=errors,
        weekdays=WEEKDAYS,
    ), 400 if errors else 200


def _switch(reminder_id: str, enabled: bool) -> BaseResponse:
    try:
        reminder = schedule.catalog(current().config).set_enabled(reminder_id, enabled)
    except ReminderInputError as exc:
        flash(f"{reminder_id}: {exc.allowed}", "error")
    else:
        flash(f"{schedule.label(reminder)} is {'on' if enabled else 'off'}.")
    return redirect(url_for("reminders.index"))


@bp.post("/<reminder_id>/enable")
def enable(reminder_id: str) -> BaseResponse:
    return _switch(reminder_id, True)


@bp.post("/<reminder_id>/disable")
def disable(reminder_id: str) -> BaseResponse:
    return _switch(reminder_id, False)


@bp.post("/<reminder_id>/delete")
def delete(reminder_id: str) -> BaseResponse:
    try:
        schedule.catalog(current().config).remove(reminder_id)
    except ReminderInputError as exc:
        flash(f"{reminder_id}: {exc.allowed}", "error")
    else:
        flash("Reminder deleted.")
    return redirect(url_for("reminders.index"))


@bp.errorhandler(ReminderStoreError)
def _store_error(exc: ReminderStoreError) -> tuple[str, int]:
    return render_template("error.html", title="Reminders unavailable", message=str(exc)), 503
