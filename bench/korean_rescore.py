"""Korean clips decoded once, scored many times: cached espeak-ng clips, kept transcripts.

`decode` runs every sentence of the given sets at each speed through `cramp-coach listen --wav`
(as bench.korean_clips does; clips cached by text and speed) and keeps every final transcript and
intent as JSON lines. `score` tallies them per set and half (sentence index even: tuned on; odd:
held out); with `--rematch` each clip's transcripts go through a fresh Conversation on today's
matcher instead, so a matcher change is measured on the same decodes (a grammar change is not:
decode again).
    .venv/bin/python -m bench.korean_rescore decode --out FILE tests/data/ko_dev6_clips.tsv ...
    (`--config FILE` with `[voice] mode = "open"` keeps what open-vocabulary Vosk heard)
    .venv/bin/python -m bench.korean_rescore score FILE [--rematch] [--misses] [--any-cramp]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.korean_clips import SENTENCES, kind, reached, read_sentences
from tests.pulse import synth_wav

CLIPS = Path(os.environ.get("KOREAN_CLIPS", "/tmp/korean-clips"))
"""Where synthesised clips are kept between runs (espeak-ng and sox are deterministic)."""


def clip(text: str, speed: int) -> Path:
    name = hashlib.sha1(f"{text}\t{speed}".encode()).hexdigest()[:16]
    path = CLIPS / f"{name}.wav"
    if not path.exists():
        CLIPS.mkdir(parents=True, exist_ok=True)
        # two runs may make the same clip at once: each writes its own file, then renames it
        made = synth_wav(text, path.with_name(f"{name}.{os.getpid()}.wav"), voice="ko",
                         speed=speed)
        made.replace(path)
    return path


def sets(paths: list[str]) -> Iterator[tuple[str, int, str, str]]:
    """(set name, index, text, meant) of each named set; "bench" is bench.korean_clips' own."""
    for name in paths:
        rows = SENTENCES if name == "bench" else read_sentences(Path(name))
        for index, (text, meant) in enumerate(rows):
            yield Path(name).stem, index, text, meant


def listen(path: Path, config: Path | None = None) -> list[dict[str, Any]]:
    from skill.cli.main import main

    out = io.StringIO()
    chosen = ["--config", str(config)] if config else []
    with contextlib.redirect_stdout(out):
        main([*chosen, "listen", "--lang", "ko", "--json", "--silent", "--wav", str(path)])
    return [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]


def decode(args: argparse.Namespace) -> None:
    os.environ.setdefault("CRAMP_COACH_HOME", tempfile.mkdtemp())
    speeds = [int(s) for s in args.speeds.split(",")]
    with Path(args.out).open("w", encoding="utf-8") as handle:
        for name, index, text, meant in sets(args.sets):
            for speed in speeds:
                records = listen(clip(text, speed), args.config)
                row = {"set": name, "index": index, "text": text, "meant": meant,
                       "speed": speed, "heard": [r["heard"] for r in records],
                       "intents": [r["intent"] for r in records]}
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
                handle.flush()


def rematch(heard: list[str]) -> list[str | None]:
    """Each transcript of one clip through one fresh Conversation, as `listen` answers them."""
    from intents.language import load_pack
    from skill.config import Config
    from skill.dialogue.wiring import open_conversation, open_matcher

    global _shared
    if _shared is None:
        pack = load_pack("ko")
        _shared = (pack, open_matcher(pack, Config()))
    pack, matcher = _shared
    conversation = open_conversation(Config(), pack=pack, matcher=matcher)
    try:
        return [conversation.handle_text(h).intent for h in heard]
    finally:
        conversation.close()


_shared: Any = None


def score(args: argparse.Namespace) -> None:
    tally: Counter[tuple[str, str, str, bool]] = Counter()
    for line in Path(args.file).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        intents = rematch(row["heard"]) if args.rematch else row["intents"]
        # issue 15's bar: any cramp intent, not the kind (espeak's 발/허벅지 are rarely heard)
        meant = "cramp" if args.any_cramp and row["meant"].startswith("cramp") else row["meant"]
        ok = reached(meant, intents)
        half = "even" if row["index"] % 2 == 0 else "odd"
        tally[row["set"], half, kind(row["meant"]), ok] += 1
        if args.misses and not ok:
            print(f"miss {row['set']} {half} {row['speed']} {row['text']} ({row['meant']}): "
                  + "; ".join(f"{h} -> {i}" for h, i in zip(row["heard"], intents, strict=True)))
    print("| set | half | cramp | controls | danger | unrelated right |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for name, half in sorted({(s, h) for s, h, _, _ in tally}):
        cells = []
        for what in ("cramp", "control", "danger", "unrelated"):
            good, total = tally[name, half, what, True], sum(
                tally[name, half, what, ok] for ok in (True, False))
            cells.append(f"{good} / {total}" if total else "-")
        print(f"| {name} | {half} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(required=True)
    run = commands.add_parser("decode")
    run.add_argument("--out", required=True)
    run.add_argument("--speeds", default="130,170,210")
    run.add_argument("--config", type=Path, help="config file ([voice] mode = \"open\": open mode)")
    run.add_argument("sets", nargs="+", help="sentence TSVs, or 'bench' for the bench's own")
    run.set_defaults(func=decode)
    tally = commands.add_parser("score")
    tally.add_argument("file")
    tally.add_argument("--rematch", action="store_true")
    tally.add_argument("--misses", action="store_true")
    tally.add_argument("--any-cramp", action="store_true",
                       help="a cramp sentence counts when any cramp intent is reached")
    tally.set_defaults(func=score)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
