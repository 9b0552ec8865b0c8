"""`cramp-coach ask` and `diary` run as real processes with a private data directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

CONVERSATION = "my calf is cramping\nnext\nrepeat\nit has passed\n"
pytestmark = pytest.mark.usefixtures("semantic_cache")


def cli(home: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CRAMP_COACH_HOME": str(home)}
    result = subprocess.run(
        [sys.executable, "-m", "skill", *args], input=stdin, env=env, capture_output=True,
        timeout=240, check=False,
    )
    return subprocess.CompletedProcess(
        result.args, result.returncode,
        result.stdout.decode("utf-8"), result.stderr.decode("utf-8", errors="replace"),
    )


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


def test_ask_prints_the_first_steps(data_home: Path) -> None:
    result = cli(data_home, "ask", "--silent", "my calf is cramping")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Cramps usually pass")
    assert "straighten" in lines[1]
    assert "Traceback" not in result.stderr


def test_ask_json_has_the_documented_fields(data_home: Path) -> None:
    result = cli(data_home, "ask", "--silent", "--json", "my calf is cramping")
    (turn,) = json_lines(result.stdout)
    assert set(turn) == {"text", "intent", "slots", "say", "reply_keys", "confidence", "layer"}
    assert (turn["confidence"], turn["layer"]) == (1.0, "exact")
    assert turn["text"] == "my calf is cramping"
    assert turn["intent"] == "cramp.calf"
    assert turn["reply_keys"][:2] == ["reassure.open", "first_aid.calf.straighten"]
    assert len(turn["say"]) == len(turn["reply_keys"])


def test_each_line_is_its_own_conversation_with_each(data_home: Path) -> None:
    result = cli(data_home, "ask", "--silent", "--json", "--each", stdin=CONVERSATION.encode())
    assert result.returncode == 0, result.stderr
    turns = json_lines(result.stdout)
    assert [t["intent"] for t in turns] == [
        "cramp.calf", "control.next", "control.repeat", "control.better"]
    # no flow carried over: "next" does not step the calf flow, "repeat" has nothing to repeat
    assert "first_aid.calf.pull_toes" not in turns[1]["reply_keys"]
    assert turns[2]["reply_keys"] != turns[1]["reply_keys"] or not turns[1]["reply_keys"]
    assert all(set(t) >= {"confidence", "layer"} for t in turns)


def test_semantic_fallback_shows_its_layer_in_json(data_home: Path) -> None:
    result = cli(data_home, "ask", "--silent", "--json", "--each",
                 stdin=b"this cramp is unbearable\n"
                       b"add bananas to my shopping list\n")
    cramp, bananas = json_lines(result.stdout)
    assert (cramp["intent"], cramp["layer"]) == ("cramp.calf", "cramp-unclear")
    assert cramp["reply_keys"][:2] == ["reassure.open", "first_aid.calf.straighten"]
    assert 0.5 < cramp["confidence"] < 1
    assert (bananas["intent"], bananas["layer"], bananas["say"]) == (None, "none", [])


def test_semantic_switch_off_in_config_keeps_templates_only(data_home: Path) -> None:
    config = data_home / "config.toml"
    config.write_text("[understanding]\nsemantic = false\n", encoding="utf-8")
    result = cli(data_home, "--config", str(config), "ask", "--silent", "--json", "--each",
                 stdin=b"can you talk a bit slower\nmy calf cramped up on the bike ride home\n")
    assert result.returncode == 0, result.stderr
    command, cramp = json_lines(result.stdout)
    assert (command["intent"], command["layer"]) == (None, "none")  # only the layer knew it
    # a cramp now needs no model: the concept rule still starts a cramp flow, and the line's
    # situation (a bike ride, intents/situation.py) gives it the exercise kind
    assert (cramp["intent"], cramp["layer"]) == ("cramp.exercise", "cramp-unclear")


def test_stdin_is_one_conversation(data_home: Path) -> None:
    result = cli(data_home, "ask", "--silent", "--json", stdin=CONVERSATION.encode())
    assert result.returncode == 0, result.stderr
    turns = json_lines(result.stdout)
    assert [t["intent"] for t in turns] == [
        "cramp.calf", "control.next", "control.repeat", "control.better"]
    assert turns[1]["reply_keys"][0] == "first_aid.calf.pull_toes"
    assert turns[1]["say"][-4:] == ["Ten.", "Twenty.", "Thirty.", "And relax."]
    assert turns[2]["reply_keys"] == turns[1]["reply_keys"]
    assert turns[3]["reply_keys"] == ["aftercare.passed", "aftercare.sore"]


def test_each_line_escalates_at_its_own_level(data_home: Path) -> None:
    lines = "my calf is cramping\nnext\nmy calf is swollen and hot\n"
    result = cli(data_home, "ask", "--silent", "--json", "--each", stdin=lines.encode())
    assert result.returncode == 0, result.stderr
    first, follow_up, danger = json_lines(result.stdout)
    assert first["reply_keys"][1] == "first_aid.calf.straighten"
    assert follow_up["reply_keys"] == []  # a fresh conversation: no flow to go on with
    assert (danger["slots"], danger["reply_keys"]) == ({"level": "urgent"}, ["escalation.urgent"])


def test_diary_shows_what_ask_heard_said_and_the_episode(data_home: Path) -> None:
    cli(data_home, "ask", "--silent", stdin=CONVERSATION.encode())
    result = cli(data_home, "diary", "--json", "--limit", "100")
    assert result.returncode == 0, result.stderr
    history = json.loads(result.stdout)
    (episode,) = history["episodes"]
    assert (episode["muscle"], episode["outcome"]) == ("calf", "passed")
    assert {"heard", "intent", "spoken", "episode"} <= {e["kind"] for e in history["events"]}
    text = cli(data_home, "diary", "--limit", "3").stdout
    assert "Episodes (1, newest first):" in text
    assert "calf  passed" in text
    assert "Events (3, newest first):" in text


def test_a_one_shot_question_leaves_no_episode_open(data_home: Path) -> None:
    cli(data_home, "ask", "--silent", "my calf is cramping")
    history = json.loads(cli(data_home, "history", "--json").stdout)
    assert [e["outcome"] for e in history["episodes"]] == ["unfinished"]


def test_bad_input_gets_no_intent_and_no_traceback(data_home: Path) -> None:
    junk = b"\n" + b"\x00\xff\xfe\x80 binary \x1b[2J junk\n" + b"a" * 100_000 + b"\n"
    result = cli(data_home, "ask", "--silent", "--json", stdin=junk)
    assert result.returncode == 0, result.stderr
    turns = json_lines(result.stdout)
    assert len(turns) == 3
    assert [t["intent"] for t in turns] == [None, None, None]
    assert "Traceback" not in result.stderr


def test_bad_input_in_text_mode_says_why_nothing_was_said(data_home: Path) -> None:
    result = cli(data_home, "ask", "--silent", stdin=b"\n")
    assert result.returncode == 0
    assert "no intent matched" in result.stderr


def test_a_thousand_lines_run_as_one_conversation(data_home: Path) -> None:
    lines = (CONVERSATION + "what causes cramps\nthe weather is nice today\n") * 167
    lines = "\n".join(lines.splitlines()[:1000]) + "\n"
    result = cli(data_home, "ask", "--silent", "--json", stdin=lines.encode())
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 1000


def test_realtime_flag_prints_as_it_goes(data_home: Path) -> None:
    result = cli(data_home, "ask", "--silent", "--realtime", "what causes cramps")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("Often there's no clear reason")


def test_unknown_language_is_one_clear_line(data_home: Path) -> None:
    result = cli(data_home, "ask", "--silent", "--lang", "xx", "hello")
    assert result.returncode == 2
    assert "no language pack 'xx'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["diary", "history"])  # history: the old name still works
def test_diary_on_a_fresh_install_is_empty(data_home: Path, command: str) -> None:
    result = cli(data_home, command, "--json")
    assert json.loads(result.stdout) == {"episodes": [], "events": []}
