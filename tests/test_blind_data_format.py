"""Format checks for the labelled English test sets in tests/data (columns, intent names, slots)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from intents.match import CANONICAL_INTENTS

DATA = Path(__file__).parent / "data"
FILES = sorted(DATA.glob("en_*.tsv"))
SLOT_VALUES = {
    "side": re.compile(r"left|right"),
    "who": re.compile(r"child|partner"),
    "minutes": re.compile(r"[1-9][0-9]*"),
    "level": re.compile(r"emergency|urgent|doctor"),
    "remedy": re.compile(r"[a-z_]+"),
}
# A slot that only makes sense on one intent: minutes on snooze, level on red flags; the older
# development sets also name the remedy asked about.
SLOT_OWNER = {"minutes": "reminder.snooze", "level": "safety.red_flag", "remedy": "info.remedies"}
# The blind sets follow README_BLIND.md strictly: only the four slots of INTENTS.md, and a red flag
# carries its level alone (the older development sets also keep side/who on red flags).
BLIND = set(re.findall(r"^\| `(en_[a-z0-9_]+\.tsv)`", (DATA / "README_BLIND.md").read_text(), re.M))
BLIND_SLOTS = {"side", "who", "minutes", "level"}


def slot_problems(intent: str, slots: str, blind: bool = True) -> list[str]:
    """Say what is wrong with one line's slot column, or nothing when it is well formed."""
    if not slots:
        return ["red flag without level"] if intent == "safety.red_flag" else []
    problems = []
    names = []
    for pair in slots.split(","):
        name, sep, value = pair.partition("=")
        names.append(name)
        pattern = SLOT_VALUES.get(name)
        if not sep or pattern is None or not pattern.fullmatch(value) or (
                blind and name not in BLIND_SLOTS):
            problems.append(f"bad slot {pair!r}")
        elif SLOT_OWNER.get(name, intent) != intent:
            problems.append(f"slot {name} on {intent}")
    if len(set(names)) != len(names):
        problems.append("repeated slot name")
    if intent == "safety.red_flag" and names.count("level") != 1:
        problems.append("red flag must carry exactly one level slot")
    elif intent == "safety.red_flag" and blind and names != ["level"]:
        problems.append("red flag in a blind set carries only its level")
    return problems


def line_problems(fields: list[str], width: int, blind: bool = True) -> list[str]:
    """Say what is wrong with one data line (already split on tabs)."""
    if len(fields) != width:
        return [f"{len(fields)} columns, header has {width}"]
    text, intent, slots = fields[0], fields[1], fields[2]
    problems = [] if text.strip() else ["empty text"]
    if intent != "null" and intent not in CANONICAL_INTENTS:
        problems.append(f"unknown intent {intent!r}")
    problems += slot_problems(intent, slots, blind)
    if width == 4 and fields[3] not in ("yes", "no"):
        problems.append("certain must be yes or no")
    return problems


def file_problems(path: Path) -> list[str]:
    """Every problem in one file as 'name:line: reason' (never the text: authors stay blind)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    numbered = [(n, line) for n, line in enumerate(lines, 1) if not line.startswith("#")]
    if not numbered:
        return [f"{path.name}: no header"]
    header = numbered[0][1].split("\t")
    if header[:3] != ["text", "intent", "slots"] or header[3:] not in ([], ["certain"]):
        return [f"{path.name}:{numbered[0][0]}: header must be text, intent, slots [, certain]"]
    problems = []
    for number, line in numbered[1:]:
        found = line_problems(line.split("\t"), len(header), path.name in BLIND)
        problems += [f"{path.name}:{number}: {p}" for p in found]
    return problems


def test_every_blind_set_in_the_readme_exists() -> None:
    assert len(BLIND) >= 7
    assert BLIND - {p.name for p in FILES} == set()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_line_has_known_intent_and_well_formed_slots(path: Path) -> None:
    assert file_problems(path) == []


@pytest.mark.parametrize("path", [p for p in FILES if "sealed" in p.name], ids=lambda p: p.name)
def test_sealed_file_starts_with_seal_comment(path: Path) -> None:
    assert path.read_text(encoding="utf-8").startswith("# SEALED")


def test_checker_rejects_misspelt_intent_and_bad_slots() -> None:
    assert line_problems(["my calf", "cramp.calve", "side=middle"], 3) == [
        "unknown intent 'cramp.calve'", "bad slot 'side=middle'"]
    assert line_problems(["later", "reminder.snooze", "minutes=ten"], 3) == [
        "bad slot 'minutes=ten'"]
    assert line_problems(["swollen calf", "safety.red_flag", ""], 3) == ["red flag without level"]
    assert line_problems(["ten minutes", "control.next", "minutes=10"], 3) == [
        "slot minutes on control.next"]
    assert line_problems(["my calf", "cramp.calf"], 3) == ["2 columns, header has 3"]
    assert line_problems(["my calf", "cramp.calf", "", "maybe"], 4) == ["certain must be yes or no"]
    assert line_problems(["quinine?", "info.remedies", "remedy=quinine"], 3) == [
        "bad slot 'remedy=quinine'"]
    assert line_problems(["left calf hot", "safety.red_flag", "level=urgent,side=left"], 3) == [
        "red flag in a blind set carries only its level"]


def test_checker_accepts_well_formed_lines() -> None:
    assert line_problems(["my son's leg", "cramp.child", "who=child,side=left"], 3) == []
    assert line_problems(["chest pain", "safety.red_flag", "level=emergency", "yes"], 4) == []
    assert line_problems(["crampons", "null", ""], 3) == []


def test_older_development_sets_may_name_remedy_and_side_of_a_red_flag() -> None:
    assert line_problems(["quinine?", "info.remedies", "remedy=quinine"], 3, blind=False) == []
    red_flag_with_side = ["hot calf", "safety.red_flag", "level=urgent,side=left"]
    assert line_problems(red_flag_with_side, 3, blind=False) == []
    assert line_problems(["hot calf", "safety.red_flag", "side=left"], 3, blind=False) == [
        "red flag must carry exactly one level slot"]
