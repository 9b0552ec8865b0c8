"""Status page: model, microphone, speech, next reminders, last events, bedtime check; /healthz."""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, url_for
from werkzeug.wrappers import Response as BaseResponse

from skill.admin import diary_view, schedule
from skill.admin.assistant import BedtimeReport, CheckItem
from skill.admin.state import current

log = logging.getLogger(__name__)

bp = Blueprint("status", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    return Response("ok\n", mimetype="text/plain")


def _page(report: BedtimeReport | None = None) -> str:
    state = current()
    return render_template(
        "status/index.html",
        status=state.control.status(),
        upcoming=schedule.upcoming(state.config, limit=5),
        events=diary_view.recent_events(state.config, limit=10),
        report=report,
    )


@bp.get("/")
def index() -> str:
    return _page()


@bp.get("/status.json")
def status_json() -> Response:
    """Live values for the small script on the status page (level, last heard)."""
    data: dict[str, Any] = asdict(current().control.status())
    for key, value in data.items():
        if isinstance(value, datetime):
            data[key] = value.isoformat(timespec="seconds")
    return jsonify(data)


@bp.post("/bedtime-check")
def bedtime_check() -> str:
    try:
        report = current().control.bedtime_check()
    except Exception as exc:  # report it on the page instead of a server error
        log.exception("bedtime check failed")
        report = BedtimeReport((CheckItem("assistant", False, f"the check itself failed: {exc}"),))
    return _page(report)


@bp.post("/stop-speaking")
def stop_speaking() -> BaseResponse:
    try:
        current().control.stop_speaking()
    except Exception as exc:  # report it on the page instead of a server error
        log.exception("could not stop speech")
        flash(f"Could not stop speech: {exc}", "error")
    return redirect(url_for("status.index"))
