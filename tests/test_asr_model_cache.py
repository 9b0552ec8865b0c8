"""The tuned-model overlay in the cache (endpointing and dither settings) never stops hearing:
a full disk loads the model as it is, a damaged overlay (a power cut mid-write) is rebuilt."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import vosk

from skill.asr.models import Tuning, resolve_model, tuned_model_dir
from tests.storage_support import fill_up, small_disk


def loads(directory: Path) -> bool:
    vosk.SetLogLevel(-1)
    return vosk.Model(str(directory)) is not None  # raises when Kaldi rejects the files


def test_a_full_disk_loads_the_model_with_its_own_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    model = resolve_model("ko").path
    with small_disk(tmp_path / "disk") as disk:
        monkeypatch.setenv("CRAMP_COACH_HOME", str(disk))
        fill_up(disk)
        with caplog.at_level(logging.WARNING):
            directory = tuned_model_dir(model, Tuning())
        assert directory == model and loads(directory)
        (line,) = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert f"free space on {disk}" in line and "own endpointing" in line


def test_a_damaged_overlay_is_rebuilt_and_the_model_loads(
    data_home: Path, tmp_path: Path
) -> None:
    model = resolve_model("ko").path
    directory = tuned_model_dir(model, Tuning())
    conf = directory / "conf" / "model.conf"
    whole = conf.read_text(encoding="utf-8")
    conf.write_text("--endpoint.rule2.min-trailing-silence=\x00\x00", encoding="utf-8")
    again = tuned_model_dir(model, Tuning())
    assert again == directory and conf.read_text(encoding="utf-8") == whole
    assert loads(again)
