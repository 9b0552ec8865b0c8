"""Semantic layer cost: whole-matcher latency per utterance, model load time, RSS with it loaded.

Latency: IntentMatcher.match over a few hundred mixed English lines (the labelled sets but never
the sealed ones, plus everyday requests from the training negatives), after one warm-up pass;
wall and CPU time (this thread's) per call, with the time split into tokenising, the ONNX run,
pooling, the head (with its decision) and the rest of the matcher (templates, red flags, near-miss
layers). The machine is shared, so the load average and the CPU the rest of the machine used
meanwhile are printed beside the figures. RSS: fresh processes that build the English matcher,
wait for the layer, match 100 lines and read VmRSS; the layer on minus the layer off (as
`[understanding] semantic` switches it). Run: .venv/bin/python -m bench.semantic
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import Row, Spread, argv_tail, command, write_rows
from bench.run_all import machine_cpu_seconds

FIGURE = 5
P95_TARGET_MS = 15.0
RSS_TARGET_MB = 120.0
ROOT = Path(__file__).resolve().parent.parent
PARTS = ("tokenise", "onnx run", "pooling", "head", "rest of matcher")
QUIET_OTHERS = 25.0
"""A run is quiet when the rest of the machine used at most this much of a core meanwhile..."""
QUIET_LOAD = 1.5
"""...and the 1-minute load average stayed at or below this (2 cores)."""


def mixed_lines(count: int) -> list[str]:
    """Every k-th line of the labelled sets (not the sealed ones) and of the negatives."""
    data = ROOT / "tests" / "data"
    labelled = [line.split("\t", 1)[0] for path in sorted(data.glob("en_*.tsv"))
                if "sealed" not in path.name
                for line in path.read_text(encoding="utf-8").splitlines()[1:]
                if line.strip() and not line.startswith("#")]
    negatives = [line.split("#", 1)[0].strip() for line in
                 (ROOT / "intents/en/training/negatives.txt").read_text("utf-8").splitlines()]
    negatives = [line for line in negatives if line]
    take = count * 3 // 4
    return (labelled[:: max(1, len(labelled) // take)][:take]
            + negatives[:: max(1, len(negatives) // (count - take))][: count - take])


def rss_now() -> float:
    gc.collect()
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def probe(mode: str) -> None:
    """One fresh process: build the matcher (layer `mode`), match 100 lines, print RSS."""
    from intents.language import load_pack
    from intents.matcher import IntentMatcher
    from intents.semantic import encoder

    if mode == "shipped":  # the model file as shipped, without the lean rewrite (for comparison)
        encoder.lean_model = lambda files, cache: files.model
    texts = mixed_lines(100)
    pack = load_pack("en")
    matcher = IntentMatcher(pack, semantic=mode != "off")
    if matcher.semantic is not None:
        assert matcher.semantic.get() is not None, "semantic layer did not load"
    for text in texts:
        matcher.match(text)
    print(json.dumps({"mode": mode, "rss": rss_now()}))


def probe_rss(mode: str) -> float:
    out = subprocess.run([sys.executable, "-m", "bench.semantic", "--probe", mode], cwd=ROOT,
                         check=True, capture_output=True, text=True).stdout
    return float(json.loads(out.strip().splitlines()[-1])["rss"])


class Timed:
    """Stands in for `target`, adding the wall and CPU seconds of `method` calls to
    `spent[name]` and `spent[name + " cpu"]`."""

    def __init__(self, target: Any, method: str, spent: dict[str, float], name: str) -> None:
        self._target, self._method, self._spent, self._name = target, method, spent, name

    def __getattr__(self, attribute: str) -> Any:
        value = getattr(self._target, attribute)
        if attribute != self._method:
            return value

        def timed(*args: Any, **kwargs: Any) -> Any:
            begin, begin_cpu = time.perf_counter(), time.thread_time()
            try:
                return value(*args, **kwargs)
            finally:
                self._spent[self._name] += time.perf_counter() - begin
                self._spent[self._name + " cpu"] += time.thread_time() - begin_cpu
        return timed


def instrument(layer: Any, spent: dict[str, float]) -> None:
    """Time the tokenizer, the ONNX run, the whole encode and the head of a loaded layer."""
    enc = layer.encoder
    enc.tokenizer = Timed(enc.tokenizer, "encode_batch", spent, "tokenise")
    enc.session = Timed(enc.session, "run", spent, "onnx run")
    layer.encoder = Timed(enc, "encode", spent, "encode")
    layer.head = Timed(layer.head, "predict", spent, "head")


def latencies(match: Callable[[str], object], texts: list[str], repeats: int,
              spent: dict[str, float]) -> tuple[list[float], list[float], dict[str, list[float]]]:
    """Wall ms, CPU ms and the per-part ms (wall, and CPU under "<part> cpu") of every call,
    after one warm-up pass."""
    for text in texts:
        match(text)
    wall: list[float] = []
    cpu: list[float] = []
    parts: dict[str, list[float]] = {}
    for _ in range(max(1, repeats)):
        for text in texts:
            spent.update(dict.fromkeys(spent, 0.0))
            begin, begin_cpu = time.perf_counter(), time.thread_time()
            match(text)
            cpu.append((time.thread_time() - begin_cpu) * 1000)
            wall.append((time.perf_counter() - begin) * 1000)
            for kind, total in (("", wall[-1]), (" cpu", cpu[-1])):
                split = _split({k: spent.get(k + kind, 0.0) * 1000
                                for k in ("tokenise", "onnx run", "encode", "head")}, total)
                for name, value in split.items():
                    parts.setdefault(name + kind, []).append(value)
    return wall, cpu, parts


def _split(ms: dict[str, float], total: float) -> dict[str, float]:
    """The PARTS of one call from the timed methods' totals (encode holds tokenise and run)."""
    return {"tokenise": ms["tokenise"], "onnx run": ms["onnx run"],
            "pooling": ms["encode"] - ms["tokenise"] - ms["onnx run"], "head": ms["head"],
            "rest of matcher": total - ms["encode"] - ms["head"]}


def machine_load(work: Callable[[], Any]) -> tuple[Any, str]:
    """What `work` returns, and a note on what else ran meanwhile, ending in whether the run was
    quiet enough for its wall times to stand (else they are upper bounds)."""
    before = (time.monotonic(), os.getloadavg()[0], machine_cpu_seconds(), time.process_time())
    result = work()
    seconds = time.monotonic() - before[0]
    others = max(0.0, machine_cpu_seconds() - before[2] - (time.process_time() - before[3]))
    share = others / seconds * 100
    after = os.getloadavg()[0]
    quiet = share <= QUIET_OTHERS and max(before[1], after) <= QUIET_LOAD
    return result, (f"load avg {before[1]:.2f} -> {after:.2f}, rest of the machine "
                    f"{share:.0f} % of a core (2 cores): "
                    + ("quiet run" if quiet else "busy run, wall times are upper bounds"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3, help="timed passes over the lines")
    parser.add_argument("--lines", type=int, default=400, help="mixed lines per pass")
    parser.add_argument("--rss-runs", type=int, default=2, help="fresh processes per RSS mode")
    parser.add_argument("--probe", choices=("on", "off", "shipped"), help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="write result rows here (for run_all)")
    args = parser.parse_args()
    if args.probe:
        probe(args.probe)
        return 0
    cmd = command("bench.semantic", *argv_tail())
    rows = latency_rows(args, cmd) + rss_rows(args.rss_runs, cmd)
    write_rows(rows, args.json)
    return 0


def latency_rows(args: argparse.Namespace, cmd: str) -> list[Row]:
    from intents.language import load_pack
    from intents.matcher import IntentMatcher

    pack = load_pack("en")
    texts = mixed_lines(args.lines)
    start = time.perf_counter()
    plain = IntentMatcher(pack, semantic=False)
    plain_build = time.perf_counter() - start
    start = time.perf_counter()
    matcher = IntentMatcher(pack)
    blocking = time.perf_counter() - start
    layer = matcher.semantic.get() if matcher.semantic is not None else None
    ready = time.perf_counter() - start
    assert layer is not None, "semantic layer did not load"
    spent = dict.fromkeys([f"{n}{kind}" for n in ("tokenise", "onnx run", "encode", "head")
                           for kind in ("", " cpu")], 0.0)
    (base, _, _), _ = machine_load(
        lambda: latencies(plain.match, texts, args.repeats, dict(spent)))
    instrument(layer, spent)
    (wall, cpu, parts), load = machine_load(
        lambda: latencies(matcher.match, texts, args.repeats, spent))
    reached = [i for i, value in enumerate(parts["onnx run"]) if value > 0]
    semantic_cpu = [parts[f"{n} cpu"][i] for i in reached for n in ("tokenise", "onnx run",
                                                                    "pooling", "head")]
    layer_cpu = Spread.of([sum(semantic_cpu[i:i + 4]) for i in range(0, len(semantic_cpu), 4)])
    spread, cpu_spread = Spread.of(wall), Spread.of(cpu)
    share = len(reached) / len(wall)
    breakdown = ", ".join(f"{name} {statistics.mean(parts[name + ' cpu']):.2f}"
                          for name in PARTS)
    print(f"{len(texts)} lines x {args.repeats}; {share:.0%} of calls reached the layer; {load}")
    print(f"{'per utterance, ms':<30}{'median':>8}{'p95':>8}{'max':>8}{'mean':>8}")
    for name, values in (("templates only, wall", base), ("whole matcher, wall", wall),
                         ("whole matcher, CPU", cpu),
                         *((f"  {n}, CPU", parts[n + " cpu"]) for n in PARTS)):
        s = Spread.of(values)
        print(f"{name:<30}{s.median:8.2f}{s.p95:8.2f}{s.high:8.2f}{statistics.mean(values):8.2f}")
    print(f"whole matcher per utterance: wall p50 {spread.median:.2f} / p95 {spread.p95:.2f} ms, "
          f"CPU p50 {cpu_spread.median:.2f} / p95 {cpu_spread.p95:.2f} ms; {load}")
    print(f"layer alone (tokenise..head), CPU, calls that reached it: median "
          f"{layer_cpu.median:.2f}, p95 {layer_cpu.p95:.2f}")
    print(f"build: templates only {plain_build:.2f} s; with the layer {blocking:.2f} s blocking, "
          f"{ready:.2f} s until the layer is ready")
    target = f"p95 <= {P95_TARGET_MS:.0f} ms"
    return [
        Row(FIGURE, f"matcher latency per utterance, en, wall ({len(texts)} mixed lines)", "ms",
            spread, target, spread.p95 <= P95_TARGET_MS, cmd,
            note=f"mean CPU ms per call: {breakdown}; {share:.0%} of calls reached the layer; "
                 f"{load}", details={"parts": {n: Spread.of(v).__dict__
                                               for n, v in parts.items()}}),
        Row(FIGURE, "matcher latency per utterance, en, CPU time", "ms", cpu_spread, target,
            cpu_spread.p95 <= P95_TARGET_MS, cmd, note="this thread's CPU time (same calls)"),
        Row(FIGURE, "semantic layer alone per utterance that reached it, CPU time", "ms",
            layer_cpu, command=cmd, note="tokenise + ONNX run + pooling + head"),
        Row(FIGURE, "matcher latency per utterance, en, templates only (layer off)", "ms",
            Spread.of(base), command=cmd),
        Row(FIGURE, "matcher build, blocking part (templates, file checksums)", "s",
            Spread.of([blocking]), command=cmd, note=f"templates only: {plain_build:.2f} s"),
        Row(FIGURE, "matcher build until the semantic layer is ready (background)", "s",
            Spread.of([ready]), command=cmd, note="cached head and lean model"),
    ]


def rss_rows(runs: int, cmd: str) -> list[Row]:
    rss = {mode: [probe_rss(mode) for _ in range(max(1, runs))]
           for mode in ("off", "on", "shipped")}
    off = statistics.median(rss["off"])
    growth = [value - off for value in rss["on"]]
    shipped = [value - off for value in rss["shipped"]]
    print(f"RSS after 100 lines, fresh processes: layer off {off:.0f} MB, on "
          f"{statistics.median(rss['on']):.0f} MB (+{statistics.median(growth):.0f}), shipped "
          f"model file +{statistics.median(shipped):.0f}")
    growth_spread = Spread.of(growth)
    return [
        Row(FIGURE, "RSS growth, semantic layer on vs off (loaded, 100 lines matched)", "MB",
            growth_spread, f"<= {RSS_TARGET_MB:.0f} MB", growth_spread.high <= RSS_TARGET_MB,
            cmd, note=f"fresh processes; layer off {off:.0f} MB"),
        Row(FIGURE, "RSS growth, same with the model file as shipped (no lean rewrite)", "MB",
            Spread.of(shipped), command=cmd, note="for comparison: what the rewrite saves"),
    ]


if __name__ == "__main__":
    raise SystemExit(main())
