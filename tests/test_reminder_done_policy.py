"""reminder.done needs a reminded thing, a bare 'done', or a spoken reminder waiting for it."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from intents.language import load_pack
from intents.matcher import IntentMatcher
from intents.normalize import Normalizer
from intents.reminder_done import DONE, ReminderDone
from scheduler.service import ReminderService
from skill.dialogue.conversation import Conversation
from tests.test_conversation import make_config
from tests.test_reminders_service import Recorder, add_at, soon

CHORES = ["i have done the washing up", "i've finished the ironing", "done the crossword",
          "i have done the hoovering", "i finished my homework", "i've paid the gas bill"]
REMINDED = ["done my stretches", "had the glass already", "i've done the foot bath",
            "yes i did it", "had my water already", "done"]


@pytest.mark.parametrize("line", CHORES)
def test_a_chore_said_as_done_is_no_reminder_answer(matcher: IntentMatcher, line: str) -> None:
    assert matcher.match(line).intent != DONE


@pytest.mark.parametrize("line", REMINDED)
def test_a_reminded_thing_said_as_done_answers_the_reminder_with_no_context(
        matcher: IntentMatcher, line: str) -> None:
    assert matcher.match(line).intent == DONE


def test_the_chore_guess_is_held_back_for_the_dialogue(matcher: IntentMatcher) -> None:
    found = matcher.match("i have done the washing up")
    assert (found.intent, found.held) == (None, DONE)


def test_every_reminder_done_paraphrase_names_a_reminded_thing_or_is_bare() -> None:
    pack = load_pack("en")
    policy = ReminderDone.from_meta(pack.meta)
    normalize = Normalizer.from_meta(pack.meta)
    data = yaml.safe_load((pack.directory / "training" / "paraphrases.yaml").read_text())
    assert policy is not None
    assert [line for line in data[DONE] if not policy.reminded(normalize(line).split())] == []


def test_a_chore_done_while_a_spoken_reminder_waits_marks_it_done(
        matcher: IntentMatcher, data_home: Path, rec: Recorder,
        services: Callable[..., ReminderService]) -> None:
    rid = add_at(data_home, soon(2), "Tidy the kitchen")
    service = services()
    convo = Conversation(load_pack("en"), matcher, make_config(), clock=time.time,
                         reminders=service)
    assert convo.handle_text("i have done the washing up").reply_keys == []  # nothing due yet
    service.start()
    rec.wait_for("spoken", lambda: bool(rec.said(rid)))
    turn = convo.handle_text("i have done the washing up")
    assert turn.reply_keys == ["reminder.done"]
    service.stop()
    assert rec.kinds(rid) == ["spoken", "done"]
