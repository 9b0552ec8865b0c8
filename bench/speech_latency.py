"""Speech latency: say() to first sample handed to the output device (cached, uncached), and stop.

Runs the real SpeechQueue (pyttsx3 worker, sounddevice stream) against a private PulseAudio
null sink. "First audio" is when the stream callback copies the sentence's first frames; what a
listener hears adds the device latency (printed below).
Run: .venv/bin/python -m bench.speech_latency
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from datetime import datetime

from skill.speech import SpeechQueue
from skill.speech.player import Played, StreamPlayer
from skill.speech.settings import SpeechSettings
from tests.pulse import PulseServer

WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
LONG = "Keep holding the stretch and breathe slowly, in through the nose and out through the mouth."


def sentence(n: int) -> str:
    return f"Step {WORDS[n % 10]} {WORDS[n // 10 % 10]}: bend the knee and breathe slowly."


class Timer:
    def __init__(self) -> None:
        self.played: dict[str, tuple[Played, float]] = {}
        self.done = threading.Event()

    def __call__(self, text: str, played: Played) -> None:
        self.played[text] = (played, time.monotonic())
        self.done.set()


def first_audio(q: SpeechQueue, timer: Timer, texts: list[str]) -> list[float]:
    out = []
    for text in texts:
        timer.done.clear()
        said = time.monotonic()
        q.say(text)
        q.wait_idle(60)
        started = timer.played[text][0].started_at
        assert started is not None, f"no audio for {text!r}"
        out.append(started - said)
    return out


def stop_ack(q: SpeechQueue, timer: Timer, runs: int) -> list[float]:
    out = []
    for n in range(runs):
        text = f"{LONG} {WORDS[n % 10]}"
        q.say(text)
        while text not in timer.played and not any(i.text == text for i in q.last_spoken):
            time.sleep(0.005)
        time.sleep(0.5)
        stopped = time.monotonic()
        q.stop()
        q.wait_idle(10)
        out.append(timer.played[text][1] - stopped)
    return out


def row(name: str, values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"| {name:<44} | {len(ms):>4} | {statistics.median(ms):>9.1f} | {p95:>9.1f} |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    server = PulseServer()
    server.start()
    os.environ.update(server.env)
    os.environ["CRAMP_COACH_HOME"] = tempfile.mkdtemp(prefix="coach-bench-")
    timer = Timer()
    q = SpeechQueue(SpeechSettings(), default_voice="en", clock=lambda: datetime(2024, 5, 1, 12),
                    on_played=timer, echo=None)
    try:
        cold_said = time.monotonic()
        q.say("Ready.")
        q.wait_idle(60)
        cold = timer.played["Ready."][0].started_at or cold_said
        uncached = first_audio(q, timer, [sentence(n) for n in range(args.runs)])
        q.precache([sentence(100 + n) for n in range(args.runs)], night=False)
        cached = first_audio(q, timer, [sentence(100 + n) for n in range(args.runs)])
        stops = stop_ack(q, timer, min(args.runs, 10))
        player = q.playback.player
        latency = player.output_latency if isinstance(player, StreamPlayer) else float("nan")
    finally:
        q.close()
        server.cleanup()
    print(f"cold start (worker spawn + stream open on the null sink): {(cold - cold_said):.2f} s")
    print(f"PortAudio output latency after the callback: {latency * 1000:.1f} ms")
    print()
    print(f"| {'measure':<44} | {'runs':>4} | {'median ms':>9} | {'p95 ms':>9} |")
    print(f"|{'-' * 46}|{'-' * 6}|{'-' * 11}|{'-' * 11}|")
    print(row("say() -> first sample out, uncached", uncached))
    print(row("say() -> first sample out, cached", cached))
    print(row("stop() -> playback cut acknowledged", stops))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
