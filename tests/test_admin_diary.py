"""Diary page: episodes per night as a server-side SVG, a table, CSV export, the doctor note."""

from __future__ import annotations

import csv
import io
import time
from datetime import datetime, timedelta

from intents.language import load_pack
from skill.dialogue.diary import Diary
from tests.admin_support import AuthActions


def _episode(diary: Diary, nights_ago: int, muscle: str = "calf", hour: int = 3) -> None:
    night = datetime.now().astimezone() - timedelta(days=nights_ago)
    start = night.replace(hour=hour, minute=10, second=0, microsecond=0).timestamp()
    if start > time.time():
        start -= 86400
    episode = diary.start_episode(start, muscle, "left")
    diary.end_episode(episode, start + 95, "passed", ["first_aid.calf.straighten"])


def test_empty_diary_page_has_a_chart_and_says_nothing_recorded(client, auth: AuthActions) -> None:
    auth.login()
    page = client.get("/diary/").get_data(as_text=True)
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert 'class="bar"' not in page
    assert "No cramps recorded" in page
    assert 'id="doctor-note"' not in page


def test_episodes_show_as_bars_and_rows(client, auth: AuthActions) -> None:
    with Diary() as diary:
        _episode(diary, 2)
        _episode(diary, 2, "foot", hour=4)
        _episode(diary, 20)
        _episode(diary, 80)  # older than 8 weeks: not shown
    auth.login()
    page = client.get("/diary/").get_data(as_text=True)
    assert page.count('class="bar"') == 2
    assert ": 2 episodes</title>" in page
    assert page.count("<tr><td>") == 2
    assert "3 episodes in the last 8 weeks" in page
    assert 'id="doctor-note"' not in page


def test_frequent_cramps_bring_the_doctor_note(client, auth: AuthActions) -> None:
    with Diary() as diary:
        for nights_ago in (1, 2, 3):
            _episode(diary, nights_ago)
    auth.login()
    page = client.get("/diary/").get_data(as_text=True)
    assert 'id="doctor-note"' in page
    note = load_pack("en").reply("advice.frequent_cramps").replace("'", "&#39;")
    assert note in page


def test_csv_export_has_one_row_per_episode_and_no_formulas(client, auth: AuthActions) -> None:
    with Diary() as diary:
        _episode(diary, 1)
        _episode(diary, 5, muscle='=HYPERLINK("x")')
    auth.login()
    response = client.get("/diary/episodes.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["start", "end", "muscle"]
    assert len(rows) == 3
    assert rows[1][2].startswith("'=")


def test_status_page_lists_recent_events_escaped(client, auth: AuthActions) -> None:
    with Diary() as diary:
        diary.log("heard", {"text": "<b>my calf</b>"}, time.time())
    auth.login()
    page = client.get("/").get_data(as_text=True)
    assert "&lt;b&gt;my calf&lt;/b&gt;" in page
    assert "<b>my calf" not in page
