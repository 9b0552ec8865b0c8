"""A damaged language pack file (a bad edit by a translator, a cut copy, a stray binary) stops
start-up with one line naming the file, and for bad YAML its line and column: never a
traceback, never a message without the file."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import intents.language
from intents.language import PACKS_DIR, load_pack
from skill.cli.main import main


@pytest.fixture
def pack_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the English pack that load_pack reads instead of the installed one."""
    shutil.copytree(PACKS_DIR / "en", tmp_path / "en")
    monkeypatch.setattr(intents.language, "PACKS_DIR", tmp_path)
    load_pack.cache_clear()
    yield tmp_path / "en"
    load_pack.cache_clear()


def _unclosed_list(path: Path) -> str:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(3, "  broken: [first, second\n")
    path.write_text("".join(lines), encoding="utf-8")
    return "flow sequence from line 4"


def _binary(path: Path) -> str:
    path.write_bytes(b"replies:\n" + bytes(range(128, 256)))
    return "not UTF-8"


def _a_list(path: Path) -> str:
    path.write_text("- just\n- a list\n", encoding="utf-8")
    return "expected a mapping"


@pytest.mark.parametrize("damage", [_unclosed_list, _binary, _a_list],
                         ids=["bad-yaml", "binary", "not-a-mapping"])
def test_a_damaged_pack_file_stops_start_up_with_one_line_naming_it(
    pack_copy: Path, damage: Callable[[Path], str], data_home: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = pack_copy / "replies" / "reminder.yaml"
    expected = damage(path)
    code = main(["ask", "--silent", "my calf is cramping"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and str(path) in err[0] and expected in err[0], err
