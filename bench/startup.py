"""Start to ready: `cramp-coach run` (Korean) from process start until it logs that it listens,
against a bare process that only imports vosk and loads the same model.

Both are timed from just before the process is spawned to the line it prints, so interpreter
start-up counts on both sides. `cramp-coach run` gets a private PulseAudio server (its microphone
is the null sink's monitor), reminders and the admin page as configured by default. The first
round warms the page cache and the tuned-model directory and is not counted.
English (`--english-repeats`): the semantic layer loads in the background, so start must not
wait for it: `cramp-coach run --no-listen` in English (there is no English Vosk model here) from
spawn to its "running" line with `[understanding] semantic` on and off, rounds alternating.
Run: .venv/bin/python -m bench.startup
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Row, Spread, argv_tail, command, write_rows
from skill.asr.models import resolve_model
from tests.pulse import PulseServer

BARE = (
    "import time, vosk\n"
    "vosk.SetLogLevel(-1)\n"
    "start = time.perf_counter()\n"
    "vosk.Model({path!r})\n"
    "print('loaded', time.perf_counter() - start, flush=True)\n"
)
READY_LINE = "listening (ko"
RUNNING_LINE = "cramp-coach is running"
SLACK_SECONDS = 0.5
ENGLISH = '[general]\nlanguage = "en"\n[understanding]\nsemantic = {on}\n'



def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_line(process: subprocess.Popen[str], needle: str, stream: str) -> str:
    pipe = process.stderr if stream == "stderr" else process.stdout
    assert pipe is not None
    for line in pipe:
        if needle in line:
            return line
    raise RuntimeError(f"process ended before printing {needle!r} (exit {process.wait()})")


def bare_load(model: Path) -> tuple[float, float]:
    """Seconds from spawn to 'loaded', and the model-load call alone."""
    start = time.monotonic()
    process = subprocess.Popen([sys.executable, "-c", BARE.format(path=str(model))],
                               stdout=subprocess.PIPE, text=True)
    line = wait_for_line(process, "loaded", "stdout")
    elapsed = time.monotonic() - start
    process.wait(30)
    return elapsed, float(line.split()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds the process has used so far (its own threads, not children)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_ready(env: dict[str, str], config: Path, line: str = READY_LINE,
              *extra: str, cpu: list[float] | None = None) -> float:
    """Seconds from spawn to the `line` (the 'listening' log line) of `cramp-coach run`; the
    CPU seconds it had used by then go to `cpu` (steadier than wall time on a busy machine)."""
    start = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "skill", "--config", str(config), "run", "--port",
         str(free_port()), *extra],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True)
    try:
        wait_for_line(process, line, "stderr")
        took = time.monotonic() - start
        if cpu is not None:
            cpu.append(cpu_seconds(process.pid))
        return took
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--english-repeats", type=int, default=5,
                        help="rounds of the English layer on/off comparison (0: skip)")
    parser.add_argument("--json", type=Path, help="write result rows here (for run_all)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="coach-startup-"))
    config = workdir / "config.toml"
    config.write_text('[general]\nlanguage = "ko"\n', encoding="utf-8")
    model = resolve_model("ko").path
    server = PulseServer()
    server.start()
    env = {**os.environ, **server.env, "CRAMP_COACH_HOME": str(workdir / "home")}
    bare: list[float] = []
    load_call: list[float] = []
    ready: list[float] = []
    english: dict[bool, list[float]] = {True: [], False: []}
    english_cpu: dict[bool, list[float]] = {True: [], False: []}
    try:
        for n in range(args.english_repeats + 1 if args.english_repeats else 0):
            for on in (True, False) if n % 2 else (False, True):
                config.write_text(ENGLISH.format(on=str(on).lower()), encoding="utf-8")
                spent: list[float] = []
                took = run_ready(env, config, RUNNING_LINE, "--no-listen", cpu=spent)
                if n:  # round 0 warms up
                    english[on].append(took)
                    english_cpu[on] += spent
            if n:
                print(f"english round {n}: layer on {english[True][-1]:.2f} s "
                      f"({english_cpu[True][-1]:.2f} s CPU), off {english[False][-1]:.2f} s "
                      f"({english_cpu[False][-1]:.2f} s CPU); load avg {os.getloadavg()[0]:.1f}")
        config.write_text('[general]\nlanguage = "ko"\n', encoding="utf-8")
        for n in range(args.repeats + 1 if args.repeats else 0):
            spawn_to_loaded, call = bare_load(model)
            to_ready = run_ready(env, config)
            if n == 0:
                continue  # warm-up: page cache, tuned model directory, first-run config
            bare.append(spawn_to_loaded)
            load_call.append(call)
            ready.append(to_ready)
            print(f"round {n}: bare load {spawn_to_loaded:.2f} s (vosk.Model {call:.2f} s), "
                  f"cramp-coach run ready {to_ready:.2f} s")
    finally:
        server.cleanup()
    extra = [r - b for r, b in zip(ready, bare, strict=True)]
    cmd = command("bench.startup", *argv_tail())
    rows = [] if not ready else [
        Row(4, "process start -> listening (`cramp-coach run`, ko)", "s", Spread.of(ready),
            command=cmd, note="admin page, reminders and speech queue as configured by default"),
        Row(4, "process start -> model loaded (bare vosk)", "s", Spread.of(bare),
            command=cmd, note=f"vosk.Model() call alone {Spread.of(load_call).median:.2f} s "
                              "median"),
        Row(4, "ready minus bare load (same round)", "s", Spread.of(extra),
            f"<= {SLACK_SECONDS} s", Spread.of(extra).median <= SLACK_SECONDS, cmd),
    ]
    if english[True]:
        rows += english_rows(english, cmd) + english_cpu_rows(english_cpu, cmd)
    for row in rows:
        s = row.spread
        print(f"{row.measure}: median {s.median:.2f} s, p95 {s.p95:.2f}, "
              f"min {s.low:.2f}, max {s.high:.2f}")
    write_rows(rows, args.json)
    return 0


def english_rows(english: dict[bool, list[float]], cmd: str) -> list[Row]:
    """Start to running in English with the semantic layer on and off, and the difference per
    round (each round runs both back to back, so the drifting load of a shared machine cancels
    more than between medians)."""
    on, off = Spread.of(english[True]), Spread.of(english[False])
    growth = Spread.of([a - b for a, b in zip(english[True], english[False], strict=True)])
    note = "`run --no-listen`, no English Vosk model here; the layer loads in the background"
    return [
        Row(4, "process start -> running (en, semantic layer on)", "s", on, command=cmd,
            note=note),
        Row(4, "process start -> running (en, semantic layer off)", "s", off, command=cmd),
        Row(4, "start growth with the semantic layer (on - off, same round)", "s", growth,
            f"median <= {SLACK_SECONDS} s", growth.median <= SLACK_SECONDS, cmd,
            note=f"difference of the medians {on.median - off.median:.2f} s; the Korean rows "
                 "have no semantic layer (English only)"),
    ]

def english_cpu_rows(cpu: dict[bool, list[float]], cmd: str) -> list[Row]:
    """The same start measured in the process's CPU seconds until its 'running' line."""
    on, off = Spread.of(cpu[True]), Spread.of(cpu[False])
    growth = Spread.of([a - b for a, b in zip(cpu[True], cpu[False], strict=True)])
    return [
        Row(4, "CPU until running (en, semantic layer on)", "s", on, command=cmd,
            note="the process's own threads; the niced training child is not counted"),
        Row(4, "CPU until running (en, semantic layer off)", "s", off, command=cmd),
        Row(4, "start CPU growth with the semantic layer (on - off, same round)", "s", growth,
            command=cmd, note=f"difference of the medians {on.median - off.median:.2f} s"),
    ]


if __name__ == "__main__":
    raise SystemExit(main())
