"""Semantic layer cost: whole-matcher latency per utterance, model load time, RSS with it loaded.

Latency is the full IntentMatcher.match over every line of the English labelled sets (exact,
near-miss and semantic layers as each line needs), after one warm-up pass. Load time is the
encoder plus the cached head (the first run on a machine also encodes the training data, timed
apart). RSS is this process's VmRSS before the matcher is built and after the layer loaded and
answered. Run: .venv/bin/python -m bench.semantic
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bench.common import Row, Spread, argv_tail, command, write_rows
from bench.intent_accuracy import SETS, read_examples
from bench.memory import rss_mb
from intents.language import load_pack
from intents.matcher import IntentMatcher
from intents.semantic import LazyLayer

FIGURE = 5
P95_TARGET_MS = 15.0
RSS_TARGET_MB = 120.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3, help="timed passes over the lines")
    parser.add_argument("--json", type=Path, help="write result rows here (for run_all)")
    args = parser.parse_args()
    cmd = command("bench.semantic", *argv_tail())
    pack = load_pack("en")
    texts = [e.text for path in SETS.values() if path.exists() for e in read_examples(path)]
    start = time.perf_counter()
    templates_only = IntentMatcher(pack, semantic=False)
    templates_build = time.perf_counter() - start
    plain = _latencies(templates_only, texts, args.repeats)
    before = rss_mb()  # with the templates built: what the same matcher gains is the layer's
    start = time.perf_counter()
    matcher = templates_only
    matcher.semantic = LazyLayer(pack.meta, matcher.intents, pack.directory / "training",
                                 matcher.normalize)
    constructed = templates_build + time.perf_counter() - start
    layer = matcher.semantic.get() if matcher.semantic is not None else None
    loaded = time.perf_counter() - start
    latencies = _latencies(matcher, texts, args.repeats)
    after = rss_mb()
    spread = Spread.of(latencies)
    rows = [
        Row(FIGURE, f"matcher latency per utterance, en ({len(texts)} lines)", "ms", spread,
            target=f"p95 <= {P95_TARGET_MS:.0f} ms", passed=spread.p95 <= P95_TARGET_MS,
            command=cmd),
        Row(FIGURE, "matcher latency per utterance, templates only", "ms", Spread.of(plain),
            command=cmd),
        Row(FIGURE, "matcher build, blocking part (templates, file checksums)", "s",
            Spread.of([constructed]), command=cmd,
            note=f"templates only: {templates_build:.2f} s"),
        Row(FIGURE, "matcher build until the semantic layer is ready (background)", "s",
            Spread.of([loaded]), command=cmd,
            note="cached head; " + ("layer loaded" if layer else "layer off or failed")),
        Row(FIGURE, "RSS growth with the semantic layer loaded and used", "MB",
            Spread.of([after - before]), target=f"<= {RSS_TARGET_MB:.0f} MB",
            passed=after - before <= RSS_TARGET_MB, command=cmd),
    ]
    write_rows(rows, args.json)
    base = Spread.of(plain)
    print(f"templates only: build {templates_build:.2f} s, latency median {base.median:.2f} ms, "
          f"p95 {base.p95:.2f} ms")
    print(f"latency median {spread.median:.2f} ms, p95 {spread.p95:.2f} ms over "
          f"{len(latencies)} calls; build blocking {constructed:.2f} s, ready {loaded:.2f} s; "
          f"RSS {before:.0f} -> {after:.0f} MB (+{after - before:.0f})")
    return 0


def _latencies(matcher: IntentMatcher, texts: list[str], repeats: int) -> list[float]:
    """Per-call milliseconds over `repeats` passes, after one untimed warm-up pass."""
    for text in texts:
        matcher.match(text)
    out: list[float] = []
    for _ in range(max(1, repeats)):
        for text in texts:
            begin = time.perf_counter()
            matcher.match(text)
            out.append((time.perf_counter() - begin) * 1000)
    return out


if __name__ == "__main__":
    raise SystemExit(main())
