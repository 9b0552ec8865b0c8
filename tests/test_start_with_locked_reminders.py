"""A reminder list and job store locked by another program at start (a backup tool, the sqlite3
shell) never hold up listening: a cramp said at once is answered while the lock is still held,
the wait is said once in the log and on the status page, and the reminders start, none lost,
once the files are free."""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import ExitStack, closing
from datetime import time as clock_time
from pathlib import Path

import pytest

from scheduler.definitions import DEFINITIONS_FILE, DefinitionStore
from scheduler.ledger import LEDGER_FILE
from scheduler.service import JOB_STORE_FILE
from skill.assistant import Assistant
from skill.config import parse_config
from tests import run_process
from tests.pulse import PulseServer
from tests.run_process import RunProcess
from tests.test_storage_locked import locked_by_another_process
from tests.voice_support import CALF_TRIES, KoreanSpeech
from tests.waiting import wait_for

ANSWER_SECONDS = 8.0
"""How long a person waits for an answer before saying it again."""
WAITING = f"reminders wait for {DEFINITIONS_FILE}"
NOT_LOADED = "saved reminders aren't loaded yet"
TEXT_SPEECH = '[speech]\nengine = "none"\n[reminders]\ntimezone = "UTC"\n'


def _custom_reminder(home: Path) -> str:
    """A reminder the user added earlier: it must be scheduled once the list is free."""
    return DefinitionStore(home / DEFINITIONS_FILE).add_custom(
        clock_time(12, 0), (), "stretch your calves")


def _scheduled_ids(home: Path) -> set[str]:
    with closing(sqlite3.connect(home / JOB_STORE_FILE)) as db:
        return {row[0] for row in db.execute("SELECT id FROM apscheduler_jobs")}


def _spoken_keys(home: Path) -> list[str]:
    with closing(sqlite3.connect(home / "history.db")) as db:
        rows = db.execute("SELECT data FROM events WHERE kind = 'spoken'").fetchall()
    return [json.loads(data)["key"] for (data,) in rows]


def _locked_storage(stack: ExitStack, home: Path) -> None:
    for name in (DEFINITIONS_FILE, JOB_STORE_FILE, LEDGER_FILE):
        stack.enter_context(locked_by_another_process(home / name))


def test_a_locked_reminder_list_leaves_first_aid_at_once_and_is_shown_until_free(
    data_home: Path,
) -> None:
    custom = _custom_reminder(data_home)
    config, _ = parse_config(TEXT_SPEECH)
    assistant: Assistant | None = None
    try:
        with ExitStack() as locks:
            _locked_storage(locks, data_home)
            assistant = Assistant(config, listen=False)
            assistant.start()
            said = assistant.handle_text("my calf is cramping")
            keys = [item.key for item in assistant.speaker.last_spoken]
            assert any(key.startswith("first_aid.calf") for key in keys) and said
            status = assistant.status
            assert wait_for(lambda: any(WAITING in note for note in status().notes))
            notes = [note for note in assistant.status().notes if DEFINITIONS_FILE in note]
            assert not assistant.reminders.running
        scheduled = assistant.reminders.scheduled
        assert wait_for(lambda: custom in scheduled(), 60)
        after = assistant.status().notes
    finally:
        if assistant is not None:
            assistant.stop()
    assert len(notes) == 1 and f"close the program that holds {DEFINITIONS_FILE}" in notes[0]
    assert not any(DEFINITIONS_FILE in note for note in after), after


@pytest.mark.audio
def test_run_hears_a_cramp_while_its_reminder_files_are_locked_then_starts_reminders(
    pulse_server: PulseServer, data_home: Path, korean_speech: KoreanSpeech,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    custom = _custom_reminder(data_home)
    monkeypatch.setattr(run_process, "KOREAN", '[general]\nlanguage = "ko"\n')  # reminders on
    with ExitStack() as locks:
        _locked_storage(locks, data_home)
        run = RunProcess(data_home, pulse_server, "--no-admin")
        try:
            listening = run.wait_line(r"listening \(ko", 0.0, 300)
            assert listening is not None, run.text
            time.sleep(2.5)  # a fresh monitor source may deliver nothing for about two seconds
            for text, speed in CALF_TRIES:
                pulse_server.play(korean_speech(text, speed))
                time.sleep(ANSWER_SECONDS)
                if "first_aid.calf.straighten" in _spoken_keys(data_home):
                    break
            keys = _spoken_keys(data_home)
            log = run.text
            released = time.monotonic()
        except BaseException:
            run.terminate()
            raise
    try:
        started = run.wait_line("reminders are running", released, 120)
        scheduled = _scheduled_ids(data_home) if started is not None else set()
    finally:
        code = run.terminate()
    assert "first_aid.calf.straighten" in keys, log
    # Nothing about the locked files may come before the microphone is open.
    before = log.split("listening (ko", 1)[0]
    assert DEFINITIONS_FILE not in before and JOB_STORE_FILE not in before, before
    assert log.count(WAITING) == 1, log
    assert started is not None, run.text
    assert custom in scheduled and code == 0


def test_todays_list_says_the_saved_reminders_are_not_loaded_while_their_file_is_locked(
    data_home: Path,
) -> None:
    _custom_reminder(data_home)
    config, _ = parse_config(TEXT_SPEECH)
    assistant: Assistant | None = None
    try:
        with locked_by_another_process(data_home / DEFINITIONS_FILE):
            assistant = Assistant(config, listen=False)
            assistant.start()
            status = assistant.status
            assert wait_for(lambda: any(WAITING in note for note in status().notes))
            while_locked = " ".join(assistant.handle_text("any reminders today"))
        reminders = assistant.reminders
        assert wait_for(lambda: reminders.running, 60)
        once_free = " ".join(assistant.handle_text("any reminders today"))
    finally:
        if assistant is not None:
            assistant.stop()
    # Only config.toml's reminders are known: never a list that silently drops the user's own.
    assert NOT_LOADED in while_locked, while_locked
    assert NOT_LOADED not in once_free and "reminders" in once_free, once_free


def test_todays_list_says_so_when_the_saved_reminders_cannot_be_read(data_home: Path) -> None:
    (data_home / DEFINITIONS_FILE).write_bytes(bytes(range(256)) * 16)
    config, _ = parse_config(TEXT_SPEECH)
    assistant = Assistant(config, listen=False)
    try:
        assistant.start()
        reminders = assistant.reminders
        assert wait_for(lambda: reminders.running, 60)
        said = " ".join(assistant.handle_text("any reminders today"))
    finally:
        assistant.stop()
    assert NOT_LOADED in said, said
