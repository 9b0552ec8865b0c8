"""Find, tune, load (once per process) and download Vosk models."""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import logging
import os
import re
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cramp_common.paths import cache_dir
from cramp_common.storage import advice

log = logging.getLogger(__name__)

VOSK_CACHE_DIRS = (Path("/usr/share/vosk"), Path.home() / ".cache" / "vosk")
"""Where vosk's own downloader keeps models (vosk.MODEL_DIRS without the env entry)."""


class ModelNotFoundError(Exception):
    """No model for the language anywhere; the message says how to get one."""


class ModelLoadError(Exception):
    """A model directory exists but cannot be used (incomplete or corrupt)."""


@dataclass(frozen=True)
class ModelLocation:
    path: Path
    origin: str
    """Found by: 'config', 'VOSK_MODEL_PATH', 'package vosk_model_<lang>' or 'vosk cache'."""


@dataclass(frozen=True)
class Tuning:
    """Overrides written over the model's own conf files (vosk 0.3.45 has no setters for them)."""

    endpoint_silence: float = 0.4
    """--endpoint.rule2.min-trailing-silence: end after this much silence when confident."""
    endpoint_silence_unsure: float = 0.8
    """--endpoint.rule3.min-trailing-silence: the same when less confident."""
    dither: float = 0.0
    """MFCC dither; 0 makes the same audio give the same transcript every run."""

    def model_conf(self) -> dict[str, str]:
        return {
            "--endpoint.rule2.min-trailing-silence": f"{self.endpoint_silence:g}",
            "--endpoint.rule3.min-trailing-silence": f"{self.endpoint_silence_unsure:g}",
        }

    def mfcc_conf(self) -> dict[str, str]:
        return {"--dither": f"{self.dither:g}"}


def how_to_get(lang: str) -> str:
    return (
        f"no Vosk speech model for language {lang!r}. Get one with "
        f"`cramp-coach model download --lang {lang}` (needs internet once)"
        + (", or `pip install 'cramp-coach[ko]'`" if lang == "ko" else "")
        + ", or unpack a model from https://alphacephei.com/vosk/models and set [voice] "
        "model_path or VOSK_MODEL_PATH. "
        "Typed questions (`cramp-coach ask`), reminders and the admin page work without it."
    )


def _cached_model_dir(lang: str) -> Path | None:
    pattern = re.compile(rf"vosk-model(-small)?-{re.escape(lang)}")
    for directory in VOSK_CACHE_DIRS:
        if not directory.is_dir():
            continue
        for entry in sorted(directory.iterdir()):
            if entry.is_dir() and pattern.match(entry.name):
                return entry
    return None


def resolve_model(lang: str, model_path: str = "") -> ModelLocation:
    """The model that would be used, in order: config, $VOSK_MODEL_PATH, package, vosk's cache."""
    if model_path:
        return ModelLocation(Path(model_path).expanduser(), "config")
    env = os.environ.get("VOSK_MODEL_PATH")
    if env:
        return ModelLocation(Path(env).expanduser(), "VOSK_MODEL_PATH")
    package = f"vosk_model_{lang}"
    spec = importlib.util.find_spec(package)
    if spec is not None and spec.origin:
        candidate = Path(spec.origin).parent / "model"
        if candidate.is_dir():
            return ModelLocation(candidate, f"package {package}")
    cached = _cached_model_dir(lang)
    if cached is not None:
        return ModelLocation(cached, "vosk cache")
    raise ModelNotFoundError(how_to_get(lang))


def check_model_dir(path: Path) -> None:
    """Raise ModelLoadError naming what is missing, before vosk gets a chance to fail obscurely."""
    if not path.is_dir():
        raise ModelLoadError(f"{path}: Vosk model directory does not exist")
    needed = [path / "am" / "final.mdl", path / "conf" / "model.conf"]
    graph = path / "graph"
    has_graph = (graph / "HCLG.fst").is_file() or (
        (graph / "HCLr.fst").is_file() and (graph / "Gr.fst").is_file()
    )
    missing = [str(p.relative_to(path)) for p in needed if not p.is_file()]
    if not has_graph:
        missing.append("graph/HCLG.fst (or graph/HCLr.fst + graph/Gr.fst)")
    if missing:
        raise ModelLoadError(
            f"{path}: not a complete Vosk model (missing {', '.join(missing)}); "
            "download it again with `cramp-coach model download`"
        )


def _overlay_conf(source: Path, overrides: dict[str, str]) -> str:
    lines = source.read_text(encoding="utf-8").splitlines() if source.is_file() else []
    kept = [line for line in lines if line.split("=", 1)[0].strip() not in overrides]
    return "\n".join([*kept, *(f"{key}={value}" for key, value in overrides.items())]) + "\n"


def tuned_model_dir(path: Path, tuning: Tuning) -> Path:
    """A cache directory that links to the model's parts but carries our conf overrides; the
    model's own directory (its own endpointing) when that cannot be written (a full disk)."""
    model_conf = _overlay_conf(path / "conf" / "model.conf", tuning.model_conf())
    mfcc_conf = _overlay_conf(path / "conf" / "mfcc.conf", tuning.mfcc_conf())
    digest = hashlib.sha256(
        f"{path.resolve()}\0{model_conf}\0{mfcc_conf}".encode()
    ).hexdigest()[:16]
    target = cache_dir() / "vosk-tuned" / f"{path.name}-{digest}"
    confs = {"model.conf": model_conf, "mfcc.conf": mfcc_conf}
    if _holds(target, confs):
        return target
    try:
        _build_overlay(path, target, confs)
    except OSError as exc:  # hearing must not depend on a cache: the model loads without it
        log.warning("%s; until then the model's own endpointing is used, so answers come "
                    "a little later", advice(exc, target, "tuned model settings", ""))
        return path
    return target


def _holds(target: Path, confs: dict[str, str]) -> bool:
    """Whether the overlay at `target` is whole: a power cut can leave its files empty."""
    try:
        return all((target / "conf" / name).read_text(encoding="utf-8") == text
                   for name, text in confs.items())
    except (OSError, UnicodeDecodeError):
        return False


def _build_overlay(path: Path, target: Path, confs: dict[str, str]) -> None:
    staging = target.with_name(target.name + f".tmp{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        (staging / "conf").mkdir(parents=True)
        for entry in path.iterdir():
            if entry.name != "conf":
                (staging / entry.name).symlink_to(entry.resolve())
        for entry in (path / "conf").iterdir():
            if entry.name not in confs:
                shutil.copy(entry, staging / "conf" / entry.name)
        for name, text in confs.items():
            (staging / "conf" / name).write_text(text, encoding="utf-8")
        if target.exists() and not _holds(target, confs):
            shutil.rmtree(target, ignore_errors=True)  # a damaged overlay: only a cache
        try:
            staging.rename(target)
        except OSError:  # another process made it first
            if not _holds(target, confs):
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


@dataclass(frozen=True)
class LoadedModel:
    model: Any
    """vosk.Model."""
    location: ModelLocation
    lang: str

    def has_word(self, word: str) -> bool:
        return bool(self.model.vosk_model_find_word(word) >= 0)


_models: dict[tuple[Path, Tuning], LoadedModel] = {}
_lock = threading.Lock()


def check_installed_sizes(path: Path, lang: str) -> None:
    """A model installed as a package (vosk-model-<lang>) has each file's size in the package's
    RECORD: a file cut short (a full disk while installing, a damaged copy) is ModelLoadError
    naming it, since Vosk crashes the whole process on some (a short graph/HCLr.fst)."""
    try:
        files = importlib.metadata.files(f"vosk-model-{lang}") or []
    except importlib.metadata.PackageNotFoundError:
        return
    root = Path(os.path.abspath(path))  # not resolved: a model's files may be links
    for record in files:
        where = Path(os.path.abspath(record.locate()))
        if record.size is None or not where.is_relative_to(root):
            continue
        try:
            size = where.stat().st_size
        except OSError:
            size = -1
        if size != record.size:
            raise ModelLoadError(
                f"{where}: {size if size >= 0 else 'missing'} bytes, the package installed "
                f"{record.size}; reinstall it with `pip install --force-reinstall "
                f"vosk-model-{lang}`")


def load_model(lang: str, model_path: str = "", tuning: Tuning | None = None) -> LoadedModel:
    """Load the model for `lang` once per process (and tuning); later calls share it."""
    location = resolve_model(lang, model_path)
    tuning = tuning or Tuning()
    key = (location.path.resolve(), tuning)
    with _lock:
        if key in _models:
            return _models[key]
        check_model_dir(location.path)
        check_installed_sizes(location.path, lang)
        import vosk

        vosk.SetLogLevel(-1)
        tuned = tuned_model_dir(location.path, tuning)
        log.info("loading Vosk model %s (%s)", location.path, location.origin)
        try:
            model = vosk.Model(str(tuned))
        except Exception as exc:
            raise ModelLoadError(
                f"{location.path}: Vosk could not load this model ({exc}); it may be corrupt "
                "or for another Vosk version. Download it again with `cramp-coach model download`"
            ) from None
        loaded = LoadedModel(model, location, lang)
        _models[key] = loaded
        return loaded


def download_model(lang: str) -> Path:
    """Fetch the small model for `lang` with vosk's own downloader (prints its progress bar)."""
    import vosk

    class Downloader(vosk.Model):  # type: ignore[misc]
        """vosk's finder and downloader without loading the model (vosk.Model.__del__ would
        free a handle that a failed download never made)."""

        def __init__(self) -> None:
            pass

        def __del__(self) -> None:
            pass

    try:
        path = Downloader().get_model_path(None, lang)
    except SystemExit:
        raise ModelNotFoundError(f"vosk has no model for language {lang!r}") from None
    except OSError as exc:
        raise ModelNotFoundError(f"could not download the {lang!r} model: {exc}") from None
    return Path(path)
