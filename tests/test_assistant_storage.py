"""The running assistant on a damaged diary: first aid first, the storage warning said once after
the flow (never during it), and the problem on the status page."""

from __future__ import annotations

import time
from pathlib import Path

from skill.assistant import Assistant
from skill.config import parse_config
from skill.dialogue.keys import STORAGE_PROBLEM
from tests.waiting import wait_for

TEXT_SPEECH = """
[speech]
engine = "none"
[reminders]
enabled = false
"""
TICKS = 2.5
"""A little more than two of the assistant's one-second timer ticks."""



def test_damaged_diary_first_aid_then_one_warning_after_the_flow(data_home: Path) -> None:
    (data_home / "history.db").write_bytes(bytes(range(256)) * 8)
    config, _ = parse_config(TEXT_SPEECH)
    assistant = Assistant(config, listen=False)
    # The cramp comes first, so the timer that says the warning finds a flow already open.
    said = assistant.handle_text("my calf is cramping")
    assistant.start()
    try:
        time.sleep(TICKS)  # the flow is still open: no warning may cut in
        keys = [item.key for item in assistant.speaker.last_spoken]
        assert any(key.startswith("first_aid.calf") for key in keys) and said
        assert STORAGE_PROBLEM not in keys
        assistant.handle_text("stop")
        assert wait_for(lambda: STORAGE_PROBLEM in
                        [item.key for item in assistant.speaker.last_spoken])
        time.sleep(TICKS)
        keys = [item.key for item in assistant.speaker.last_spoken]
        notes = assistant.status().notes
    finally:
        assistant.stop()
    assert keys.count(STORAGE_PROBLEM) == 1
    assert any("history.db" in note and "move it aside" in note for note in notes)
