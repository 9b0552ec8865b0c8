"""Print a markdown table of intent accuracy, false accepts and speed on the labelled sets."""

from __future__ import annotations

import argparse
import csv
import time
from dataclasses import dataclass
from pathlib import Path

from bench.common import Row, Spread, argv_tail, command, write_rows
from intents.language import load_pack
from intents.match import IntentMatch
from intents.matcher import IntentMatcher

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
SETS = {
    "labelled": DATA / "en_utterances.tsv",
    "holdout": DATA / "en_holdout.tsv",
    "fresh": DATA / "en_fresh.tsv",
    "fresh2": DATA / "en_fresh2.tsv",
    "fresh3": DATA / "en_fresh3.tsv",
    "blind_spoken": DATA / "en_blind_spoken.tsv",
    "sealed_written": DATA / "en_sealed_written.tsv",
}


@dataclass(frozen=True)
class Example:
    text: str
    intent: str | None
    slots: dict[str, str]
    certain: bool = True
    """Optional 4th column `certain` (yes/no, true/false, 1/0): whether the label is sure."""


@dataclass(frozen=True)
class Score:
    lines: int
    correct: int
    false_accepts: int
    out_of_domain: int
    seconds: float
    errors: list[tuple[Example, IntentMatch]]


def read_examples(path: Path) -> list[Example]:
    """Rows of text<TAB>intent<TAB>k=v,k=v[<TAB>certain]; intent "null" means no intent.

    Lines starting with "#" are comments (sealed sets open with one).
    """
    examples = []
    with path.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
            slots = dict(p.split("=", 1) for p in (row.get("slots") or "").split(",") if p)
            intent = row["intent"].strip()
            certain = (row.get("certain") or "yes").strip().lower() not in ("no", "false", "0")
            examples.append(Example(row["text"], None if intent == "null" else intent, slots,
                                    certain))
    return examples


def is_correct(example: Example, match: IntentMatch) -> bool:
    return match.intent == example.intent and match.slots == example.slots


def score(matcher: IntentMatcher, examples: list[Example]) -> Score:
    start = time.perf_counter()
    matches = [matcher.match(e.text) for e in examples]
    seconds = time.perf_counter() - start
    errors = [(e, m) for e, m in zip(examples, matches, strict=True) if not is_correct(e, m)]
    return Score(
        lines=len(examples),
        correct=len(examples) - len(errors),
        false_accepts=sum(1 for e, m in zip(examples, matches, strict=True)
                          if e.intent is None and m.intent is not None),
        out_of_domain=sum(1 for e in examples if e.intent is None),
        seconds=seconds,
        errors=errors,
    )


def layer_summary(matcher: IntentMatcher, examples: list[Example]) -> str:
    """Right/wrong per deciding layer, and accuracy on the lines whose label is certain."""
    counts: dict[str, list[int]] = {}
    certain = [0, 0]
    for example in examples:
        match = matcher.match(example.text)
        right = is_correct(example, match)
        counts.setdefault(match.method, [0, 0])[0 if right else 1] += 1
        if example.certain:
            certain[0] += right
            certain[1] += 1
    layers = ", ".join(f"{k} {v[0]} right/{v[1]} wrong" for k, v in sorted(counts.items()))
    share = f"{certain[0] / certain[1]:.1%}" if certain[1] else "-"
    return f"{layers}; certain lines {certain[0]}/{certain[1]} ({share})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--errors", action="store_true", help="list every wrong line")
    parser.add_argument("--repeats", type=int, default=5, help="timed passes over each set")
    parser.add_argument("--json", type=Path, help="write result rows here (for run_all)")
    args = parser.parse_args()
    build_start = time.perf_counter()
    matcher = IntentMatcher(load_pack("en"))
    build = time.perf_counter() - build_start
    print("| set | lines | top-1 accuracy | false accepts / out-of-domain | utterances/s |")
    print("| --- | ---: | ---: | ---: | ---: |")
    scores = {}
    rows = []
    cmd = command("bench.intent_accuracy", *argv_tail())
    for name, path in SETS.items():
        if not path.exists():
            continue
        examples = read_examples(path)
        passes = [score(matcher, examples) for _ in range(max(1, args.repeats))]
        result = scores[name] = passes[0]
        speed = Spread.of([r.lines / r.seconds for r in passes])
        print(f"| {name} | {result.lines} | {result.correct / result.lines:.1%} | "
              f"{result.false_accepts} / {result.out_of_domain} | {speed.median:.0f} |")
        rows.append(Row(5, f"intent matching, en {name} set ({result.lines} lines)",
                        "utt/s", speed, command=cmd,
                        note=f"accuracy {result.correct / result.lines:.1%}, false accepts "
                             f"{result.false_accepts} / {result.out_of_domain} out-of-domain"))
    write_rows(rows, args.json)
    print()
    for name, path in SETS.items():
        if path.exists():
            print(f"{name}: {layer_summary(matcher, read_examples(path))}")
    print(f"\nmatcher built in {build:.1f} s; {len(matcher.fuzzy)} sampled sentences in the "
          "fuzzy index; accuracy counts intent and slots both right")
    if args.errors:
        for name, result in scores.items():
            for example, match in result.errors:
                print(f"{name}\t{example.text!r}\twant {example.intent} {example.slots}"
                      f"\tgot {match.intent} {match.slots} ({match.method} {match.score})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
