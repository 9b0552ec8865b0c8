"""Korean clips: espeak-ng says each sentence at several speeds, `cramp-coach listen` answers.

Prints what grammar-mode Vosk heard and the intent, per clip, and the share that reached the meant
intent family. `--corpus FILE` writes the heard texts as tests/data/ko_vosk_heard.tsv rows.
    .venv/bin/python -m bench.korean_clips [--speeds 130,175,220] [--corpus FILE]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import tempfile
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


def reached(meant: str, intents: list[str | None]) -> bool:
    if meant == "null":
        return all(i is None for i in intents)
    return any(i is not None and i.startswith(meant) for i in intents)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speeds", default="130,175,220")
    parser.add_argument("--corpus", type=Path)
    args = parser.parse_args()
    os.environ.setdefault("CRAMP_COACH_HOME", tempfile.mkdtemp())
    speeds = [int(s) for s in args.speeds.split(",")]
    directory = Path(tempfile.mkdtemp())
    rows, good = [], 0
    print("| said | wpm | heard -> intent | reached |\n| --- | ---: | --- | --- |")
    for text, meant in SENTENCES:
        for speed in speeds:
            got = heard(text, speed, directory)
            ok = reached(meant, [i for _, i in got])
            good += ok
            rows += [(h, text, speed, meant) for h, _ in got]
            shown = "; ".join(f"{h} -> {i}" for h, i in got) or "(nothing)"
            print(f"| {text} | {speed} | {shown} | {'yes' if ok else 'no'} |", flush=True)
    print(f"\n{good} of {len(SENTENCES) * len(speeds)} clips reached the meant intent family "
          "(unrelated speech: no intent)")
    if args.corpus:
        with args.corpus.open("a", encoding="utf-8") as handle:
            for h, text, speed, meant in rows:
                handle.write(f"{h}\t{text}\t{speed}\t{meant}\n")


if __name__ == "__main__":
    main()
