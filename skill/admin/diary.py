"""Diary page: episodes per night for the last 8 weeks (SVG chart and table) and CSV export."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Blueprint, Response, render_template

from skill.admin import diary_view
from skill.admin.chart import episodes_svg, nights
from skill.admin.state import current

bp = Blueprint("diary", __name__, url_prefix="/diary")

WEEKS = 8
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@bp.get("/")
def index() -> str:
    config = current().config
    days = nights(diary_view.today(config), WEEKS * 7)
    per_night = diary_view.episodes_per_night(config, days[0], days[-1])
    rows = [(night, per_night[night]) for night in reversed(days) if per_night.get(night)]
    return render_template(
        "diary/index.html",
        chart=episodes_svg(per_night, days),
        rows=rows,
        total=sum(count for _, count in rows),
        first=days[0],
        last=days[-1],
        doctor_note=diary_view.doctor_note(config),
    )


def _cell(value: object) -> str:
    """Keep spreadsheet programs from running a cell as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


@bp.get("/episodes.csv")
def export_csv() -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in diary_view.csv_rows(current().config):
        writer.writerow([_cell(value) for value in row])
    filename = f"cramp-diary-{date.today().isoformat()}.csv"
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
