"""Memory: RSS of the started Korean assistant, and its growth over 1,000 spoken utterances.

The Assistant `cramp-coach run` builds (Korean model loaded, reminder scheduler on a SQLite job
store, timer thread, diary in SQLite) listens to a source that plays synthesised Korean questions
and commands back to back, as fast as the pipeline takes them, with a second of room floor between
them: each goes through the voice gate, the Vosk recogniser, the matcher, the Conversation and the
diary. The speaker is the PrintSpeaker (`[speech] engine = "none"`, output discarded): no speech
synthesis or playback, which would make 1,000 turns last hours. RSS is read from /proc after a
gc.collect() every 100 utterances. Run: .venv/bin/python -m bench.memory
"""

from __future__ import annotations

import argparse
import gc
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from bench.common import Row, Spread, argv_tail, command, read_pcm, write_rows
from skill.audio.sources import CHUNK_BYTES
from skill.interfaces import SAMPLE_RATE
from tests.pulse import synth_wav

UTTERANCES = (
    "왼쪽 종아리에 쥐가 났어요",
    "다음",
    "다시 한 번",
    "이제 괜찮아요",
    "그만",
    "발에 쥐가 났어요",
)
CONFIG = """
[general]
language = "ko"
[speech]
engine = "none"
"""
TARGET_MB = 10.0
CHECK_EVERY = 100


def rss_mb() -> float:
    """Resident set size of this process now, in MB (after a collection)."""
    gc.collect()
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


class UtteranceSource:
    """`count` utterances, cycling through `clips`, each followed by a second of room floor."""

    def __init__(self, clips: list[np.ndarray], count: int, rng: np.random.Generator) -> None:
        floor = rng.normal(0, 16, SAMPLE_RATE)
        self.pieces = [np.clip(np.concatenate([c + rng.normal(0, 16, len(c)), floor]),
                               -32768, 32767).astype("<i2").tobytes() for c in clips]
        self.count = count
        self.rss: list[tuple[int, float]] = []
        self.done = threading.Event()
        self._closed = False

    def chunks(self) -> Iterator[bytes]:
        for n in range(self.count):
            if n % CHECK_EVERY == 0:
                self.rss.append((n, rss_mb()))
            pcm = self.pieces[n % len(self.pieces)]
            for start in range(0, len(pcm), CHUNK_BYTES):
                if self._closed:
                    return
                yield pcm[start : start + CHUNK_BYTES]
        self.done.set()

    def close(self) -> None:
        self._closed = True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--utterances", type=int, default=1000)
    parser.add_argument("--json", type=Path, help="write result rows here (for run_all)")
    args = parser.parse_args()
    at_start = rss_mb()
    workdir = Path(tempfile.mkdtemp(prefix="coach-memory-"))
    os.environ["CRAMP_COACH_HOME"] = str(workdir / "home")
    clips = [read_pcm(synth_wav(text, workdir / f"u{n}.wav", voice="ko")).astype(np.float64)
             for n, text in enumerate(UTTERANCES)]

    from skill.assistant import Assistant
    from skill.config import parse_config

    config, _ = parse_config(CONFIG)
    source = UtteranceSource(clips, args.utterances, np.random.default_rng(3))
    assistant = Assistant(config, source=source)
    assistant.speaker.stream = None
    started = time.monotonic()
    assistant.start()
    listening = assistant.listening
    assert listening is not None, assistant.listening_problem
    source.done.wait(3600)
    while listening.status.running:
        time.sleep(0.1)
    elapsed = time.monotonic() - started
    after = rss_mb()
    heard = listening.status.utterances
    intents = assistant.diary.recent_events(kind="intent", limit=100000)
    understood = sum(1 for e in intents if e.data.get("intent"))
    assistant.stop()
    points = [*source.rss, (args.utterances, after)]
    ready = points[0][1]
    growth = after - ready
    steps = [b[1] - a[1] for a, b in zip(points, points[1:], strict=False)]
    steady = after - points[1][1] if len(points) > 2 else growth
    print(f"RSS at process start (interpreter, numpy): {at_start:.0f} MB")
    print(f"RSS after start (model loaded, listening): {ready:.0f} MB")
    for n, mb in points:
        print(f"  after {n:>5} utterances: {mb:7.1f} MB")
    print(f"growth over {args.utterances}: {growth:+.1f} MB ({steady:+.1f} MB after the first "
          f"{CHECK_EVERY}); {heard} transcripts, {understood} matched an intent; {elapsed:.0f} s")
    cmd = command("bench.memory", *argv_tail())
    included = "gate + Vosk + matcher + Conversation + SQLite diary + PrintSpeaker, no TTS"
    rows = [
        Row(3, "RSS after start (Korean model loaded, listening)", "MB", Spread.of([ready]),
            command=cmd, note=f"interpreter alone {at_start:.0f} MB"),
        Row(3, f"RSS growth over {args.utterances} spoken utterances", "MB",
            Spread.of([growth]), f"< {TARGET_MB:.0f} MB", growth < TARGET_MB, cmd,
            note=f"{included}; {heard} transcripts, {understood} intents; "
                 f"{steady:+.1f} MB after the first {CHECK_EVERY}",
            details={"rss": points}),
        Row(3, f"RSS growth per {CHECK_EVERY} utterances", "MB", Spread.of(steps),
            command=cmd, note="spread over the intervals of the run above"),
    ]
    write_rows(rows, args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
