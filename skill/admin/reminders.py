"""Reminders page: list with next run, add, edit, enable/disable, delete."""

from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("reminders", __name__, url_prefix="/reminders")


@bp.get("/")
def index() -> str:
    return render_template("reminders/index.html", reminders=[])
