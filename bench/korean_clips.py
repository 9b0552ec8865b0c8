"""Korean clips: espeak-ng says each sentence at several speeds, `cramp-coach listen` answers.

Prints what grammar-mode Vosk heard and the intent, per clip, and the share that reached the meant
intent family. `--corpus FILE` writes the heard texts as tests/data/ko_vosk_heard.tsv rows;
`--sentences FILE` reads the sentences from a TSV (`text`, `meant` columns, `#` comments) instead.
    .venv/bin/python -m bench.korean_clips [--speeds 130,175,220] [--corpus FILE] [--sentences FILE]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import tempfile
from collections import Counter
from pathlib import Path

from tests.pulse import synth_wav

SENTENCES = (
    ("쥐가 났어요", "cramp"), ("쥐 났어", "cramp"), ("다리에 쥐가 났어요", "cramp"),
    ("종아리에 쥐가 났어요", "cramp"), ("오른쪽 다리에 쥐가 났어요", "cramp"),
    ("발에 쥐가 났어요", "cramp"), ("허벅지에 쥐 났어", "cramp"), ("자다가 쥐가 났어요", "cramp"),
    ("수영하다가 쥐가 났어요", "cramp"), ("쥐가 올랐어요", "cramp"),
    ("다시 말해줘", "control.repeat"), ("좋아졌어요", "control.better"),
    ("오늘 날씨 어때요", "null"), ("음악 틀어 줘", "null"), ("지금 몇 시야", "null"),
    ("화가 났어요", "null"),
)


def heard(text: str, speed: int, directory: Path) -> list[tuple[str, str | None]]:
    from skill.cli.main import main

    wav = synth_wav(text, directory / f"{abs(hash((text, speed)))}.wav", voice="ko", speed=speed)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["listen", "--lang", "ko", "--json", "--silent", "--wav", str(wav)])
    records = [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]
    return [(r["heard"], r["intent"]) for r in records]


def read_sentences(path: Path) -> tuple[tuple[str, str], ...]:
    """(text, meant) pairs from a TSV with `text` and `meant` columns; `#` lines are comments."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    return tuple((row["text"], row["meant"]) for row in csv.DictReader(lines, delimiter="\t"))


def reached(meant: str, intents: list[str | None]) -> bool:
    """`meant` is an intent or family, alternatives joined by "|", "null" (no intent at all) or
    "nocramp" (anything but a cramp intent)."""
    if meant == "null":
        return all(i is None for i in intents)
    if meant == "nocramp":
        return not any(i is not None and i.startswith("cramp") for i in intents)
    return any(i is not None and i.startswith(tuple(meant.split("|"))) for i in intents)


def kind(meant: str) -> str:
    """The summary line a sentence counts on: cramp, control, danger or unrelated."""
    if meant in ("null", "nocramp"):
        return "unrelated"
    if meant.startswith("safety"):
        return "danger"
    return "cramp" if meant.startswith("cramp") else "control"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speeds", default="130,175,220")
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--sentences", type=Path, help="TSV with text and meant columns")
    args = parser.parse_args()
    sentences = read_sentences(args.sentences) if args.sentences else SENTENCES
    os.environ.setdefault("CRAMP_COACH_HOME", tempfile.mkdtemp())
    speeds = [int(s) for s in args.speeds.split(",")]
    directory = Path(tempfile.mkdtemp())
    rows: list[tuple[str, str, int, str]] = []
    tally: Counter[tuple[str, bool]] = Counter()
    print("| said | wpm | heard -> intent | reached |\n| --- | ---: | --- | --- |")
    for text, meant in sentences:
        for speed in speeds:
            got = heard(text, speed, directory)
            ok = reached(meant, [i for _, i in got])
            tally[kind(meant), ok] += 1
            if kind(meant) == "cramp":  # issue 15's bar: any cramp intent, whatever the kind
                tally["any cramp", reached("cramp", [i for _, i in got])] += 1
            rows += [(h, text, speed, meant) for h, _ in got]
            shown = "; ".join(f"{h} -> {i}" for h, i in got) or "(nothing)"
            print(f"| {text} | {speed} | {shown} | {'yes' if ok else 'no'} |", flush=True)
    good = sum(n for (name, ok), n in tally.items() if ok and name != "any cramp")
    print(f"\n{good} of {len(sentences) * len(speeds)} clips reached the meant intent family "
          "(unrelated speech: no intent)")
    for name in ("cramp", "any cramp", "control", "danger", "unrelated"):
        if tally[name, True] + tally[name, False]:
            print(f"- {name}: {tally[name, True]} of {tally[name, True] + tally[name, False]}")
    if args.corpus:
        with args.corpus.open("a", encoding="utf-8") as handle:
            for h, text, speed, meant in rows:
                handle.write(f"{h}\t{text}\t{speed}\t{meant}\n")


if __name__ == "__main__":
    main()
