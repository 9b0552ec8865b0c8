"""The real-word list: a missing pyspellchecker is one clear line, never a silently empty list."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from intents.language import PackError
from intents.real_words import english_words, real_word_sources

_BLOCKED = "import sys; sys.modules['spellchecker'] = None; "
"""Python then finds no package of that name, as after an install without it."""


@pytest.fixture
def no_spellchecker(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    english_words.cache_clear()
    monkeypatch.setitem(sys.modules, "spellchecker", None)
    yield
    english_words.cache_clear()


@pytest.mark.usefixtures("no_spellchecker")
def test_english_words_without_pyspellchecker_fail_with_one_clear_line() -> None:
    with pytest.raises(PackError) as caught:
        english_words()
    message = str(caught.value)
    assert "\n" not in message
    assert "pyspellchecker" in message and "pip install -e ." in message


@pytest.mark.usefixtures("no_spellchecker")
def test_a_pack_naming_the_english_list_fails_at_load_without_it() -> None:
    with pytest.raises(PackError, match=r"^real_words english: pyspellchecker's word list"):
        real_word_sources("english", "cramp_now")


def test_english_words_are_read_when_pyspellchecker_is_installed() -> None:
    assert len(english_words()) > 10_000


def test_ask_without_pyspellchecker_exits_with_one_line() -> None:
    run = subprocess.run(
        [sys.executable, "-c", _BLOCKED + "from skill.cli.main import main; "
         "sys.exit(main(['ask', '--silent', 'my calf is cramping']))"],
        capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 2
    # (the first run in a fresh home also logs that it wrote the default config)
    errors = [line for line in run.stderr.splitlines() if line.startswith("cramp-coach ask:")]
    assert len(errors) == 1 and "Traceback" not in run.stderr, run.stderr
    assert errors[0].startswith("cramp-coach ask: real_words english: pyspellchecker")
