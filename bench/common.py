"""What every figure shares: summary statistics, result rows as JSON for run_all, test audio."""

from __future__ import annotations

import json
import math
import statistics
import sys
import wave
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from skill.interfaces import SAMPLE_RATE

PYTHON = ".venv/bin/python"
"""How the commands in RESULTS.md start (run from the project root)."""


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile, as the older bench scripts print it."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


@dataclass(frozen=True)
class Spread:
    runs: int
    median: float
    p95: float
    low: float
    high: float

    @classmethod
    def of(cls, values: list[float]) -> Spread:
        clean = [v for v in values if not math.isnan(v)]
        if not clean:
            nan = float("nan")
            return cls(0, nan, nan, nan, nan)
        return cls(len(clean), statistics.median(clean), percentile(clean, 0.95),
                   min(clean), max(clean))


@dataclass(frozen=True)
class Row:
    """One line of the results table."""

    figure: int
    measure: str
    unit: str
    spread: Spread
    target: str = ""
    """Human-readable target, e.g. '<= 400 ms'; empty: informative only."""
    passed: bool | None = None
    command: str = ""
    note: str = ""
    details: dict[str, object] = field(default_factory=dict)
    """Extra numbers kept in the JSON (breakdowns, counts)."""


def write_rows(rows: list[Row], path: Path | None) -> None:
    """Hand the rows to run_all (a JSON file), when it asked for them."""
    if path is None:
        return
    text = json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=1,
                      default=_plain)
    path.write_text(text, encoding="utf-8")


def _plain(value: object) -> object:
    """numpy scalars (np.bool_, np.float64 from a comparison or a mean) as Python values."""
    item = getattr(value, "item", None)
    if item is None:
        raise TypeError(f"{type(value).__name__} is not JSON serialisable")
    return item()


def read_rows(path: Path) -> list[Row]:
    rows = []
    for data in json.loads(path.read_text(encoding="utf-8")):
        data["spread"] = Spread(**data["spread"])
        rows.append(Row(**data))
    return rows


def command(module: str, *args: str) -> str:
    """The shell command that reproduces a figure."""
    return " ".join([PYTHON, "-m", module, *args])


def argv_tail() -> list[str]:
    """This process's own arguments without --json (for the command column)."""
    out, skip = [], False
    for arg in sys.argv[1:]:
        if skip:
            skip = False
            continue
        if arg == "--json":
            skip = True
            continue
        if not arg.startswith("--json="):
            out.append(arg)
    return out


def read_pcm(path: Path) -> np.ndarray:
    """A 16 kHz mono int16 WAV as samples."""
    with wave.open(str(path)) as wav:
        assert wav.getframerate() == SAMPLE_RATE and wav.getnchannels() == 1
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").copy()


def loud_frames(samples: np.ndarray, threshold: float = 300.0, frame: int = 160) -> np.ndarray:
    """Indexes of 10 ms frames whose RMS is above `threshold` (int16 units)."""
    usable = samples[: len(samples) // frame * frame].astype(np.float64).reshape(-1, frame)
    return np.flatnonzero(np.sqrt((usable**2).mean(axis=1)) > threshold)


def speech_bounds(samples: np.ndarray, threshold: float = 300.0) -> tuple[float, float]:
    """Seconds from the start to the first and past the last loud 10 ms frame."""
    loud = loud_frames(samples, threshold)
    if len(loud) == 0:
        raise ValueError("no speech in this audio")
    return loud[0] * 0.01, (loud[-1] + 1) * 0.01
